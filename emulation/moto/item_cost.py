"""What one stored item costs the emulator's memory: no fix of moto, a measurement of it.

A table on AWS grows with the items it holds, and so does the emulator: its tables live in its
memory, where an item costs far more than its size as DynamoDB counts it (each attribute a Python
object). A long run's memory may grow by that much and no more. This says how much, for items of
the shapes a run really wrote.

Reads from standard input {"copies": N, "tables": {name: {"keySchema": [...],
"attributeDefinitions": [...], "items": [item in DynamoDB JSON, ...]}}}, puts N copies of each
sample item (its partition key made unique) into moto's DynamoDB in this process, with the launcher's
fixes applied, and prints {name: {"items": N × samples, "bytesPerItem": B, "dynamoBytesPerItem": D}}:
B what the process's resident memory (RSS, as the soak samples the emulator's) grew by once the
copies were stored, per item; D the item's size as DynamoDB bills it.
The tables are made without their indexes and streams: moto answers an index from the table's own
items, and a stream's records are bounded apart (its retention).

Run: python3 item_cost.py < samples.json, or measureItemCost (item-cost.ts), as make soak does at its end.
"""

import gc
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True


def _copy(item, key, n):
    copy = dict(item)
    (kind, value), = item[key].items()
    copy[key] = {kind: f"{value}#{n}"} if kind == "S" else {kind: str(int(value) * 1_000_000 + n)}
    return copy


def _rss_bytes():
    with open("/proc/self/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1)) * 1024


def _put_all(client, name, items):
    for start in range(0, len(items), 25):
        batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
        client.batch_write_item(RequestItems={name: batch})


def measure(client, backend, name, table, copies):
    key = next(k["AttributeName"] for k in table["keySchema"] if k["KeyType"] == "HASH")
    names = {k["AttributeName"] for k in table["keySchema"]}
    client.create_table(
        TableName=name,
        KeySchema=table["keySchema"],
        AttributeDefinitions=[a for a in table["attributeDefinitions"] if a["AttributeName"] in names],
        BillingMode="PAY_PER_REQUEST",
    )
    samples = table["items"]
    _put_all(client, name, [_copy(item, key, -1 - i) for i, item in enumerate(samples)])  # warms the paths
    gc.collect()
    before = _rss_bytes()
    stored = [_copy(item, key, n * len(samples) + i) for n in range(copies) for i, item in enumerate(samples)]
    _put_all(client, name, stored)
    del stored
    gc.collect()
    held = _rss_bytes() - before
    stored_items = list(backend.get_table(name).all_items())  # every one a copy of a sample
    dynamo_bytes = sum(i.size() for i in stored_items) / len(stored_items)
    count = copies * len(samples)
    return {"items": count, "bytesPerItem": round(held / count), "dynamoBytesPerItem": round(dynamo_bytes)}


def main():
    request = json.load(sys.stdin)
    import launcher

    launcher.apply_fixes()
    import boto3
    from moto import mock_aws
    from moto.dynamodb.models import dynamodb_backends

    # moto in this process, whatever endpoint the caller's environment names (the soak's names its emulator).
    for name in [name for name in os.environ if name.startswith("AWS_ENDPOINT_URL")]:
        del os.environ[name]
    os.environ.update({"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"})
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        backend = dynamodb_backends["123456789012"]["us-east-1"]
        result = {
            name: measure(client, backend, name, table, request.get("copies", 100))
            for name, table in request["tables"].items()
            if table["items"]
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
