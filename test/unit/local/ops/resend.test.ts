// The re-send of FAILED notifications against mocked DynamoDB and SQS: what it rewrites (FAILED →
// a stale claim, only if still FAILED), what it sends (the event as its producer built it, to
// notification-queue), and what it leaves.
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { orderPlacedEvent } from '../../../../functions/shared/order-placed.js';
import { finalEvent } from '../../../../functions/order-status/lifecycle.js';
import { RESEND_CLAIM, resendFailed } from '../../../../local/ops/notifications/resend.js';
import { placedOrder } from '../../../fixtures/orders.js';

const db = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const target = {
  db: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
  sqs: new SQSClient({ region: 'us-east-1' }),
  ordersTable: 'orders',
  notificationsTable: 'notifications',
  notificationQueueUrl: 'http://sqs/000000000000/notification-queue',
};
const confirmed = {
  ...placedOrder('o-1'),
  status: 'CONFIRMED' as const,
  finalizedAt: '2026-12-07T00:00:05.000Z',
  services: { inventory: 'RESERVED' as const, payment: 'CAPTURED' as const, notification: 'FAILED' as const },
};
const record = (kind: string, status: string, createdAt: string, claimId = 'c-9') => ({
  notificationId: `o-1:${kind}`,
  createdAt,
  orderId: 'o-1',
  kind,
  status,
  claimId,
  claimedAt: createdAt,
  ...(status === 'FAILED' ? { reason: 'MessageRejected: x', failedAt: createdAt } : {}),
});

beforeEach(() => {
  db.reset();
  sqs.reset();
  db.on(QueryCommand, { TableName: 'orders' }).resolves({ Items: [confirmed] });
  db.on(QueryCommand, { TableName: 'notifications' }).resolves({ Items: [] });
  db.on(UpdateCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

describe('resendFailed', () => {
  it('turns each FAILED record into a stale claim (if still FAILED) and sends its event to notification-queue', async () => {
    const placed = orderPlacedEvent(confirmed);
    const final = finalEvent(confirmed);
    db.on(QueryCommand, {
      TableName: 'notifications',
      ExpressionAttributeValues: { ':id': 'o-1:ORDER_RECEIVED' },
    }).resolves({
      Items: [record('ORDER_RECEIVED', 'FAILED', placed.time)],
    });
    db.on(QueryCommand, {
      TableName: 'notifications',
      ExpressionAttributeValues: { ':id': 'o-1:ORDER_CONFIRMED' },
    }).resolves({
      Items: [record('ORDER_CONFIRMED', 'SENT', final.time)],
    });

    const report = await resendFailed(target, 'o-1');

    expect(report).toEqual({ resent: [{ notificationId: 'o-1:ORDER_RECEIVED', eventId: placed.id }], skipped: [] });
    expect(db).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(db).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { notificationId: 'o-1:ORDER_RECEIVED', createdAt: placed.time },
      ConditionExpression: '#status = :failed AND claimId = :old',
      ExpressionAttributeValues: expect.objectContaining({
        ':pending': 'PENDING',
        ':old': 'c-9',
        ':stale': '1970-01-01T00:00:00.000Z',
      }),
    });
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: target.notificationQueueUrl,
      MessageBody: JSON.stringify(placed),
      MessageAttributes: { eventType: { DataType: 'String', StringValue: 'OrderPlaced' } },
    });
  });

  it('sends nothing for a record that stopped being FAILED while it ran', async () => {
    const placed = orderPlacedEvent(confirmed);
    db.on(QueryCommand, {
      TableName: 'notifications',
      ExpressionAttributeValues: { ':id': 'o-1:ORDER_RECEIVED' },
    }).resolves({
      Items: [record('ORDER_RECEIVED', 'FAILED', placed.time)],
    });
    db.on(UpdateCommand).rejects(Object.assign(new Error('refused'), { name: 'ConditionalCheckFailedException' }));

    const report = await resendFailed(target, 'o-1');

    expect(report.resent).toEqual([]);
    expect(report.skipped).toEqual([
      { notificationId: 'o-1:ORDER_RECEIVED', reason: expect.stringContaining('no longer FAILED') },
    ]);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 0);
  });

  it("finishes a claim a stopped run left (PENDING under the tool's claimId): sends its event again, rewrites nothing", async () => {
    const final = finalEvent(confirmed);
    // Keyed on when the order was placed (notification's placedAtOf).
    db.on(QueryCommand, {
      TableName: 'notifications',
      ExpressionAttributeValues: { ':id': 'o-1:ORDER_CONFIRMED' },
    }).resolves({
      Items: [record('ORDER_CONFIRMED', 'PENDING', confirmed.createdAt, `${RESEND_CLAIM}x`)],
    });

    const report = await resendFailed(target, 'o-1');

    expect(report.resent).toEqual([{ notificationId: 'o-1:ORDER_CONFIRMED', eventId: final.id }]);
    expect(db).toHaveReceivedCommandTimes(UpdateCommand, 0);
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, { MessageBody: JSON.stringify(final) });
  });

  it('re-sends a record keyed on its event time (before final events carried placedAt) with the event in that form', async () => {
    const final = finalEvent(confirmed);
    db.on(QueryCommand, {
      TableName: 'notifications',
      ExpressionAttributeValues: { ':id': 'o-1:ORDER_CONFIRMED' },
    }).resolves({ Items: [record('ORDER_CONFIRMED', 'FAILED', final.time)] });

    await resendFailed(target, 'o-1');

    const { placedAt: _placedAt, ...legacy } = final.data;
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      MessageBody: JSON.stringify({ ...final, data: legacy }),
    });
  });

  it('refuses an unknown order', async () => {
    expect.assertions(1);
    db.on(QueryCommand, { TableName: 'orders' }).resolves({ Items: [] });
    await expect(resendFailed(target, 'o-1')).rejects.toThrow('no order o-1');
  });
});
