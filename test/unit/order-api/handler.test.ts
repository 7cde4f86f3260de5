// The deployed handler end to end in-process: real adapters, SDK clients mocked.
import 'aws-sdk-client-mock-jest';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import * as v from 'valibot';
import { getOrderEvent, postOrder } from '../../fixtures/api-gateway.js';
import { lambdaContext } from '../../fixtures/sqs.js';
import { PlaceOrderRequestSchema, requestHash } from '../../../functions/order-api/request.js';
import { customerClaims } from '../../fixtures/api-gateway.js';
import { setOrderApiEnv } from './env.js';
import { transactionCancelled } from '../../fixtures/dynamo.js';
import { mockedClients } from '../../fixtures/clients.js';
import { placedOrder } from '../../fixtures/orders.js';

setOrderApiEnv();
const { handler } = await import('../../../functions/order-api/handler.js');

const { db, sns } = mockedClients();

const body = { items: [{ productId: 'p-001', quantity: 2 }] };
/** The customer of postOrder's default claims. */
const customer = { customerId: customerClaims().sub ?? '', email: customerClaims().email ?? '' };

const product = { productId: 'p-001', name: 'Tea', unitPrice: 1200, currency: 'JPY' };
/** The idempotency record of an earlier POST of this body with key k-1, answered with order o-1. */
const storedKey = () => ({
  idempotencyKey: 'k-1',
  requestHash: requestHash(v.parse(PlaceOrderRequestSchema, body), customer),
  orderId: 'o-1',
  expiresAt: 4_102_444_800,
  response: { statusCode: 202, body: { orderId: 'o-1' } },
});

describe('order-api handler', () => {
  it('POST with a key, a new order: one BatchGet (products and key), one transaction (order and key with its answer), nothing published', async () => {
    db.on(BatchGetCommand).resolves({ Responses: { inventory: [product], idempotency: [] } });
    db.on(TransactWriteCommand).resolves({});

    const result = await handler(postOrder(body, { 'Idempotency-Key': 'k-1' }), lambdaContext('order-api'));

    expect(result.statusCode).toBe(202);
    const answer = JSON.parse(result.body) as { orderId: string };
    expect(answer.orderId).toMatch(/^[0-9a-f-]{36}$/);
    // The whole request path: nothing else is called.
    expect(db.calls().map((call) => call.args[0].constructor.name)).toEqual([
      'BatchGetCommand',
      'TransactWriteCommand',
    ]);
    expect(db).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: expect.objectContaining({
        idempotency: { Keys: [{ idempotencyKey: 'k-1' }], ConsistentRead: true },
      }),
    });
    const [, key] = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(key?.Put).toMatchObject({
      TableName: 'idempotency',
      Item: { idempotencyKey: 'k-1', orderId: answer.orderId, response: { statusCode: 202, body: answer } },
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('POST with a stored key: answered from the BatchGet, before pricing, with no write', async () => {
    const stored = storedKey();
    db.on(BatchGetCommand).resolves({ Responses: { inventory: [], idempotency: [stored] } }); // the product was withdrawn since

    const result = await handler(postOrder(body, { 'Idempotency-Key': 'k-1' }), lambdaContext('order-api'));

    expect(result.statusCode).toBe(202);
    expect(JSON.parse(result.body)).toEqual({ orderId: 'o-1' });
    expect(db.calls()).toHaveLength(1);
  });

  it('POST with a key under contention: TransactionConflict retried, then answered from what the other request stored (never a 5xx)', async () => {
    const conflict = transactionCancelled('None', 'TransactionConflict');
    const taken = transactionCancelled('None', 'ConditionalCheckFailed');
    const winner = storedKey();
    db.on(BatchGetCommand).resolves({ Responses: { inventory: [product], idempotency: [] } });
    db.on(TransactWriteCommand).rejectsOnce(conflict).rejects(taken);
    db.on(GetCommand).resolves({ Item: winner });

    const result = await handler(postOrder(body, { 'Idempotency-Key': 'k-1' }), lambdaContext('order-api'));

    expect(result.statusCode).toBe(202);
    expect(JSON.parse(result.body)).toEqual({ orderId: 'o-1' });
    expect(db).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
  });

  it('POST without a key: one BatchGet, one conditional PutItem', async () => {
    db.on(BatchGetCommand).resolves({ Responses: { inventory: [product] } });
    db.on(PutCommand).resolves({});

    const result = await handler(postOrder(body), lambdaContext('order-api'));

    expect(result.statusCode).toBe(202);
    expect(db.calls().map((call) => call.args[0].constructor.name)).toEqual(['BatchGetCommand', 'PutCommand']);
    expect(db).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'orders',
      ConditionExpression: 'attribute_not_exists(orderId)',
    });
  });

  it('GET: reads the order by Query and answers its view', async () => {
    const orderId = '00000000-0000-4000-8000-000000000001';
    db.on(QueryCommand).resolves({
      Items: [{ ...placedOrder(orderId), customerId: 'c-123' }],
    });

    const result = await handler(getOrderEvent(orderId), lambdaContext('order-api'));

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ orderId, status: 'PLACED', totalAmount: 2400 });
    expect(db).toHaveReceivedCommandWith(QueryCommand, { TableName: 'orders', Limit: 1 });
  });
});
