// DynamoDB adapters of order-api's ports. Each condition here is the guard the domain relies on;
// the in-memory fakes of the unit tests keep the same ones.
import { BatchGetCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { cancellationCodes, isConditionalCheckFailed } from '../shared/dynamo-conditions.js';
import { TransactionConflictError, transactWrite, type TransactOptions } from '../shared/dynamo-transactions.js';
import { findOrder, type OrderRecord } from '../shared/order-record.js';
import type { CreateOutcome, IdempotencyRecord, IdempotencyStore, OrderStore, PlacementReads, Product, ProductCatalog } from './ports.js';

const ProductSchema = z.object({
  productId: z.string().min(1),
  name: z.string(),
  unitPrice: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/),
});

const StoredResponseSchema = z.object({ statusCode: z.number().int(), body: z.record(z.string(), z.unknown()) });
const IdempotencyRecordSchema = z.object({
  idempotencyKey: z.string(),
  requestHash: z.string(),
  orderId: z.string(),
  expiresAt: z.number(),
  response: StoredResponseSchema,
});

const BATCH_GET_ATTEMPTS = 4;

/** Reads the inventory table's products, and an Idempotency-Key's record, in one BatchGetItem. */
export class DynamoProductCatalog implements ProductCatalog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { inventory: string; idempotency: string },
    private readonly backoffMs = 50,
  ) {}

  async readForOrder(productIds: readonly string[], idempotencyKey?: string): Promise<PlacementReads> {
    const { inventory, idempotency } = this.tables;
    const products = new Map<string, Product>();
    let stored: IdempotencyRecord | undefined;
    let productKeys: Record<string, unknown>[] = [...new Set(productIds)].map((productId) => ({ productId }));
    let keyKeys: Record<string, unknown>[] = idempotencyKey === undefined ? [] : [{ idempotencyKey }];
    for (let attempt = 1; productKeys.length + keyKeys.length > 0; attempt += 1) {
      if (attempt > BATCH_GET_ATTEMPTS) throw new Error(`BatchGet left ${productKeys.length + keyKeys.length} keys unprocessed`);
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, this.backoffMs * 2 ** (attempt - 2)));
      const out = await this.db.send(
        new BatchGetCommand({
          RequestItems: {
            ...(productKeys.length === 0
              ? {}
              : { [inventory]: { Keys: productKeys, ProjectionExpression: 'productId, #name, unitPrice, currency', ExpressionAttributeNames: { '#name': 'name' } } }),
            // Consistent: a retry sent right after its first request's answer must see the key.
            ...(keyKeys.length === 0 ? {} : { [idempotency]: { Keys: keyKeys, ConsistentRead: true } }),
          },
        }),
      );
      for (const item of out.Responses?.[inventory] ?? []) {
        const product = ProductSchema.parse(item);
        products.set(product.productId, product);
      }
      const [record] = out.Responses?.[idempotency] ?? [];
      if (record !== undefined) stored = IdempotencyRecordSchema.parse(record);
      productKeys = out.UnprocessedKeys?.[inventory]?.Keys ?? [];
      keyKeys = out.UnprocessedKeys?.[idempotency]?.Keys ?? [];
    }
    return { products, stored };
  }
}

export class DynamoOrderStore implements OrderStore, IdempotencyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { orders: string; idempotency: string },
    private readonly transactOptions: TransactOptions = {},
  ) {}

  async createOrder(order: OrderRecord, key?: { record: IdempotencyRecord; nowSeconds: number }): Promise<CreateOutcome> {
    const putOrder = { TableName: this.tables.orders, Item: order, ConditionExpression: 'attribute_not_exists(orderId)' };
    // orderId is a fresh UUID per request, so an order already under it can only be this request's
    // own write: a response lost after the write succeeded, and the SDK retried the call. That is
    // success, not an error (the stored order is announced by the stream either way).
    if (key === undefined) {
      try {
        await this.db.send(new PutCommand(putOrder));
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      return 'created';
    }
    try {
      await transactWrite(
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
      );
      return 'created';
    } catch (error) {
      if (isOwnEarlierWrite(error)) return 'created';
      if (isKeyTaken(error)) return 'key-taken';
      if (error instanceof TransactionConflictError) return 'contended';
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
