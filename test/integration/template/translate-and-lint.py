"""Translates a SAM template with the SAM translator once per parameter set and lints the output
with cfn-lint given that set's values (cfn-lint resolves Refs and conditions with them), in one
process: sets with the same translation share one cfn-lint pass that checks each set's values.
Starting the translator and cfn-lint once per set would take many minutes on two cores.

stdin: {"template": "<path>", "sets": [{"name": "...", "values": {"Param": "value", ...}}]}
stdout: {"translator": "<version>", "cfnLint": "<version>", "lintRuns": <distinct translations linted>,
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


def translate(template_text, parameter_set):
    """The translator's output for one set (a dict), or the translator's error (a string)."""
    try:
        return transform(packaged(yaml_parse(template_text)), {**PSEUDO_PARAMETERS, **parameter_set["values"]}, NoManagedPolicies())
    except Exception as error:  # the translator's own errors name the resource and property
        return f"{type(error).__name__}: {error}"


def lint_output(translated, parameter_sets):
    """cfn-lint's findings on one translated template, checked with each of the parameter sets."""
    matches = lint(json.dumps(translated), config=ManualArgs(regions=["us-east-1"], parameters=[parameter_set["values"] for parameter_set in parameter_sets]))
    return [f"{match.rule.id} {'/'.join(str(part) for part in match.path)}: {match.message}" for match in matches]


def translate_and_lint(template_text, parameter_sets):
    """Sets whose translations are identical share one cfn-lint run with all their values (cfn-lint
    checks a template against several deployments' parameters in one pass, at about the cost of one)."""
    results = {}
    groups = {}
    for parameter_set in parameter_sets:
        translated = translate(template_text, parameter_set)
        if isinstance(translated, str):
            results[parameter_set["name"]] = {"name": parameter_set["name"], "resources": 0, "error": translated, "findings": []}
            continue
        key = json.dumps(translated, sort_keys=True)
        groups.setdefault(key, (translated, []))[1].append(parameter_set)
    for translated, members in groups.values():
        findings = lint_output(translated, members)
        for parameter_set in members:
            results[parameter_set["name"]] = {"name": parameter_set["name"], "resources": len(translated.get("Resources", {})), "error": None, "findings": findings}
    return [results[parameter_set["name"]] for parameter_set in parameter_sets], len(groups)


def main():
    request = json.load(sys.stdin)
    with open(request["template"], encoding="utf-8") as template_file:
        template_text = template_file.read()
    sets, lint_runs = translate_and_lint(template_text, request["sets"])
    json.dump({"translator": samtranslator.__version__, "cfnLint": cfnlint.version.__version__, "lintRuns": lint_runs, "sets": sets}, sys.stdout)


if __name__ == "__main__":
    main()
