"""Translates a SAM template with the SAM translator once per parameter set and lints each output
with cfn-lint, with that set's values (cfn-lint resolves conditions and Refs with them), in one
process: starting the translator and cfn-lint once per set would take minutes.

stdin: {"template": "<path>", "sets": [{"name": "...", "values": {"Param": "value", ...}}]}
stdout: {"translator": "<version>", "cfnLint": "<version>",
         "sets": [{"name": "...", "resources": N, "error": "<translation error>" | null,
                   "findings": ["W1030 Resources/... : message", ...]}]}
Run by test/integration/template/sam-translate.test.ts with the integration tier's venv.
"""
import json
import os
import sys

# The translator asks boto for a Region (for partition-specific ARNs); never a real account.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import cfnlint.version
import samtranslator
from cfnlint.api import ManualArgs, lint
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

PSEUDO_PARAMETERS = {
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::Region": "us-east-1",
    "AWS::StackName": "vpc-flow-log-appender",
    "AWS::StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/vpc-flow-log-appender/00000000-0000-0000-0000-000000000000",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::NotificationARNs": [],
}


class NoManagedPolicies:
    """The template names no managed policy, so the translator never needs IAM's list."""

    def load(self):
        return {}


def packaged(template):
    """The template as `sam package` uploads it: each function's local CodeUri an S3 object."""
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(resource.get("Properties", {}).get("CodeUri"), str):
            resource["Properties"]["CodeUri"] = f"s3://sam-artifacts-bucket/{logical_id}.zip"
    return template


def translate_and_lint(template_text, parameter_set):
    result = {"name": parameter_set["name"], "resources": 0, "error": None, "findings": []}
    try:
        translated = transform(packaged(yaml_parse(template_text)), {**PSEUDO_PARAMETERS, **parameter_set["values"]}, NoManagedPolicies())
    except Exception as error:  # the translator's own errors name the resource and property
        result["error"] = f"{type(error).__name__}: {error}"
        return result
    result["resources"] = len(translated.get("Resources", {}))
    matches = lint(json.dumps(translated), config=ManualArgs(regions=["us-east-1"], parameters=[parameter_set["values"]]))
    result["findings"] = [f"{match.rule.id} {'/'.join(str(part) for part in match.path)}: {match.message}" for match in matches]
    return result


def main():
    request = json.load(sys.stdin)
    with open(request["template"], encoding="utf-8") as template_file:
        template_text = template_file.read()
    json.dump(
        {
            "translator": samtranslator.__version__,
            "cfnLint": cfnlint.version.__version__,
            "sets": [translate_and_lint(template_text, parameter_set) for parameter_set in request["sets"]],
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
