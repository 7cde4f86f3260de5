import 'aws-sdk-client-mock-jest';
import { mockedClients } from '../../fixtures/clients.js';
import { conditionFailed } from '../../fixtures/dynamo.js';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { inventoryRejected, orderPlaced } from '../../fixtures/events.js';
import { betweenTwoOrders, lambdaContext, sqsEvent, sqsRecord } from '../../fixtures/sqs.js';
import { pendingCharge } from './fakes.js';

process.env.BILLING_TABLE = 'billing';
process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:order-events';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const { db, sns } = mockedClients();
// Imported after the environment is set: the handler reads its config once, at load.
const { handler } = await import('../../../functions/billing/handler.js');

/** What UpdateItem with ReturnValues ALL_NEW answers for billing's decide: the record as written. */
const written = (input: {
  Key?: Record<string, unknown>;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}) => {
  const values = input.ExpressionAttributeValues ?? {};
  return {
    Attributes: {
      ...input.Key,
      amount: 2400,
      currency: 'JPY',
      status: values[':status'],
      [input.ExpressionAttributeNames?.['#detail'] ?? 'detail']: values[':detail'],
      decidedAt: values[':decidedAt'],
    },
  };
};

const published = (eventType: string) => ({
  MessageAttributes: { eventType: { DataType: 'String', StringValue: eventType } },
});

describe('billing handler', () => {
  it('records the intent, charges, records the capture and announces it', async () => {
    db.on(PutCommand).resolves({});
    db.on(UpdateCommand).callsFake(written);

    const result = await handler(
      sqsEvent(sqsRecord(orderPlaced({ paymentToken: 'tok_visa' }))),
      lambdaContext('billing'),
    );

    expect(result).toEqual({ batchItemFailures: [] });
    expect(db).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ status: 'PENDING' }),
      ConditionExpression: 'attribute_not_exists(billingId)',
    });
    expect(db).toHaveReceivedCommandWith(UpdateCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':status': 'CAPTURED' }),
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, published('PaymentCaptured'));
  });

  it('fails only the bad record, not its neighbours', async () => {
    db.on(PutCommand).resolves({});
    db.on(UpdateCommand).callsFake(written);
    const bad = sqsRecord({ ...orderPlaced(), data: { ...orderPlaced().data, totalAmount: 24.5 } });

    const result = await handler(betweenTwoOrders(bad), lambdaContext());

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
  });

  it('records a rejection whose charge is still in flight on its pending record and acknowledges it, next to one it voids', async () => {
    db.on(GetCommand, { Key: { billingId: 'o-1', orderId: 'o-1' } })
      .resolves({
        Item: pendingCharge(),
      })
      .on(GetCommand, { Key: { billingId: 'o-2', orderId: 'o-2' } })
      .resolves({});
    db.on(PutCommand).resolves({});
    db.on(UpdateCommand).resolves({});

    const result = await handler(
      sqsEvent(sqsRecord(inventoryRejected({ orderId: 'o-1' })), sqsRecord(inventoryRejected({ orderId: 'o-2' }))),
      lambdaContext(),
    );

    expect(result).toEqual({ batchItemFailures: [] });
    expect(db).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { billingId: 'o-1', orderId: 'o-1' },
      UpdateExpression: 'SET compensation = :compensation',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeValues: {
        ':compensation': { reason: 'inventory rejected: out of stock', requestedAt: expect.any(String) },
        ':pending': 'PENDING',
      },
    });
    expect(db).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ billingId: 'o-2', status: 'VOIDED' }),
      ConditionExpression: 'attribute_not_exists(billingId)',
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, published('PaymentVoided'));
  });

  it('republishes without charging when the order was voided first', async () => {
    db.on(PutCommand).rejects(conditionFailed());
    db.on(GetCommand).resolves({
      Item: {
        billingId: 'o-1',
        orderId: 'o-1',
        status: 'VOIDED',
        reason: 'inventory rejected: out of stock',
        decidedAt: '2026-11-25T09:00:00.000Z',
      },
    });

    await handler(sqsEvent(sqsRecord(orderPlaced())), lambdaContext());

    expect(db).not.toHaveReceivedCommand(UpdateCommand);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, published('PaymentVoided'));
  });
});
