// DynamoDB adapters of order-api's ports. Each condition here is the guard the domain relies on;
// the in-memory fakes of the unit tests keep the same ones.
import { BatchGetCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { cancellationCodes, isConditionalCheckFailed } from '../shared/dynamo-conditions.js';
import { findOrder, type OrderRecord } from '../shared/order-record.js';
import type { IdempotencyClaim, IdempotencyRecord, IdempotencyStore, OrderStore, Product, ProductCatalog, StoredResponse } from './ports.js';

const ProductSchema = z.object({
  productId: z.string().min(1),
  name: z.string(),
  unitPrice: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/),
});

const BATCH_GET_ATTEMPTS = 4;

export class DynamoProductCatalog implements ProductCatalog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly backoffMs = 50,
  ) {}

  async getProducts(productIds: readonly string[]): Promise<Map<string, Product>> {
    const products = new Map<string, Product>();
    let keys: Record<string, unknown>[] = [...new Set(productIds)].map((productId) => ({ productId }));
    for (let attempt = 1; keys.length > 0; attempt += 1) {
      if (attempt > BATCH_GET_ATTEMPTS) throw new Error(`inventory BatchGet left ${keys.length} keys unprocessed`);
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, this.backoffMs * 2 ** (attempt - 2)));
      const out = await this.db.send(
        new BatchGetCommand({
          RequestItems: {
            [this.table]: { Keys: keys, ProjectionExpression: 'productId, #name, unitPrice, currency', ExpressionAttributeNames: { '#name': 'name' } },
          },
        }),
      );
      for (const item of out.Responses?.[this.table] ?? []) {
        const product = ProductSchema.parse(item);
        products.set(product.productId, product);
      }
      keys = out.UnprocessedKeys?.[this.table]?.Keys ?? [];
    }
    return products;
  }
}

const StoredResponseSchema = z.object({ statusCode: z.number().int(), body: z.record(z.string(), z.unknown()) });
const IdempotencyRecordSchema = z.object({
  idempotencyKey: z.string(),
  requestHash: z.string(),
  orderId: z.string(),
  state: z.enum(['IN_PROGRESS', 'COMPLETED']),
  lockedUntil: z.number(),
  lockOwner: z.string(),
  expiresAt: z.number(),
  response: StoredResponseSchema.optional(),
});

export class DynamoOrderStore implements OrderStore, IdempotencyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { orders: string; idempotency: string },
  ) {}

  async createOrder(order: OrderRecord, claim?: { record: IdempotencyClaim; nowSeconds: number }): Promise<'created' | 'key-taken'> {
    const putOrder = { TableName: this.tables.orders, Item: order, ConditionExpression: 'attribute_not_exists(orderId)' };
    // orderId is a fresh UUID per request, so an order already under it can only be this request's
    // own write: a response lost after the write succeeded, and the SDK retried the call. That is
    // success, not an error (an error would leave the stored order unannounced, PLACED for ever).
    if (claim === undefined) {
      try {
        await this.db.send(new PutCommand(putOrder));
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      return 'created';
    }
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: putOrder },
            {
              Put: {
                TableName: this.tables.idempotency,
                Item: { ...claim.record, state: 'IN_PROGRESS' },
                ConditionExpression: 'attribute_not_exists(idempotencyKey) OR expiresAt < :now',
                ExpressionAttributeValues: { ':now': claim.nowSeconds },
              },
            },
          ],
        }),
      );
      return 'created';
    } catch (error) {
      if (isOwnEarlierWrite(error)) return 'created';
      if (isKeyTaken(error)) return 'key-taken';
      throw error;
    }
  }

  findOrder(orderId: string): Promise<OrderRecord | undefined> {
    return findOrder(this.db, this.tables.orders, orderId);
  }

  async find(idempotencyKey: string): Promise<IdempotencyRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tables.idempotency, Key: { idempotencyKey }, ConsistentRead: true }));
    return out.Item === undefined ? undefined : IdempotencyRecordSchema.parse(out.Item);
  }

  async takeOver(idempotencyKey: string, orderId: string, lock: { nowMs: number; lockedUntil: number; lockOwner: string }): Promise<boolean> {
    return this.conditionalUpdate({
      TableName: this.tables.idempotency,
      Key: { idempotencyKey },
      UpdateExpression: 'SET lockedUntil = :lockedUntil, lockOwner = :lockOwner',
      ConditionExpression: '#state = :inProgress AND orderId = :orderId AND lockedUntil <= :now',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS', ':orderId': orderId, ':now': lock.nowMs, ':lockedUntil': lock.lockedUntil, ':lockOwner': lock.lockOwner },
    });
  }

  async complete(idempotencyKey: string, orderId: string, response: StoredResponse): Promise<boolean> {
    return this.conditionalUpdate({
      TableName: this.tables.idempotency,
      Key: { idempotencyKey },
      UpdateExpression: 'SET #state = :completed, #response = :response',
      ConditionExpression: '#state = :inProgress AND orderId = :orderId',
      ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
      ExpressionAttributeValues: { ':completed': 'COMPLETED', ':inProgress': 'IN_PROGRESS', ':orderId': orderId, ':response': response },
    });
  }

  async release(idempotencyKey: string, lockOwner: string, nowMs: number): Promise<boolean> {
    return this.conditionalUpdate({
      TableName: this.tables.idempotency,
      Key: { idempotencyKey },
      UpdateExpression: 'SET lockedUntil = :now',
      ConditionExpression: '#state = :inProgress AND lockOwner = :lockOwner',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS', ':lockOwner': lockOwner, ':now': nowMs },
    });
  }

  private async conditionalUpdate(input: ConstructorParameters<typeof UpdateCommand>[0]): Promise<boolean> {
    try {
      await this.db.send(new UpdateCommand(input));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}

/**
 * Both conditions failed: the order exists (only this request could have written it, see createOrder)
 * and so does the claim the same transaction wrote. A retried call whose first attempt succeeded.
 */
function isOwnEarlierWrite(error: unknown): boolean {
  const codes = cancellationCodes(error);
  return codes !== undefined && codes[0] === 'ConditionalCheckFailed' && codes[1] === 'ConditionalCheckFailed';
}

/** The transaction was cancelled by the idempotency record's condition (the second item), nothing else. */
function isKeyTaken(error: unknown): boolean {
  const codes = cancellationCodes(error);
  return codes !== undefined && codes[0] !== 'ConditionalCheckFailed' && codes[1] === 'ConditionalCheckFailed';
}
