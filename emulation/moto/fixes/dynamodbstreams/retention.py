"""DynamoDB Streams: a stream keeps its records for 24 hours, not for ever.

What moto does: a table's stream shard appends every record (the item's image, as the stream's view
type says) to a list that is never trimmed: a table written for a day keeps every change of the day,
and the emulator's memory grows with every write for as long as it runs.

What AWS does: "All data in DynamoDB Streams is subject to a 24-hour lifetime. You can retrieve and
analyze the last 24 hours of activity for any given table" (DynamoDB developer guide, Change data
capture for DynamoDB Streams); older records are trimmed, and the shard's trim horizon moves on. An
iterator asked for, or read, at a position already trimmed gets TrimmedDataAccessException.

This fix trims, whenever a record is appended, the records older than the retention (24 hours;
MOTO_STREAM_RETENTION_SECONDS sets another, shorter one for a test or a soak that must see the bound
within its run) and moves the shard's starting sequence number on by as many, so that the sequence
numbers of the records kept do not change. Trimming waits while the appending thread is inside a
TransactWriteItems: the launcher rolls a cancelled transaction back by cutting the shard back to its
length before the transaction, which a trim in between would shift. Reading from a trimmed position
answers TrimmedDataAccessException. The memory held is the last 24 hours of records, as on AWS.

Register: call apply() once after moto's DynamoDB models are imported and after the launcher has
replaced StreamShard.add and DynamoDBBackend.transact_write_items (this wraps whatever they are then).
"""

import datetime
import os
import threading

from moto.core.exceptions import JsonRESTError
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import StreamShard

# Trimming moves the rest of the list: do it in steps of at least this many records.
TRIM_STEP = 64


class TrimmedDataAccessException(JsonRESTError):
    code = 400

    def __init__(self):
        super().__init__(
            "TrimmedDataAccessException",
            "The operation attempted to read past the oldest stream record in a shard.",
        )


def retention_seconds():
    return float(os.environ.get("MOTO_STREAM_RETENTION_SECONDS", str(24 * 60 * 60)))


def _created(record):
    created = record.record["dynamodb"]["ApproximateCreationDateTime"]
    return created if created.tzinfo is not None else created.replace(tzinfo=datetime.timezone.utc)


def trim(shard, now, retention):
    """Drops the shard's records created `retention` seconds or more before `now` (when at least TRIM_STEP are); returns how many."""
    horizon = now - datetime.timedelta(seconds=retention)
    expired = 0
    for record in shard.items:
        if _created(record) > horizon:
            break
        expired += 1
    if expired < TRIM_STEP and expired < len(shard.items):
        return 0
    if expired == 0:
        return 0
    del shard.items[:expired]
    shard.starting_sequence_number += expired
    return expired


_in_transaction = threading.local()


def apply(clock=lambda: datetime.datetime.now(datetime.timezone.utc)):
    """Trims every stream shard on append (outside a transaction); reading a trimmed position is refused."""
    original_add = StreamShard.add

    def add(self, *args, **kwargs):
        if not getattr(_in_transaction, "active", False):
            trim(self, clock(), retention_seconds())
        return original_add(self, *args, **kwargs)

    StreamShard.add = add

    original_transact = DynamoDBBackend.transact_write_items

    def transact_write_items(self, *args, **kwargs):
        _in_transaction.active = True
        try:
            return original_transact(self, *args, **kwargs)
        finally:
            _in_transaction.active = False

    DynamoDBBackend.transact_write_items = transact_write_items

    original_get = StreamShard.get

    def get(self, start, quantity):
        if start < self.starting_sequence_number:
            raise TrimmedDataAccessException()
        return original_get(self, start, quantity)

    StreamShard.get = get
