// The DynamoDB adapter of OrderStore and IdempotencyStore. Each condition here is the guard the
// domain relies on; the in-memory fakes of the unit tests keep the same ones.
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { appliedUnlessRefused, committedUnlessRefused } from '../shared/dynamo-conditions.js';
import { TransactionConflictError, transactWrite, type TransactOptions } from '../shared/dynamo-transactions.js';
import { findOrder, PLACED_INDEX_KEY, PLACED_INDEX_VALUE, type OrderRecord } from '../shared/order-record.js';
import {
  IdempotencyRecordSchema,
  type CreateOutcome,
  type IdempotencyRecord,
  type IdempotencyStore,
  type OrderStore,
} from './ports.js';

export class DynamoOrderStore implements OrderStore, IdempotencyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { orders: string; idempotency: string },
    private readonly transactOptions: TransactOptions = {},
  ) {}

  async createOrder(
    order: OrderRecord,
    key?: { record: IdempotencyRecord; nowSeconds: number },
  ): Promise<CreateOutcome> {
    const putOrder = {
      TableName: this.tables.orders,
      // PLACED, so in the sparse index the sweeper reads (the update that makes it final removes the key).
      Item: { ...order, [PLACED_INDEX_KEY]: PLACED_INDEX_VALUE },
      ConditionExpression: 'attribute_not_exists(orderId)',
    };
    // orderId is a fresh UUID per request, so an order already under it can only be this request's
    // own write: a response lost after the write succeeded, and the SDK retried the call. That is
    // success, not an error (the stored order is announced by the stream either way).
    if (key === undefined) {
      await appliedUnlessRefused(this.db.send(new PutCommand(putOrder)));
      return 'created';
    }
    const outcome = await committedUnlessRefused(
      transactWrite(
        this.db,
        {
          TransactItems: [
            { Put: putOrder },
            {
              Put: {
                TableName: this.tables.idempotency,
                Item: key.record,
                ConditionExpression: 'attribute_not_exists(idempotencyKey) OR expiresAt < :now',
                ExpressionAttributeValues: { ':now': key.nowSeconds },
              },
            },
          ],
        },
        this.transactOptions,
      ),
    ).catch((error: unknown) => {
      if (error instanceof TransactionConflictError) return 'contended' as const;
      throw error;
    });
    if (outcome === 'contended') return outcome;
    if (outcome.committed) return 'created';
    const [orderRefused, keyRefused] = [0, 1].map((index) => outcome.refused.includes(index));
    // Both refused: the order exists (only this request could have written it, see above) and so
    // does the claim the same transaction wrote: a retried call whose first attempt succeeded.
    if (keyRefused) return orderRefused ? 'created' : 'key-taken';
    throw outcome.cause; // the order exists but not its key: no request of ours wrote that
  }

  findOrder(orderId: string): Promise<OrderRecord | undefined> {
    return findOrder(this.db, this.tables.orders, orderId);
  }

  async find(idempotencyKey: string): Promise<IdempotencyRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tables.idempotency, Key: { idempotencyKey }, ConsistentRead: true }),
    );
    return out.Item === undefined ? undefined : v.parse(IdempotencyRecordSchema, out.Item);
  }
}
