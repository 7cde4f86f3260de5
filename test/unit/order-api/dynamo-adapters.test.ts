import 'aws-sdk-client-mock-jest';
import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoOrderStore, DynamoProductCatalog } from '../../../functions/order-api/dynamo-adapters.js';
import { placedOrder } from '../../fixtures/orders.js';

const db = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const store = new DynamoOrderStore(client, { orders: 'orders', idempotency: 'idempotency' });

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const order = placedOrder('00000000-0000-4000-8000-000000000001');
const claim = { idempotencyKey: 'k-1', requestHash: 'abc', orderId: order.orderId, lockedUntil: 1_764_061_230_000, lockOwner: 'lock-1', expiresAt: 1_764_147_600 };

beforeEach(() => db.reset());

describe('DynamoProductCatalog', () => {
  const catalog = new DynamoProductCatalog(client, 'inventory', 0);

  it('reads every product in one BatchGet (each id once, no stock) and parses what comes back', async () => {
    db.on(BatchGetCommand).resolves({ Responses: { inventory: [{ productId: 'p-001', name: 'Tea', unitPrice: 1200, currency: 'JPY' }] } });

    const products = await catalog.getProducts(['p-001', 'p-404', 'p-001']);

    expect([...products.keys()]).toEqual(['p-001']);
    expect(db).toHaveReceivedCommandTimes(BatchGetCommand, 1);
    expect(db).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: {
        inventory: { Keys: [{ productId: 'p-001' }, { productId: 'p-404' }], ProjectionExpression: 'productId, #name, unitPrice, currency', ExpressionAttributeNames: { '#name': 'name' } },
      },
    });
  });

  it('asks again for unprocessed keys, and gives up loudly if they stay unprocessed', async () => {
    expect.assertions(3);
    db.on(BatchGetCommand)
      .resolvesOnce({ Responses: { inventory: [] }, UnprocessedKeys: { inventory: { Keys: [{ productId: 'p-001' }] } } })
      .resolvesOnce({ Responses: { inventory: [{ productId: 'p-001', name: 'Tea', unitPrice: 1200, currency: 'JPY' }] } });
    await expect(catalog.getProducts(['p-001'])).resolves.toHaveProperty('size', 1);

    db.reset();
    db.on(BatchGetCommand).resolves({ UnprocessedKeys: { inventory: { Keys: [{ productId: 'p-001' }] } } });
    await expect(catalog.getProducts(['p-001'])).rejects.toThrow(/unprocessed/);
    expect(db).toHaveReceivedCommandTimes(BatchGetCommand, 4);
  });

  it('refuses a product whose price is not integer minor units', async () => {
    expect.assertions(1);
    db.on(BatchGetCommand).resolves({ Responses: { inventory: [{ productId: 'p-001', name: 'Tea', unitPrice: 12.5, currency: 'JPY' }] } });
    await expect(catalog.getProducts(['p-001'])).rejects.toThrow();
  });
});

describe('DynamoOrderStore.createOrder', () => {
  it('without a key puts the order, never overwriting one', async () => {
    db.on(PutCommand).resolves({});
    await expect(store.createOrder(order)).resolves.toBe('created');
    expect(db).toHaveReceivedCommandWith(PutCommand, { TableName: 'orders', Item: order, ConditionExpression: 'attribute_not_exists(orderId)' });
  });

  it('with a key puts the order and claims the key in one transaction, the key only if free or expired', async () => {
    db.on(TransactWriteCommand).resolves({});
    await expect(store.createOrder(order, { record: claim, nowSeconds: 1_764_061_200 })).resolves.toBe('created');
    expect(db).toHaveReceivedCommandWith(TransactWriteCommand, {
      TransactItems: [
        { Put: { TableName: 'orders', Item: order, ConditionExpression: 'attribute_not_exists(orderId)' } },
        {
          Put: {
            TableName: 'idempotency',
            Item: { ...claim, state: 'IN_PROGRESS' },
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
    db.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed'));
    await expect(store.createOrder(order, { record: claim, nowSeconds: 1 })).resolves.toBe('created');
  });

  it("answers 'key-taken' when only the key's condition cancelled the transaction", async () => {
    db.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));
    await expect(store.createOrder(order, { record: claim, nowSeconds: 1 })).resolves.toBe('key-taken');
  });

  it.each([
    ['the order id exists', ['ConditionalCheckFailed', 'None']],
    ['a conflicting transaction', ['None', 'TransactionConflict']],
  ])('rethrows any other cancellation (%s)', async (_name, codes) => {
    expect.assertions(1);
    db.on(TransactWriteCommand).rejects(cancelled(...codes));
    await expect(store.createOrder(order, { record: claim, nowSeconds: 1 })).rejects.toThrow(TransactionCanceledException);
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

  it('answers undefined for an unknown order or key', async () => {
    db.on(QueryCommand).resolves({ Items: [] }).on(GetCommand).resolves({});
    await expect(store.findOrder('x')).resolves.toBeUndefined();
    await expect(store.find('k-x')).resolves.toBeUndefined();
    expect(db).toHaveReceivedCommandWith(GetCommand, { TableName: 'idempotency', Key: { idempotencyKey: 'k-x' }, ConsistentRead: true });
  });
});

describe('DynamoOrderStore idempotency updates', () => {
  const cases = [
    [
      'takeOver',
      () => store.takeOver('k-1', order.orderId, { nowMs: 100, lockedUntil: 30_100, lockOwner: 'lock-2' }),
      {
        UpdateExpression: 'SET lockedUntil = :lockedUntil, lockOwner = :lockOwner',
        ConditionExpression: '#state = :inProgress AND orderId = :orderId AND lockedUntil <= :now',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS', ':orderId': order.orderId, ':now': 100, ':lockedUntil': 30_100, ':lockOwner': 'lock-2' },
      },
    ],
    [
      'complete',
      () => store.complete('k-1', order.orderId, { statusCode: 202, body: { orderId: order.orderId } }),
      {
        UpdateExpression: 'SET #state = :completed, #response = :response',
        ConditionExpression: '#state = :inProgress AND orderId = :orderId',
        ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
        ExpressionAttributeValues: { ':completed': 'COMPLETED', ':inProgress': 'IN_PROGRESS', ':orderId': order.orderId, ':response': { statusCode: 202, body: { orderId: order.orderId } } },
      },
    ],
    [
      'release',
      () => store.release('k-1', 'lock-1', 200),
      {
        UpdateExpression: 'SET lockedUntil = :now',
        ConditionExpression: '#state = :inProgress AND lockOwner = :lockOwner',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS', ':lockOwner': 'lock-1', ':now': 200 },
      },
    ],
  ] as const;

  describe.each(cases)('%s', (_name, act, expected) => {
    it('sends its conditional update and answers true', async () => {
      db.on(UpdateCommand).resolves({});
      await expect(act()).resolves.toBe(true);
      expect(db).toHaveReceivedCommandWith(UpdateCommand, { TableName: 'idempotency', Key: { idempotencyKey: 'k-1' }, ...expected });
    });

    it('answers false when its condition fails', async () => {
      db.on(UpdateCommand).rejects(conditionFailed());
      await expect(act()).resolves.toBe(false);
    });

    it('rethrows any other error', async () => {
      expect.assertions(1);
      db.on(UpdateCommand).rejects(new Error('throttled'));
      await expect(act()).rejects.toThrow('throttled');
    });
  });
});
