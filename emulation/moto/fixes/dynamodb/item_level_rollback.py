"""A cancelled transaction puts back the items it named, in the same table, and drops its stream records.

What moto does: TransactWriteItems snapshots every table it touches (a deep copy, stream records included) and,
when one of its conditions fails, puts the whole copies back in the tables' place. Each transaction
costs more than the last (after a few hundred orders a POST took seconds), and the rollback puts a
*copy* of the table's stream shard in its place: every shard iterator handed out before follows the
old shard, which gets no new records, so a stream reader silently stops after the first cancelled
transaction (and the copy keeps the cancelled writes' records).

What AWS does: a cancelled transaction changes nothing and emits no stream record; its cost does not depend on
the size of the tables; stream readers are not affected.

This fix: a Table "copies" as itself (everything else is copied as before: update_item keeps a deep
copy of the old item for its stream record); the transaction snapshots only the items it names and,
on a rollback, puts those items back and cuts each touched shard back to its length before.
"""

import copy
import functools

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table


class _TablesKeptInPlace:
    """The `copy` moto's DynamoDB backend sees: a Table "copies" as itself, so a rollback puts the same table back."""

    @staticmethod
    def deepcopy(value, memo=None):
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _item_snapshot(backend, transact_items):
    """Each named item as it is now (a deep copy, or None when absent), and each stream shard's length."""
    items, shards = [], {}
    for entry in transact_items:
        _, op = next(iter(entry.items()))
        table = backend.tables.get(op.get("TableName"))
        if table is None:
            continue
        try:
            keys = op.get("Key") or {name: op["Item"][name] for name in (table.hash_key_attr, table.range_key_attr) if name is not None}
            hash_key, range_key = backend.get_keys_value(table, keys)
        except Exception:
            continue  # a malformed key: moto refuses the transaction before writing this item
        current = table.get_item(hash_key, range_key)
        items.append((table, hash_key, range_key, copy.deepcopy(current)))
        if table.stream_shard is not None:
            shards.setdefault(id(table), (table.stream_shard, len(table.stream_shard.items)))
    return items, shards.values()


def _restore(items, shards):
    for table, hash_key, range_key, item in reversed(items):  # reversed: the first snapshot of an item wins
        if range_key is None:
            holder, slot = table.items, hash_key
        else:
            holder, slot = table.items.setdefault(hash_key, {}), range_key
        if item is None:
            holder.pop(slot, None)
        else:
            holder[slot] = item
    for shard, length in shards:
        del shard.items[length:]


def apply():
    dynamodb_models.copy = _TablesKeptInPlace
    transact_write_items = DynamoDBBackend.transact_write_items

    @functools.wraps(transact_write_items)
    def transaction(self, transact_items):
        items, shards = _item_snapshot(self, transact_items)
        try:
            return transact_write_items(self, transact_items)
        except Exception:
            _restore(items, shards)
            raise

    DynamoDBBackend.transact_write_items = transaction
