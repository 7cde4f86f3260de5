"""A table's stream keeps its records for GetRecords: moto never delivers them to a function itself.

What moto does: on each write it invokes the function of every stream event source mapping of the table,
enabled or not. Without Docker that invocation fails with a truthy error text, which moto takes for
success and clears the shard: GetRecords then finds nothing, and the next sequence numbers repeat old ones.

What AWS does: Lambda reads the stream with the mapping's settings (and never a disabled mapping's); the stream
keeps its records for every reader for 24 hours.

This fix: StreamShard.add appends the record and delivers nothing. The local runtime reads the stream
with GetShardIterator/GetRecords and applies the mapping's settings instead, as it does for SQS.
"""

from moto.dynamodb.models.table import StreamRecord, StreamShard


def apply():
    def append_only(shard, old, new):
        """StreamShard.add without moto's own Lambda delivery: the record is kept for GetRecords."""
        event_name = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
        sequence_number = len(shard.items) + shard.starting_sequence_number
        shard.items.append(StreamRecord(shard.table, shard.table.stream_specification["StreamViewType"], event_name, old, new, sequence_number))

    StreamShard.add = append_only
