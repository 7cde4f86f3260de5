// What a stream mapping's on-failure record names, read back: Lambda sends not the records but the
// shard and the first and last sequence numbers of the batch it gave up on. The records are read
// from the stream itself (it keeps them 24 h: a description older than that names records gone),
// and each order they inserted that is still PLACED gets its one OrderPlaced, as the outbox builds it.
import {
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OrderEvent } from '../../../functions/shared/events.js';
import { orderPlacedEvent } from '../../../functions/shared/order-placed.js';
import { findOrder } from '../../../functions/shared/order-record.js';
import type { StreamAnnouncements } from './redrive.js';

const after = (a: string, b: string): boolean => BigInt(a) > BigInt(b);

/** The orderIds the inserts of one shard's range name, in order, each once. */
export async function insertedOrderIds(
  streams: DynamoDBStreamsClient,
  info: { streamArn: string; shardId: string; startSequenceNumber: string; endSequenceNumber: string },
): Promise<string[]> {
  const { ShardIterator } = await streams.send(
    new GetShardIteratorCommand({
      StreamArn: info.streamArn,
      ShardId: info.shardId,
      ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      SequenceNumber: info.startSequenceNumber,
    }),
  );
  const ids: string[] = [];
  let iterator = ShardIterator;
  while (iterator !== undefined) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    for (const record of page.Records ?? []) {
      const sequence = record.dynamodb?.SequenceNumber ?? '0';
      if (after(sequence, info.endSequenceNumber)) return ids;
      const orderId = record.dynamodb?.Keys?.orderId?.S;
      if (record.eventName === 'INSERT' && orderId !== undefined && !ids.includes(orderId)) ids.push(orderId);
    }
    // An open shard hands out an iterator even when nothing is left: an empty page is the end.
    if ((page.Records ?? []).length === 0) return ids;
    iterator = page.NextShardIterator;
  }
  return ids;
}

/** The announcements of a stream failure: the OrderPlaced of each order it names that is still PLACED. */
export function streamAnnouncements(
  streams: DynamoDBStreamsClient,
  db: DynamoDBDocumentClient,
  tableOf: (streamArn: string) => string,
): StreamAnnouncements {
  return async (failure) => {
    const batch = failure.DDBStreamBatchInfo;
    const events: OrderEvent[] = [];
    for (const orderId of await insertedOrderIds(streams, batch)) {
      const order = await findOrder(db, tableOf(batch.streamArn), orderId);
      if (order?.status === 'PLACED') events.push(orderPlacedEvent(order));
    }
    return events;
  };
}
