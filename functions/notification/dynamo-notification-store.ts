// The DynamoDB adapter of NotificationStore: a notification is claimed once (attribute_not_exists),
// a stale claim is taken over only from the claimId it was read with, and only the delivery holding
// the claim records the outcome (SENT or FAILED), from PENDING.
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { appliedUnlessRefused } from '../shared/dynamo-conditions.js';
import {
  NotificationRecordSchema,
  type NotificationRecord,
  type NotificationRecordOf,
  type NotificationStore,
} from './ports.js';

export class DynamoNotificationStore implements NotificationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async createIfAbsent(record: NotificationRecordOf<'PENDING'>): Promise<boolean> {
    return appliedUnlessRefused(
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: record,
          ConditionExpression: 'attribute_not_exists(notificationId)',
        }),
      ),
    );
  }

  async takeOver(claim: NotificationRecordOf<'PENDING'>, staleClaimId: string): Promise<boolean> {
    return appliedUnlessRefused(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { notificationId: claim.notificationId, createdAt: claim.createdAt },
          UpdateExpression: 'SET claimId = :claimId, claimedAt = :claimedAt',
          ConditionExpression: '#status = :pending AND claimId = :stale',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':claimId': claim.claimId,
            ':claimedAt': claim.claimedAt,
            ':pending': 'PENDING',
            ':stale': staleClaimId,
          },
        }),
      ),
    );
  }

  async settle(record: NotificationRecordOf<'SENT' | 'FAILED'>): Promise<boolean> {
    const [set, values] =
      record.status === 'SENT'
        ? ['messageId = :messageId, sentAt = :sentAt', { ':messageId': record.messageId, ':sentAt': record.sentAt }]
        : ['#reason = :reason, failedAt = :failedAt', { ':reason': record.reason, ':failedAt': record.failedAt }];
    return appliedUnlessRefused(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { notificationId: record.notificationId, createdAt: record.createdAt },
          UpdateExpression: `SET #status = :status, ${set}`,
          ConditionExpression: '#status = :pending AND claimId = :claimId',
          ExpressionAttributeNames: {
            '#status': 'status',
            ...(record.status === 'FAILED' ? { '#reason': 'reason' } : {}),
          },
          ExpressionAttributeValues: {
            ':status': record.status,
            ':pending': 'PENDING',
            ':claimId': record.claimId,
            ...values,
          },
        }),
      ),
    );
  }

  async get(notificationId: string, createdAt: string): Promise<NotificationRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { notificationId, createdAt }, ConsistentRead: true }),
    );
    return Item ? v.parse(NotificationRecordSchema, Item) : undefined;
  }
}
