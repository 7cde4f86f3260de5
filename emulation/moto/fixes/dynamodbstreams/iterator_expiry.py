"""DynamoDB Streams: a shard iterator expires 15 minutes after it was handed out.

What moto does: every GetShardIterator, and every GetRecords (for its NextShardIterator), creates a
ShardIterator (a 472-byte random id, about 630 characters in base64, and its position) and keeps it in
the backend's `shard_iterators` for ever. A reader polls each shard about four times a second while
the stream is idle (Lambda's documented rate; the local runtime does the same), so the emulator keeps
some 14,000 iterators an hour per shard, each a few kilobytes, long after anyone could use them.

What AWS does: "A shard iterator expires 15 minutes after it is returned to the requester"
(DynamoDB Streams API reference, GetShardIterator); GetRecords with an expired iterator answers
ExpiredIteratorException, and the reader asks for a new iterator.

This fix forgets each iterator 15 minutes after it was created (the oldest first: the backend's dict
holds them in creation order) and answers ExpiredIteratorException for one it no longer holds, as AWS
does for an expired iterator. The memory held is the iterators handed out in the last 15 minutes: flat.

Register: call apply() once after moto's DynamoDB Streams models are imported, before the server starts.
"""

import time

from moto.core.exceptions import JsonRESTError
from moto.dynamodbstreams.models import DynamoDBStreamsBackend, ShardIterator

LIFETIME_SECONDS = 15 * 60


class ExpiredIteratorException(JsonRESTError):
    code = 400

    def __init__(self):
        super().__init__("ExpiredIteratorException", "Iterator expired. The iterator was created more than 15 minutes ago.")


def forget_expired(iterators, now):
    """Drops the iterators created LIFETIME_SECONDS or more before `now`, oldest first (creation order)."""
    while iterators:
        arn, iterator = next(iter(iterators.items()))
        if now - getattr(iterator, "created_at", now) < LIFETIME_SECONDS:
            break
        del iterators[arn]


def apply(clock=time.monotonic):
    """Stamps every new shard iterator; forgets the expired ones whenever one is handed out or read."""
    original_init = ShardIterator.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.created_at = clock()

    ShardIterator.__init__ = init

    original_get_shard_iterator = DynamoDBStreamsBackend.get_shard_iterator

    def get_shard_iterator(self, *args, **kwargs):
        forget_expired(self.shard_iterators, clock())
        return original_get_shard_iterator(self, *args, **kwargs)

    DynamoDBStreamsBackend.get_shard_iterator = get_shard_iterator

    def get_records(self, iterator_arn, limit):
        forget_expired(self.shard_iterators, clock())
        iterator = self.shard_iterators.get(iterator_arn)
        if iterator is None:
            raise ExpiredIteratorException()
        return iterator.get(limit)

    DynamoDBStreamsBackend.get_records = get_records
