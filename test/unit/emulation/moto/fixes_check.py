"""Checks each fix of emulation/moto/fixes/ against moto's own backends, in process (no server, no network).

Run by fixes.test.ts: `python fixes_check.py <fix>` prints one JSON line of what it saw.
"""

import datetime
import importlib.util
import json
import os
import sys

MOTO = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "emulation", "moto")
ROOT = os.path.join(MOTO, "fixes")
sys.path.insert(0, MOTO)  # as the launcher runs: its folder first, for the fixes' shared modules
ACCOUNT, REGION = "000000000000", "us-east-1"


def load(path):
    spec = importlib.util.spec_from_file_location(path.replace("/", "_"), os.path.join(ROOT, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def error_type(call):
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the error's type is what is checked
        return getattr(error, "error_type", type(error).__name__)
    return None


def sqs():
    fix = load("sqs/deleted_receipts.py")
    ticks = [0.0]
    handles = fix.ExpiringHandles(lambda: 30, now=lambda: ticks[0])
    handles.update(["a", "b"])
    ticks[0] = 10.0
    handles.add("c")
    seen_early = ["a" in handles, "c" in handles, len(handles)]
    ticks[0] = 35.0
    seen_late = ["a" in handles, "c" in handles, len(handles)]

    fix.apply()
    from moto.sqs.models import sqs_backends

    backend = sqs_backends[ACCOUNT][REGION]
    queue = backend.create_queue("q", VisibilityTimeout="30")
    backend.send_message("q", "hello")
    [message] = backend.receive_message("q", 1, 0, 0)
    backend.delete_message("q", message.receipt_handle)
    again = error_type(lambda: backend.delete_message("q", message.receipt_handle))
    unknown = error_type(lambda: backend.delete_message("q", message.receipt_handle + "x"))
    return {
        "early": seen_early,
        "late": seen_late,
        "deleteAgain": again,
        "unknownHandle": unknown,
        "kind": type(queue.deleted_messages).__name__,
    }


def sns():
    os.environ["MOTO_SNS_KEPT_NOTIFICATIONS"] = "3"
    load("sns/sent_notifications.py").apply()
    from moto.sns.models import sns_backends

    backend = sns_backends[ACCOUNT][REGION]
    topic = backend.create_topic("t")
    for i in range(5):
        backend.publish(f"m{i}", arn=topic.arn)
    return {"kept": [n[1] for n in topic.sent_notifications]}


def ses():
    os.environ["MOTO_SES_KEPT_EMAILS"] = "2"
    load("ses/sent_messages.py").apply()
    from moto.ses.models import ses_backends

    backend = ses_backends[ACCOUNT][REGION]
    backend.verify_email_identity("shop@example.com")
    for i in range(4):
        backend.send_email("shop@example.com", f"subject {i}", "body", {"ToAddresses": ["a@example.com"]})
    return {"kept": [m.subject for m in backend.sent_messages], "count": backend.sent_message_count}


def _streamed_table(name):
    from moto.dynamodb.models import dynamodb_backends

    db = dynamodb_backends[ACCOUNT][REGION]
    table = db.create_table(
        name,
        schema=[{"AttributeName": "id", "KeyType": "HASH"}],
        attr=[{"AttributeName": "id", "AttributeType": "S"}],
        throughput=None,
        billing_mode="PAY_PER_REQUEST",
        indexes=[],
        global_indexes=[],
        streams={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        sse_specification=None,
        tags=[],
        deletion_protection_enabled=False,
        warm_throughput=None,
    )
    return db, table


def iterators():
    ticks = [0.0]
    fix = load("dynamodbstreams/iterator_expiry.py")
    fix.apply(clock=lambda: ticks[0])
    from moto.dynamodbstreams.models import dynamodbstreams_backends

    db, table = _streamed_table("it")
    db.put_item("it", {"id": {"S": "1"}})
    streams = dynamodbstreams_backends[ACCOUNT][REGION]
    arn, shard = table.describe(base_key="Table")["Table"]["LatestStreamArn"], table.stream_shard.id
    first = streams.get_shard_iterator(arn, shard, "TRIM_HORIZON").arn
    read = streams.get_records(first, 10)
    ticks[0] = 10 * 60.0
    second = streams.get_shard_iterator(arn, shard, "TRIM_HORIZON").arn
    held_at_10 = len(streams.shard_iterators)
    ticks[0] = 16 * 60.0
    expired = error_type(lambda: streams.get_records(first, 10))
    fresh = len(streams.get_records(second, 10)["Records"])
    return {"records": len(read["Records"]), "heldAt10": held_at_10, "expired": expired, "fresh": fresh, "heldAt16": len(streams.shard_iterators)}


def retention():
    os.environ["MOTO_STREAM_RETENTION_SECONDS"] = "60"
    fix = load("dynamodbstreams/retention.py")
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    now = [start]
    fix.apply(clock=lambda: now[0])
    from moto.dynamodbstreams.models import dynamodbstreams_backends

    db, table = _streamed_table("rt")
    shard = table.stream_shard
    for i in range(70):
        db.put_item("rt", {"id": {"S": str(i)}})
    for record in shard.items:  # written a while ago
        record.record["dynamodb"]["ApproximateCreationDateTime"] = start - datetime.timedelta(seconds=120)
    first_sequence = shard.starting_sequence_number
    streams = dynamodbstreams_backends[ACCOUNT][REGION]
    arn = table.describe(base_key="Table")["Table"]["LatestStreamArn"]
    old = streams.get_shard_iterator(arn, shard.id, "TRIM_HORIZON").arn
    db.put_item("rt", {"id": {"S": "new"}})
    horizon = streams.get_shard_iterator(arn, shard.id, "TRIM_HORIZON").arn
    records = streams.get_records(horizon, 10)["Records"]
    return {
        "kept": len(shard.items),
        "moved": shard.starting_sequence_number - first_sequence,
        "newSequence": int(records[0]["dynamodb"]["SequenceNumber"]) - first_sequence,
        "trimmedRead": error_type(lambda: streams.get_records(old, 10)),
    }


def ttl():
    """A table with TTL on `expiresAt`: which items a sweep at `now` deletes."""
    fix = load("dynamodb/ttl_expiry.py")
    db, table = _streamed_table("ttl")
    db.update_time_to_live("ttl", {"Enabled": True, "AttributeName": "expiresAt"})
    now = 1_800_000_000
    items = {
        "expired": {"N": str(now - 10)},
        "due now": {"N": str(now)},
        "later": {"N": str(now + 10)},
        "six years ago": {"N": str(now - 6 * 365 * 24 * 60 * 60)},
        "a string": {"S": str(now - 10)},
    }
    for name, expires in items.items():
        db.put_item("ttl", {"id": {"S": name}, "expiresAt": expires})
    db.put_item("ttl", {"id": {"S": "no ttl"}})
    db.put_item("ttl", {"id": {"S": "renewed"}, "expiresAt": {"N": str(now - 10)}})
    scan = db.scan

    def scan_then_renew(*args):  # a write between the sweep's scan and its delete
        found = scan(*args)
        db.put_item("ttl", {"id": {"S": "renewed"}, "expiresAt": {"N": str(now + 10)}})
        return found

    db.scan = scan_then_renew
    before = len(table.stream_shard.items) + 1  # the renewal's own MODIFY
    deleted = fix.sweep(db, now)
    del db.scan
    removes = [r.record["eventName"] for r in table.stream_shard.items[before:]]
    db.update_time_to_live("ttl", {"Enabled": False, "AttributeName": "expiresAt"})
    db.put_item("ttl", {"id": {"S": "expired, ttl off"}, "expiresAt": {"N": str(now - 10)}})
    return {
        "deleted": deleted,
        "kept": sorted(str(i.hash_key.value) for i in table.all_items()),
        "removes": removes,
        "sweptWhenOff": fix.sweep(db, now),
    }


def instances():
    """100 versions of one item written, with and without the fix: how many Items stay alive."""
    import gc

    from moto.dynamodb.models.dynamo_type import Item

    def live_items_after_writes():
        _, table = _streamed_table(f"t{len(gc.get_objects())}")
        for version in range(100):
            table.put_item({"id": {"S": "one"}, "version": {"N": str(version)}})
        table.stream_shard.items.clear()  # the stream's records hold no Item; the table holds the last version
        gc.collect()
        return sum(1 for obj in gc.get_objects() if type(obj) is Item)

    without = live_items_after_writes()
    load("core/instances_not_kept.py").apply()
    with_fix = live_items_after_writes()  # and the first table's old versions go with its list
    return {"without": without, "withFix": with_fix, "tracked": type(Item.instances_tracked).__name__}

if __name__ == "__main__":
    print(json.dumps({"sqs": sqs, "sns": sns, "ses": ses, "iterators": iterators, "retention": retention, "instances": instances, "ttl": ttl}[sys.argv[1]]()))
