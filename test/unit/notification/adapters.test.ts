import 'aws-sdk-client-mock-jest';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoNotificationStore } from '../../../functions/notification/dynamo-store.js';
import type { NotificationRecordOf } from '../../../functions/notification/notifications.js';
import { SesMailer } from '../../../functions/notification/ses-mailer.js';

const db = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const store = new DynamoNotificationStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'notifications');
const refused = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

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
const sent: NotificationRecordOf<'SENT'> = { ...pending, status: 'SENT', messageId: 'ses-1', sentAt: '2026-11-25T09:00:01.000Z' };
const key = { notificationId: 'o-1:ORDER_RECEIVED', createdAt: '2026-11-25T09:00:00.000Z' };

beforeEach(() => {
  db.reset();
  ses.reset();
});

describe('DynamoNotificationStore', () => {
  it('claims a notification under attribute_not_exists(notificationId)', async () => {
    db.on(PutCommand).resolves({});

    await expect(store.createIfAbsent(pending)).resolves.toBe(true);
    expect(db).toHaveReceivedCommandWith(PutCommand, { TableName: 'notifications', Item: pending, ConditionExpression: 'attribute_not_exists(notificationId)' });
  });

  it('marks it sent only from PENDING', async () => {
    db.on(UpdateCommand).resolves({});

    await expect(store.markSent(sent)).resolves.toBe(true);
    expect(db).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'notifications',
      Key: key,
      UpdateExpression: 'SET #status = :sent, messageId = :messageId, sentAt = :sentAt',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':sent': 'SENT', ':pending': 'PENDING', ':messageId': 'ses-1', ':sentAt': '2026-11-25T09:00:01.000Z' },
    });
  });

  it('answers false when the notification was already claimed', async () => {
    db.on(PutCommand).rejects(refused());

    await expect(store.createIfAbsent(pending)).resolves.toBe(false);
  });

  it('answers false when the notification is no longer PENDING', async () => {
    db.on(UpdateCommand).rejects(refused());

    await expect(store.markSent(sent)).resolves.toBe(false);
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

describe('SesMailer', () => {
  it('sends plain text from the sender identity and returns the message id', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });

    await expect(new SesMailer(new SESv2Client({}), 'orders@example.com').send({ to: 'jane@example.com', subject: 'Hi', body: 'Text' })).resolves.toBe('ses-1');
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      FromEmailAddress: 'orders@example.com',
      Destination: { ToAddresses: ['jane@example.com'] },
      Content: { Simple: { Subject: { Data: 'Hi', Charset: 'UTF-8' }, Body: { Text: { Data: 'Text', Charset: 'UTF-8' } } } },
    });
  });
});
