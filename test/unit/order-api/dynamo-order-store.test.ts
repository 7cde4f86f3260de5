import 'aws-sdk-client-mock-jest';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TRANSACTION_CONFLICT_RETRY } from '../../../functions/shared/dynamo-transactions.js';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoOrderStore } from '../../../functions/order-api/dynamo-order-store.js';
import { keyRecord, placedOrder } from '../../fixtures/orders.js';
import { transactionCancelled } from '../../fixtures/dynamo.js';
import { mockedDocumentClient } from '../../fixtures/clients.js';

const { db, client } = mockedDocumentClient();
// No waiting between conflict retries in unit tests.
const store = new DynamoOrderStore(
  client,
  { orders: 'orders', idempotency: 'idempotency' },
  { sleep: async () => undefined },
);

const order = placedOrder('00000000-0000-4000-8000-000000000001');
const claim = keyRecord(order);

describe('DynamoOrderStore.createOrder', () => {
  it('without a key puts the order, never overwriting one, in the index of PLACED orders', async () => {
    db.on(PutCommand).resolves({});
    await expect(store.createOrder(order)).resolves.toBe('created');
    expect(db).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'orders',
      Item: { ...order, placedIndexKey: 'PLACED' },
      ConditionExpression: 'attribute_not_exists(orderId)',
    });
  });

  it('with a key puts the order and the key with its answer in one transaction, the key only if free or expired', async () => {
    db.on(TransactWriteCommand).resolves({});
    await expect(store.createOrder(order, { record: claim, nowSeconds: 1_764_061_200 })).resolves.toBe('created');
    expect(db).toHaveReceivedCommandWith(TransactWriteCommand, {
      TransactItems: [
        {
          Put: {
            TableName: 'orders',
            Item: { ...order, placedIndexKey: 'PLACED' },
            ConditionExpression: 'attribute_not_exists(orderId)',
          },
        },
        {
          Put: {
            TableName: 'idempotency',
            Item: claim,
            ConditionExpression: 'attribute_not_exists(idempotencyKey) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': 1_764_061_200 },
          },
        },
      ],
    });
  });

  it("answers 'created' when the order already exists without a key: a lost response, and the SDK's retry of its own put", async () => {
    db.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    await expect(store.createOrder(order)).resolves.toBe('created');
  });

  it('without a key rethrows any other failure', async () => {
    expect.assertions(1);
    db.on(PutCommand).rejects(new Error('throttled'));
    await expect(store.createOrder(order)).rejects.toThrow('throttled');
  });

  it("answers 'created' when both conditions failed: the retry of a transaction whose first attempt was written", async () => {
    db.on(TransactWriteCommand).rejects(transactionCancelled('ConditionalCheckFailed', 'ConditionalCheckFailed'));
    await expect(store.createOrder(order, { record: claim, nowSeconds: 1 })).resolves.toBe('created');
  });

  it("answers 'key-taken' when only the key's condition cancelled the transaction", async () => {
    db.on(TransactWriteCommand).rejects(transactionCancelled('None', 'ConditionalCheckFailed'));
    await expect(store.createOrder(order, { record: claim, nowSeconds: 1 })).resolves.toBe('key-taken');
  });

  it('retries a TransactionConflict with backoff: a later attempt that commits is created', async () => {
    db.on(TransactWriteCommand).rejectsOnce(transactionCancelled('None', 'TransactionConflict')).resolves({});
    await expect(store.createOrder(order, { record: claim, nowSeconds: 1 })).resolves.toBe('created');
    expect(db).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
  });

  it("retries a conflict on the key, then reads the key's condition: 'key-taken' when the other request committed", async () => {
    db.on(TransactWriteCommand)
      .rejectsOnce(transactionCancelled('None', 'TransactionConflict'))
      .rejects(transactionCancelled('None', 'ConditionalCheckFailed'));
    await expect(store.createOrder(order, { record: claim, nowSeconds: 1 })).resolves.toBe('key-taken');
  });

  it("answers 'contended' (nothing written) once the conflict retries are used up: the domain answers 409 or the stored result, never a 5xx", async () => {
    db.on(TransactWriteCommand).rejects(transactionCancelled('None', 'TransactionConflict'));
    await expect(store.createOrder(order, { record: claim, nowSeconds: 1 })).resolves.toBe('contended');
    expect(db).toHaveReceivedCommandTimes(TransactWriteCommand, TRANSACTION_CONFLICT_RETRY.attempts);
  });

  it('rethrows any other cancellation (the order id exists, but not the key)', async () => {
    expect.assertions(1);
    db.on(TransactWriteCommand).rejects(transactionCancelled('ConditionalCheckFailed', 'None'));
    await expect(store.createOrder(order, { record: claim, nowSeconds: 1 })).rejects.toThrow(
      TransactionCanceledException,
    );
  });
});

describe('DynamoOrderStore reads', () => {
  it('finds an order by its partition key alone (Query, limit 1, consistent) and parses it', async () => {
    db.on(QueryCommand).resolves({ Items: [{ ...order, appliedEventIds: new Set(['e-1']) }] });
    await expect(store.findOrder(order.orderId)).resolves.toEqual({ ...order, appliedEventIds: new Set(['e-1']) });
    expect(db).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'orders',
      KeyConditionExpression: 'orderId = :orderId',
      ExpressionAttributeValues: { ':orderId': order.orderId },
      Limit: 1,
      ConsistentRead: true,
    });
  });

  it("finds a key's record (GetItem, consistent) and parses it", async () => {
    db.on(GetCommand).resolves({ Item: claim });
    await expect(store.find('k-1')).resolves.toEqual(claim);
  });

  it('answers undefined for an unknown order or key', async () => {
    db.on(QueryCommand).resolves({ Items: [] }).on(GetCommand).resolves({});
    await expect(store.findOrder('x')).resolves.toBeUndefined();
    await expect(store.find('k-x')).resolves.toBeUndefined();
    expect(db).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'idempotency',
      Key: { idempotencyKey: 'k-x' },
      ConsistentRead: true,
    });
  });
});
