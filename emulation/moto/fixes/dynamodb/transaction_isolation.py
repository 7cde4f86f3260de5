"""DynamoDB's item reads and writes, one at a time: a transaction is isolated from concurrent requests.

What moto does: moto_server answers each request on its own thread, and its DynamoDB backend is not
thread-safe. A TransactWriteItems whose condition fails rolls back by putting its snapshot back: a
write another thread committed in between is undone. Under concurrent orders that lost stock
decrements, and the pipeline confirmed more orders than there were units. The snapshot itself can
also fail ("dictionary changed size during iteration") while another thread writes.

What AWS does: DynamoDB isolates transactions (serializable against other writes to the same items); the
project's code relies on it.

This fix: one re-entrant lock around the backend's item reads and writes (a transaction calls
get_item, put_item and update_item under it). SQS long polls and every other service stay
concurrent. Applied after item_level_rollback, so that a transaction's snapshot is taken under the lock.
"""

import functools
import threading

from moto.dynamodb.models import DynamoDBBackend

_LOCKED = ("get_item", "batch_get_item", "query", "scan", "put_item", "update_item", "delete_item", "batch_write_item", "transact_write_items")


def apply():
    lock = threading.RLock()  # re-entrant: a transaction calls get_item, put_item and update_item

    def serialised(method):
        @functools.wraps(method)
        def locked(*args, **kwargs):
            with lock:
                return method(*args, **kwargs)

        return locked

    for name in _LOCKED:
        setattr(DynamoDBBackend, name, serialised(getattr(DynamoDBBackend, name)))
