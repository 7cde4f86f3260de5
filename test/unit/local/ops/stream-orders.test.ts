// Reading back what a stream mapping's on-failure record names (mocked DynamoDB Streams and table):
// the inserts of its sequence range, and the OrderPlaced of each order still PLACED.
import { DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { insertedOrderIds, streamAnnouncements } from '../../../../local/ops/dlq/stream-orders.js';
import { orderPlacedEvent } from '../../../../functions/shared/order-placed.js';
import { placedOrder } from '../../../fixtures/orders.js';

const streamsMock = mockClient(DynamoDBStreamsClient);
const dbMock = mockClient(DynamoDBDocumentClient);
const streams = new DynamoDBStreamsClient({ region: 'us-east-1' });
const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const STREAM = 'arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-11-25T09:00:00.000';
const info = { streamArn: STREAM, shardId: 's-1', startSequenceNumber: '101', endSequenceNumber: '103' };
const record = (sequence: string, orderId: string, eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT') => ({
  eventName,
  dynamodb: { SequenceNumber: sequence, Keys: { orderId: { S: orderId }, createdAt: { S: 't' } } },
});

beforeEach(() => {
  streamsMock.reset();
  dbMock.reset();
  streamsMock.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-1' });
});

it('reads the range from its first sequence number and stops after its last; inserts only, each order once', async () => {
  streamsMock.on(GetRecordsCommand, { ShardIterator: 'it-1' }).resolves({
    Records: [record('101', 'o-1'), record('102', 'o-1', 'MODIFY'), record('103', 'o-2'), record('104', 'o-3')],
    NextShardIterator: 'it-2',
  });
  expect(await insertedOrderIds(streams, info)).toEqual(['o-1', 'o-2']);
  expect(streamsMock).toHaveReceivedCommandWith(GetShardIteratorCommand, {
    ShardIteratorType: 'AT_SEQUENCE_NUMBER',
    SequenceNumber: '101',
    ShardId: 's-1',
  });
});

it('announces only the orders still PLACED', async () => {
  streamsMock.on(GetRecordsCommand).resolves({ Records: [record('101', 'o-1'), record('102', 'o-2')] });
  dbMock
    .on(QueryCommand, { ExpressionAttributeValues: { ':orderId': 'o-1' } })
    .resolves({ Items: [placedOrder('o-1')] });
  dbMock
    .on(QueryCommand, { ExpressionAttributeValues: { ':orderId': 'o-2' } })
    .resolves({ Items: [{ ...placedOrder('o-2'), status: 'CONFIRMED' }] });
  const announce = streamAnnouncements(streams, db, () => 'orders');
  const events = await announce({
    requestContext: { functionArn: 'f', condition: 'RecordAgeExceeded' },
    DDBStreamBatchInfo: { ...info, batchSize: 2 },
  });
  expect(events).toEqual([orderPlacedEvent(placedOrder('o-1'))]);
});
