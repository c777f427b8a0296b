"""Validates OCSF 1.1.0 Network Activity events, one JSON document a line on standard input.

Each document is validated by pydantic-ocsf's NetworkActivity model of OCSF 1.1.0 (types, enums,
required attributes of every object it models). Its models let attributes they do not model pass
as extras (the base event's and the profiles'), so every extra, at any depth, must also be an
attribute OCSF 1.1.0 defines (its dictionary), `unmapped` aside, whose content is ours by design.
Prints one JSON line: {"documents": N, "errors": [...]} (at most 20 errors, with the line number).
"""
import json
import sys
from importlib import resources

from pydantic import BaseModel, ValidationError
from ocsf.v1_1_0.events import NetworkActivity

SCHEMA = json.loads(resources.files("ocsf").joinpath("schemas/v1_1_0.json").read_text())
ATTRIBUTES = set(SCHEMA["dictionary"]["attributes"].keys())
NETWORK_ACTIVITY_CLASS_UID = 4001


def unknown_extras(node, path):
    """Names of extras (attributes the model does not define) that OCSF 1.1.0 does not define either."""
    found = []
    if isinstance(node, BaseModel):
        for name, value in (node.model_extra or {}).items():
            if name == "unmapped":
                continue
            if name not in ATTRIBUTES:
                found.append(f"{path}{name}")
            elif isinstance(value, dict):
                found.extend(f"{path}{name}.{key}" for key in value if key not in ATTRIBUTES)
        for name in type(node).model_fields:
            if name == "unmapped":
                continue
            found.extend(unknown_extras(getattr(node, name), f"{path}{name}."))
    elif isinstance(node, list):
        for item in node:
            found.extend(unknown_extras(item, path))
    return found


def main():
    errors = []
    documents = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        documents += 1
        document = json.loads(line)
        problems = []
        if document.get("class_uid") != NETWORK_ACTIVITY_CLASS_UID:
            problems.append(f"class_uid is {document.get('class_uid')!r}, not 4001")
        if document.get("metadata", {}).get("version") != "1.1.0":
            problems.append("metadata.version is not 1.1.0")
        try:
            event = NetworkActivity.model_validate(document)
            problems.extend(f"{name} is not an OCSF 1.1.0 attribute" for name in unknown_extras(event, ""))
        except ValidationError as error:
            problems.append(str(error))
        for problem in problems:
            if len(errors) < 20:
                errors.append(f"line {number}: {problem}")
            else:
                break
    print(json.dumps({"documents": documents, "errors": errors}))


if __name__ == "__main__":
    main()
