// The deployed handler end to end in-process: real adapters, SDK clients mocked.
import 'aws-sdk-client-mock-jest';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { getOrderEvent, postOrder } from '../../fixtures/api-gateway.js';
import { lambdaContext } from '../../fixtures/sqs.js';
import { setOrderApiEnv } from './env.js';

setOrderApiEnv();
const { handler } = await import('../../../functions/order-api/handler.js');

const db = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
beforeEach(() => {
  db.reset();
  sns.reset();
});

const body = { customerId: 'c-1', email: 'jane@example.com', items: [{ productId: 'p-001', quantity: 2 }] };

describe('order-api handler', () => {
  it('POST: one BatchGet on inventory, one transaction on orders + idempotency, one OrderPlaced, then COMPLETED', async () => {
    db.on(BatchGetCommand).resolves({ Responses: { inventory: [{ productId: 'p-001', name: 'Tea', unitPrice: 1200, currency: 'JPY' }] } });
    db.on(TransactWriteCommand).resolves({});
    db.on(UpdateCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    const result = await handler(postOrder(body, { 'Idempotency-Key': 'k-1' }), lambdaContext('order-api'));

    expect(result.statusCode).toBe(202);
    const { orderId } = JSON.parse(result.body) as { orderId: string };
    expect(orderId).toMatch(/^[0-9a-f-]{36}$/);
    expect(db).toHaveReceivedCommandTimes(BatchGetCommand, 1);
    expect(db).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:order-events',
      MessageAttributes: { eventType: { DataType: 'String', StringValue: 'OrderPlaced' } },
    });
    const message = JSON.parse(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}') as { id: string; data: { totalAmount: number } };
    expect(message).toMatchObject({ id: `${orderId}:OrderPlaced`, data: { totalAmount: 2400 } });
    expect(db).toHaveReceivedCommandWith(UpdateCommand, { TableName: 'idempotency', ExpressionAttributeValues: expect.objectContaining({ ':completed': 'COMPLETED' }) });
  });

  it('POST: SNS down → 503, and the lock is released', async () => {
    db.on(BatchGetCommand).resolves({ Responses: { inventory: [{ productId: 'p-001', name: 'Tea', unitPrice: 1200, currency: 'JPY' }] } });
    db.on(TransactWriteCommand).resolves({});
    db.on(UpdateCommand).resolves({});
    sns.on(PublishCommand).rejects(new Error('connect ECONNREFUSED'));

    const result = await handler(postOrder(body, { 'Idempotency-Key': 'k-1' }), lambdaContext('order-api'));

    expect(result.statusCode).toBe(503);
    expect(result.body).not.toMatch(/ECONNREFUSED/);
    expect(db).toHaveReceivedCommandWith(UpdateCommand, { TableName: 'idempotency', UpdateExpression: 'SET lockedUntil = :now' });
  });

  it('GET: reads the order by Query and answers its view', async () => {
    const orderId = '00000000-0000-4000-8000-000000000001';
    db.on(QueryCommand).resolves({
      Items: [
        {
          orderId, createdAt: '2026-11-25T09:00:00.000Z', updatedAt: '2026-11-25T09:00:00.000Z', status: 'PLACED', customerId: 'c-1',
          email: 'jane@example.com', items: [{ productId: 'p-001', quantity: 2, unitPrice: 1200, lineTotal: 2400 }], totalAmount: 2400,
          currency: 'JPY', paymentToken: 'tok_visa', services: { inventory: 'PENDING', payment: 'PENDING', notification: 'PENDING' }, history: [],
        },
      ],
    });

    const result = await handler(getOrderEvent(orderId), lambdaContext('order-api'));

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ orderId, status: 'PLACED', totalAmount: 2400 });
    expect(db).toHaveReceivedCommandWith(QueryCommand, { TableName: 'orders', Limit: 1 });
  });
});
