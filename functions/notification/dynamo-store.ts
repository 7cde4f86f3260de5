// The DynamoDB adapter of NotificationStore: a notification is claimed once (attribute_not_exists)
// and marked sent only from PENDING.
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { appliedUnlessRefused } from '../shared/dynamo-conditions.js';
import { NotificationRecordSchema, type NotificationRecord, type NotificationRecordOf, type NotificationStore } from './notifications.js';

export class DynamoNotificationStore implements NotificationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async createIfAbsent(record: NotificationRecordOf<'PENDING'>): Promise<boolean> {
    return appliedUnlessRefused(
      this.db.send(new PutCommand({ TableName: this.table, Item: record, ConditionExpression: 'attribute_not_exists(notificationId)' })),
    );
  }

  async markSent(record: NotificationRecordOf<'SENT'>): Promise<boolean> {
    return appliedUnlessRefused(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { notificationId: record.notificationId, createdAt: record.createdAt },
          UpdateExpression: 'SET #status = :sent, messageId = :messageId, sentAt = :sentAt',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sent': 'SENT', ':pending': 'PENDING', ':messageId': record.messageId, ':sentAt': record.sentAt },
        }),
      ),
    );
  }

  async get(notificationId: string, createdAt: string): Promise<NotificationRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { notificationId, createdAt }, ConsistentRead: true }));
    return Item ? NotificationRecordSchema.parse(Item) : undefined;
  }
}
