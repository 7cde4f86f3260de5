import 'aws-sdk-client-mock-jest';
import { conditionFailed } from '../../fixtures/dynamo.js';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoNotificationStore } from '../../../functions/notification/dynamo-notification-store.js';
import type { NotificationRecordOf } from '../../../functions/notification/ports.js';
import { mockedDocumentClient } from '../../fixtures/clients.js';

const { db, client } = mockedDocumentClient();
const store = new DynamoNotificationStore(client, 'notifications');

const pending: NotificationRecordOf<'PENDING'> = {
  notificationId: 'o-1:ORDER_RECEIVED',
  createdAt: '2026-11-25T09:00:00.000Z',
  orderId: 'o-1',
  kind: 'ORDER_RECEIVED',
  recipient: 'jane@example.com',
  subject: 'We received your order o-1',
  status: 'PENDING',
  claimedAt: '2026-11-25T09:00:00.500Z',
  claimId: 'claim-1',
};
const sent: NotificationRecordOf<'SENT'> = {
  ...pending,
  status: 'SENT',
  messageId: 'ses-1',
  sentAt: '2026-11-25T09:00:01.000Z',
};
const key = { notificationId: 'o-1:ORDER_RECEIVED', createdAt: '2026-11-25T09:00:00.000Z' };

describe('DynamoNotificationStore', () => {
  it('claims a notification under attribute_not_exists(notificationId)', async () => {
    db.on(PutCommand).resolves({});

    await expect(store.createIfAbsent(pending)).resolves.toBe(true);
    expect(db).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'notifications',
      Item: pending,
      ConditionExpression: 'attribute_not_exists(notificationId)',
    });
  });

  it('records the outcome only from PENDING and only under its own claim', async () => {
    db.on(UpdateCommand).resolves({});

    await expect(store.settle(sent)).resolves.toBe(true);
    expect(db).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'notifications',
      Key: key,
      UpdateExpression: 'SET #status = :status, messageId = :messageId, sentAt = :sentAt',
      ConditionExpression: '#status = :pending AND claimId = :claimId',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': 'SENT',
        ':pending': 'PENDING',
        ':claimId': 'claim-1',
        ':messageId': 'ses-1',
        ':sentAt': '2026-11-25T09:00:01.000Z',
      },
    });
  });

  it('records a permanent refusal as FAILED with its reason', async () => {
    db.on(UpdateCommand).resolves({});

    await expect(
      store.settle({
        ...pending,
        status: 'FAILED',
        reason: 'MessageRejected: no',
        failedAt: '2026-11-25T09:00:01.000Z',
      }),
    ).resolves.toBe(true);
    expect(db).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'SET #status = :status, #reason = :reason, failedAt = :failedAt',
      ConditionExpression: '#status = :pending AND claimId = :claimId',
      ExpressionAttributeNames: { '#status': 'status', '#reason': 'reason' },
      ExpressionAttributeValues: {
        ':status': 'FAILED',
        ':pending': 'PENDING',
        ':claimId': 'claim-1',
        ':reason': 'MessageRejected: no',
        ':failedAt': '2026-11-25T09:00:01.000Z',
      },
    });
  });

  it('takes a stale claim over only from the claimId it was read with', async () => {
    db.on(UpdateCommand).resolvesOnce({}).rejects(conditionFailed());
    const mine = { ...pending, claimId: 'claim-2', claimedAt: '2026-11-25T09:05:00.000Z' };

    await expect(store.takeOver(mine, 'claim-1')).resolves.toBe(true);
    await expect(store.takeOver(mine, 'claim-1')).resolves.toBe(false);
    expect(db).toHaveReceivedCommandWith(UpdateCommand, {
      Key: key,
      UpdateExpression: 'SET claimId = :claimId, claimedAt = :claimedAt',
      ConditionExpression: '#status = :pending AND claimId = :stale',
      ExpressionAttributeValues: {
        ':claimId': 'claim-2',
        ':claimedAt': '2026-11-25T09:05:00.000Z',
        ':pending': 'PENDING',
        ':stale': 'claim-1',
      },
    });
  });

  it('answers false when the notification was already claimed', async () => {
    db.on(PutCommand).rejects(conditionFailed());

    await expect(store.createIfAbsent(pending)).resolves.toBe(false);
  });

  it('answers false when the notification is no longer PENDING', async () => {
    db.on(UpdateCommand).rejects(conditionFailed());

    await expect(store.settle(sent)).resolves.toBe(false);
  });

  it('rethrows other errors, so the message is retried', async () => {
    expect.assertions(1);
    db.on(PutCommand).rejects(new Error('throttled'));

    await expect(store.createIfAbsent(pending)).rejects.toThrow('throttled');
  });

  it('reads by both keys, consistently', async () => {
    db.on(GetCommand).resolves({ Item: sent });

    await expect(store.get(key.notificationId, key.createdAt)).resolves.toEqual(sent);
    expect(db).toHaveReceivedCommandWith(GetCommand, { TableName: 'notifications', Key: key, ConsistentRead: true });
  });
});
