"""DynamoDB: an item whose time to live has passed is deleted, as DynamoDB's TTL deletes it.

What moto does: it stores a table's TTL setting (UpdateTimeToLive, DescribeTimeToLive) and never
acts on it: an expired item stays for as long as the emulator runs. A stack left running keeps every
key the idempotency table was ever given (about 4 KB each in the emulator's memory).

What AWS does: "DynamoDB automatically deletes expired items within a few days of their expiration
time" (developer guide, Time to Live); until then they can still be read, so code filters them out
itself. Only a Number attribute holding epoch seconds counts; an item without it, or with another
type, never expires, and neither does one whose time lies more than five years in the past. The
deletion is a REMOVE in the table's stream and costs no write.

This fix: a thread sweeps, every MOTO_TTL_SWEEP_SECONDS (default 300), each table whose TTL is
enabled, and deletes the items whose TTL attribute is a Number at or before now and less than five
years old. Each delete goes through the backend with that condition, under the same lock as any other
write, so an item renewed meanwhile is kept. Deleting within minutes rather than days is kinder
than AWS only in memory: an expired item may be read as on AWS until the next sweep. The stream's
REMOVE record lacks the `userIdentity` AWS gives a TTL deletion.

Register: call apply() once after moto's DynamoDB models are imported, before the server starts.
"""

import os
import sys
import threading
import time
import traceback

from moto.dynamodb.exceptions import ConditionalCheckFailed
from moto.dynamodb.models import dynamodb_backends

FIVE_YEARS = 5 * 365 * 24 * 60 * 60


def sweep(backend, now):
    """Deletes every expired item of the backend's tables whose TTL is enabled; returns how many."""
    deleted = 0
    for table in list(backend.tables.values()):
        if table.ttl.get("TimeToLiveStatus") != "ENABLED" or not table.ttl.get("AttributeName"):
            continue
        names = {"#ttl": table.ttl["AttributeName"]}
        values = {":now": {"N": str(int(now))}, ":oldest": {"N": str(int(now) - FIVE_YEARS)}, ":number": {"S": "N"}}
        due = "attribute_type(#ttl, :number) AND #ttl <= :now AND #ttl >= :oldest"
        # scan(table, filters, limit, exclusive_start_key, filter_expression, names, values, index, consistent, projection, segments)
        expired, _, _ = backend.scan(table.name, {}, None, None, due, names, values, None, True, None, (None, None))
        for item in expired:
            key = {table.hash_key_attr: item.hash_key.to_json()}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = item.range_key.to_json()
            try:
                backend.delete_item(table.name, key, names, {":now": values[":now"]}, "#ttl <= :now")
                deleted += 1
            except ConditionalCheckFailed:
                pass  # renewed since the scan: not expired any more
    return deleted


def _sweep_forever(every):
    while True:
        time.sleep(every)
        for account in list(dynamodb_backends.values()):
            for backend in list(account.values()):
                try:
                    sweep(backend, time.time())
                except Exception:  # noqa: BLE001 - said, and the next sweep tries again
                    print(f"ttl-expiry: the sweep failed\n{traceback.format_exc()}", file=sys.stderr)


def apply():
    every = float(os.environ.get("MOTO_TTL_SWEEP_SECONDS", "300"))
    threading.Thread(target=_sweep_forever, args=(every,), name="ttl-expiry", daemon=True).start()
