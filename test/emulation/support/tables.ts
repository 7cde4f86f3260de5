// The tables the moto fixes' tests write to, created with SDK calls on a bare emulator.
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import type { ClientConfig } from './emulator.js';

/** A new table keyed by orderId and createdAt, with a GSI on customerId. */
export async function ordersTable(config: ClientConfig, prefix: string) {
  const raw = new DynamoDBClient(config);
  const table = `${prefix}-${randomUUID()}`;
  await raw.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'orderId', KeyType: 'HASH' },
        { AttributeName: 'createdAt', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'orderId', AttributeType: 'S' },
        { AttributeName: 'createdAt', AttributeType: 'S' },
        { AttributeName: 'customerId', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'by-customer',
          KeySchema: [{ AttributeName: 'customerId', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  const db = DynamoDBDocumentClient.from(raw);
  return {
    table,
    db,
    async fill(count: number): Promise<void> {
      for (let i = 0; i < count; i += 25) {
        const items = Array.from({ length: Math.min(25, count - i) }, (_, j) => ({
          PutRequest: { Item: { orderId: `old-${i + j}`, createdAt: '2026-01-01', customerId: 'c-old', pad: 'x' } },
        }));
        await db.send(new BatchWriteCommand({ RequestItems: { [table]: items } }));
      }
    },
    async drop(): Promise<void> {
      await raw.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
      raw.destroy();
    },
  };
}

/** A new table keyed by orderId with a stream, and what the stream tests read it with. */
export async function streamTable(config: ClientConfig, prefix: string, viewType: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES') {
  const [raw, streams] = [new DynamoDBClient(config), new DynamoDBStreamsClient(config)];
  const table = `${prefix}-${randomUUID()}`;
  const created = await raw.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: viewType },
    }),
  );
  const streamArn = created.TableDescription?.LatestStreamArn;
  return {
    table,
    streamArn,
    db: DynamoDBDocumentClient.from(raw),
    streams,
    /** An iterator at the start of the stream's one shard. */
    async firstIterator(): Promise<string | undefined> {
      const shardId = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription
        ?.Shards?.[0]?.ShardId;
      return (
        await streams.send(
          new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
        )
      ).ShardIterator;
    },
    async drop(): Promise<void> {
      await raw.send(new DeleteTableCommand({ TableName: table }));
      for (const client of [raw, streams]) client.destroy();
    },
  };
}

/** "INSERT o-1", … for each record. */
export const keys = (
  records: { eventName?: string; dynamodb?: { Keys?: Record<string, { S?: string }> } }[] | undefined,
) => (records ?? []).map((record) => `${record.eventName ?? ''} ${record.dynamodb?.Keys?.orderId?.S ?? ''}`);
