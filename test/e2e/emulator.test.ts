// The emulator keeps DynamoDB's transaction guarantee under concurrent requests (local/moto_server.py):
// plain moto_server rolls a failed TransactWriteItems back by restoring whole-table snapshots,
// undoing what other requests committed meanwhile — here, stock decrements, i.e. overselling.
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { stack } from './support/stack.js';

it('200 concurrent transactions for 50 units: exactly 50 commit, each with its marker and its decrement, and no rollback undoes another', async () => {
  const raw = new DynamoDBClient({ endpoint: stack().endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const db = DynamoDBDocumentClient.from(raw);
  const [stock, markers] = [`check-stock-${randomUUID()}`, `check-markers-${randomUUID()}`];
  for (const [table, key] of [
    [stock, 'productId'],
    [markers, 'orderId'],
  ] as const) {
    await raw.send(new CreateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: key, KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }] }));
  }
  try {
    await db.send(new PutCommand({ TableName: stock, Item: { productId: 'p', stock: 50 } }));
    // 2000 items already there: moto's snapshot of the table takes long enough for the race to show
    // (plain moto_server: 51 commits, 2052 markers; measured).
    for (let i = 0; i < 80; i += 1) {
      const items = Array.from({ length: 25 }, (_, j) => ({ PutRequest: { Item: { orderId: `old-${i}-${j}`, pad: 'x'.repeat(200) } } }));
      await db.send(new BatchWriteCommand({ RequestItems: { [markers]: items } }));
    }
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, () =>
        db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: markers, Item: { orderId: randomUUID() }, ConditionExpression: 'attribute_not_exists(orderId)' } },
              { Update: { TableName: stock, Key: { productId: 'p' }, UpdateExpression: 'SET stock = stock - :one', ConditionExpression: 'stock >= :one', ExpressionAttributeValues: { ':one': 1 } } },
            ],
          }),
        ),
      ),
    );
    const committed = outcomes.filter((o) => o.status === 'fulfilled').length;
    const { Item } = await db.send(new GetCommand({ TableName: stock, Key: { productId: 'p' }, ConsistentRead: true }));
    const { Count } = await db.send(new ScanCommand({ TableName: markers, Select: 'COUNT', ConsistentRead: true }));
    expect({ committed, stock: Item?.stock, markers: Count }).toEqual({ committed: 50, stock: 0, markers: 2050 });
  } finally {
    await Promise.all([stock, markers].map((table) => raw.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined)));
  }
}, 120_000);
