// The DynamoDB adapter of BillingStore. Each write carries the condition that makes its effect
// happen once per order: a first record only where none exists, a decision (or a void waiting for
// it) only on PENDING, a refund only from CAPTURED.
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { appliedUnlessRefused, updatedUnlessRefused } from '../shared/dynamo-conditions.js';
import {
  BillingRecordSchema,
  type BillingRecord,
  type BillingRecordOf,
  type BillingStore,
  type Compensation,
} from './ports.js';

export class DynamoBillingStore implements BillingStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async createIfAbsent(record: BillingRecordOf<'PENDING' | 'VOIDED'>): Promise<boolean> {
    return appliedUnlessRefused(
      this.db.send(
        new PutCommand({ TableName: this.table, Item: record, ConditionExpression: 'attribute_not_exists(billingId)' }),
      ),
    );
  }

  async decide(record: BillingRecordOf<'CAPTURED' | 'DECLINED'>): Promise<BillingRecord | undefined> {
    // A capture records the provider's reference, a decline its reason.
    const [detailName, detail] =
      record.status === 'CAPTURED' ? ['providerRef', record.providerRef] : ['reason', record.reason];
    const written = await updatedUnlessRefused(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { billingId: record.billingId, orderId: record.orderId },
          UpdateExpression: 'SET #status = :status, #detail = :detail, decidedAt = :decidedAt',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status', '#detail': detailName },
          ExpressionAttributeValues: {
            ':status': record.status,
            ':pending': 'PENDING',
            ':detail': detail,
            ':decidedAt': record.decidedAt,
          },
          // The record as written: a void recorded while the charge was PENDING comes back with it.
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return written === undefined ? undefined : v.parse(BillingRecordSchema, written);
  }

  async requestCompensation(orderId: string, compensation: Compensation): Promise<boolean> {
    return appliedUnlessRefused(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { billingId: orderId, orderId },
          UpdateExpression: 'SET compensation = :compensation',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':compensation': compensation, ':pending': 'PENDING' },
        }),
      ),
    );
  }

  async markRefunded(record: BillingRecordOf<'REFUNDED'>): Promise<boolean> {
    return appliedUnlessRefused(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { billingId: record.billingId, orderId: record.orderId },
          UpdateExpression:
            'SET #status = :refunded, refundRef = :refundRef, #reason = :reason, refundedAt = :refundedAt',
          ConditionExpression: '#status = :captured',
          ExpressionAttributeNames: { '#status': 'status', '#reason': 'reason' },
          ExpressionAttributeValues: {
            ':refunded': 'REFUNDED',
            ':captured': 'CAPTURED',
            ':refundRef': record.refundRef,
            ':reason': record.reason,
            ':refundedAt': record.refundedAt,
          },
        }),
      ),
    );
  }

  async get(orderId: string): Promise<BillingRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { billingId: orderId, orderId }, ConsistentRead: true }),
    );
    return Item ? v.parse(BillingRecordSchema, Item) : undefined;
  }
}
