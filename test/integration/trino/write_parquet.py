"""Writes documents as Parquet with the Glue table's exact columns, as Firehose's record-format
conversion does, strictly: a value of another type than its column's, or a key without a column
(but the paths listed as having none), fails with the path and exits 1.

stdin: {"columns": [{"name", "type"}], "renamed": {"@timestamp": "event_time"},
        "skipped": ["unmapped.@timestamp"], "files": {"path.parquet": [document, ...]}}
stdout: {"bytes": {"path.parquet": size}}
"""
import json
import os
import sys

import pyarrow as pa
import pyarrow.parquet as pq

SCALARS = {"string": pa.string(), "int": pa.int32(), "bigint": pa.int64(), "double": pa.float64(), "boolean": pa.bool_()}


class Misfit(Exception):
    pass


def parse_type(text):
    """A Hive type (`struct<a:int,b:array<string>>`) as a pyarrow type."""
    position = 0

    def name():
        nonlocal position
        start = position
        while position < len(text) and (text[position].isalnum() or text[position] == "_"):
            position += 1
        return text[start:position]

    def parse():
        nonlocal position
        head = name()
        if head == "array":
            position += 1
            element = parse()
            position += 1
            return pa.list_(element)
        if head == "struct":
            position += 1
            fields = []
            while True:
                member = name()
                position += 1
                fields.append(pa.field(member, parse()))
                character = text[position]
                position += 1
                if character == ">":
                    return pa.struct(fields)
        if head not in SCALARS:
            raise ValueError(f"no Parquet type for Hive type {head} in {text}")
        return SCALARS[head]

    return parse()


def check(value, arrow_type, path, skipped):
    """Raises Misfit where the value does not fit its column: what Firehose's conversion refuses."""
    where = ".".join(path)
    if value is None:
        return
    if pa.types.is_struct(arrow_type):
        if not isinstance(value, dict):
            raise Misfit(f"{where}: {json.dumps(value)} is no object")
        names = {arrow_type.field(index).name: arrow_type.field(index).type for index in range(arrow_type.num_fields)}
        for key, child in value.items():
            child_path = path + [key]
            if ".".join(child_path) in skipped:
                continue
            if key not in names:
                raise Misfit(f"{'.'.join(child_path)}: no column")
            check(child, names[key], child_path, skipped)
    elif pa.types.is_list(arrow_type):
        if not isinstance(value, list):
            raise Misfit(f"{where}: {json.dumps(value)} is no array")
        for item in value:
            check(item, arrow_type.value_type, path, skipped)
    elif pa.types.is_string(arrow_type):
        if not isinstance(value, str):
            raise Misfit(f"{where}: {json.dumps(value)} is no string")
    elif pa.types.is_integer(arrow_type):
        limit = 2**31 if arrow_type == pa.int32() else 2**63
        if isinstance(value, bool) or not isinstance(value, int) or not -limit <= value < limit:
            raise Misfit(f"{where}: {json.dumps(value)} is no {arrow_type}")
    elif pa.types.is_floating(arrow_type):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Misfit(f"{where}: {json.dumps(value)} is no double")
    elif pa.types.is_boolean(arrow_type):
        if not isinstance(value, bool):
            raise Misfit(f"{where}: {json.dumps(value)} is no boolean")


def main():
    request = json.load(sys.stdin)
    schema = pa.schema([pa.field(column["name"], parse_type(column["type"])) for column in request["columns"]])
    table_type = pa.struct(list(schema))
    renamed = request.get("renamed", {})
    skipped = set(request.get("skipped", []))
    sizes = {}
    for path, documents in request["files"].items():
        rows = []
        for line, document in enumerate(documents, start=1):
            row = {renamed.get(key, key): value for key, value in document.items()}
            try:
                check(row, table_type, [], skipped)
            except Misfit as misfit:
                print(f"{path}: document {line}: {misfit}", file=sys.stderr)
                sys.exit(1)
            rows.append(row)
        # from_pylist converts strictly too: a value pyarrow cannot hold as its column's type raises.
        table = pa.Table.from_pylist(rows, schema=schema)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        pq.write_table(table, path, compression="snappy")
        sizes[path] = os.path.getsize(path)
    json.dump({"bytes": sizes}, sys.stdout)


if __name__ == "__main__":
    main()
