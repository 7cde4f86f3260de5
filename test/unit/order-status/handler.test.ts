// The deployed handler through middy and the shared SQS wiring: real adapter, SDK clients mocked.
import 'aws-sdk-client-mock-jest';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import { jest } from '@jest/globals';
import { inventoryReserved, paymentCaptured } from '../../fixtures/result-events.js';
import { mockedClients } from '../../fixtures/clients.js';
import { lambdaContext, sqsEvent, sqsRecord } from '../../fixtures/sqs.js';
import { placedOrder } from './fakes.js';

process.env.ORDERS_TABLE = 'orders';
process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:order-events';
process.env.AWS_REGION = 'us-east-1';
process.env.LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'order-fanout';
const { handler } = await import('../../../functions/order-status/handler.js');

const { db, sns } = mockedClients();

const reserved = {
  ...placedOrder(),
  services: { ...placedOrder().services, inventory: 'RESERVED' },
  history: [],
  appliedEventIds: new Set(['o-1:InventoryReserved']),
};

describe('order-status handler', () => {
  it('applies the event, confirms the order and publishes OrderConfirmed', async () => {
    db.on(QueryCommand).resolves({ Items: [reserved] });
    db.on(UpdateCommand).resolves({
      Attributes: { ...reserved, services: { ...reserved.services, payment: 'CAPTURED' } },
    });
    db.on(UpdateCommand, { ConditionExpression: '#status = :placed' }).resolves({
      Attributes: { ...reserved, status: 'CONFIRMED', finalizedAt: '2026-11-25T09:05:00.000Z' },
    });
    sns.on(PublishCommand).resolves({});

    const result = await handler(sqsEvent(sqsRecord(paymentCaptured())), lambdaContext('order-status'));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(db).toHaveReceivedCommandTimes(UpdateCommand, 2);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: { eventType: { DataType: 'String', StringValue: 'OrderConfirmed' } },
    });
  });

  it('fails only the record whose order is missing or whose body is not an event', async () => {
    db.on(QueryCommand, { ExpressionAttributeValues: { ':orderId': 'o-404' } }).resolves({ Items: [] });
    db.on(QueryCommand, { ExpressionAttributeValues: { ':orderId': 'o-1' } }).resolves({ Items: [placedOrder()] });
    db.on(UpdateCommand).resolves({
      Attributes: { ...placedOrder(), services: { ...placedOrder().services, inventory: 'RESERVED' } },
    });
    const missing = sqsRecord(inventoryReserved({ orderId: 'o-404' }));
    const poison = sqsRecord('{"not": "an event"}');

    const result = await handler(
      sqsEvent(sqsRecord(inventoryReserved()), missing, poison),
      lambdaContext('order-status'),
    );

    expect(result).toEqual({
      batchItemFailures: [{ itemIdentifier: missing.messageId }, { itemIdentifier: poison.messageId }],
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('a repeated event whose order is final republishes the final event (no writes)', async () => {
    const confirmed = {
      ...reserved,
      status: 'CONFIRMED',
      finalizedAt: '2026-11-25T09:05:00.000Z',
      appliedEventIds: new Set(['o-1:InventoryReserved', 'o-1:PaymentCaptured']),
    };
    db.on(QueryCommand).resolves({ Items: [confirmed] });
    db.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    sns.on(PublishCommand).resolves({});

    const result = await handler(sqsEvent(sqsRecord(paymentCaptured())), lambdaContext('order-status'));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(db).toHaveReceivedCommandTimes(UpdateCommand, 0);
    const message = JSON.parse(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}') as unknown;
    expect(message).toMatchObject({ id: 'o-1:OrderConfirmed', time: '2026-11-25T09:05:00.000Z' });
  });

  it("counts what the alarms read, in the stack's namespace, service order-status (EMF): PaymentMismatches for a capture that does not match its order, OrderPlacedSeconds as the order becomes final", async () => {
    const reason = "payment mismatch: captured 1 JPY, the order's total is 2400 JPY";
    const entry = { eventId: 'o-1:PaymentCaptured', type: 'PaymentCaptured', time: '2026-11-25T09:00:00.000Z', reason };
    const applied = { ...reserved, services: { ...reserved.services, payment: 'CAPTURED' }, history: [entry] };
    db.on(QueryCommand).resolves({ Items: [reserved] });
    db.on(UpdateCommand).resolves({ Attributes: applied });
    db.on(UpdateCommand, { ConditionExpression: '#status = :placed' }).resolves({
      Attributes: { ...applied, status: 'CANCELLED', reason, finalizedAt: '2026-11-25T09:05:00.000Z' },
    });
    sns.on(PublishCommand).resolves({});
    const written: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });

    try {
      await handler(sqsEvent(sqsRecord(paymentCaptured({ amount: 1 }))), lambdaContext('order-status'));
    } finally {
      stdout.mockRestore();
    }

    const metrics = written
      .flatMap((line) => line.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    /** One EMF line of order-status with one metric, its value and any metadata beside it. */
    const emf = (name: string, unit: string, value: number, metadata: Record<string, string> = {}) =>
      expect.objectContaining({
        _aws: expect.objectContaining({
          CloudWatchMetrics: [
            { Namespace: 'order-fanout', Dimensions: [['service']], Metrics: [{ Name: name, Unit: unit }] },
          ],
        }),
        service: 'order-status',
        [name]: value,
        ...metadata,
      });
    expect(metrics).toEqual([
      emf('PaymentMismatches', 'Count', 1),
      // The capture also made the order final (cancelled), 5 minutes after it was placed.
      emf('OrderPlacedSeconds', 'Seconds', 300, { orderId: 'o-1' }),
    ]);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: { eventType: { DataType: 'String', StringValue: 'OrderCancelled' } },
    });
  });
});
