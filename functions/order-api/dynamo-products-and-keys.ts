// The DynamoDB adapter of ProductsAndKeys: the inventory table's products (their prices, never their
// stock) and an Idempotency-Key's record, read together in one BatchGetItem.
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import {
  IdempotencyRecordSchema,
  ProductSchema,
  type IdempotencyRecord,
  type PlacementReads,
  type Product,
  type ProductsAndKeys,
} from './ports.js';

/** BatchGetItem calls that read one order's products and key before the request fails (unprocessed keys are asked again). */
const BATCH_GET_ATTEMPTS = 4;
/** The wait before the first repeat of a BatchGetItem, doubled for each next one. */
const BATCH_GET_BACKOFF_MS = 50;

/** Reads the inventory table's products, and an Idempotency-Key's record, in one BatchGetItem. */
export class DynamoProductsAndKeys implements ProductsAndKeys {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { inventory: string; idempotency: string },
    private readonly backoffMs = BATCH_GET_BACKOFF_MS,
  ) {}

  async readForOrder(productIds: readonly string[], idempotencyKey?: string): Promise<PlacementReads> {
    const { inventory, idempotency } = this.tables;
    const products = new Map<string, Product>();
    let stored: IdempotencyRecord | undefined;
    let productKeys: Record<string, unknown>[] = [...new Set(productIds)].map((productId) => ({ productId }));
    let keyKeys: Record<string, unknown>[] = idempotencyKey === undefined ? [] : [{ idempotencyKey }];
    for (let attempt = 1; productKeys.length + keyKeys.length > 0; attempt += 1) {
      if (attempt > BATCH_GET_ATTEMPTS)
        throw new Error(`BatchGet left ${productKeys.length + keyKeys.length} keys unprocessed`);
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, this.backoffMs * 2 ** (attempt - 2)));
      const out = await this.db.send(
        new BatchGetCommand({
          RequestItems: {
            ...(productKeys.length === 0
              ? {}
              : {
                  [inventory]: {
                    Keys: productKeys,
                    ProjectionExpression: 'productId, #name, unitPrice, currency',
                    ExpressionAttributeNames: { '#name': 'name' },
                  },
                }),
            // Consistent: a retry sent right after its first request's answer must see the key.
            ...(keyKeys.length === 0 ? {} : { [idempotency]: { Keys: keyKeys, ConsistentRead: true } }),
          },
        }),
      );
      for (const item of out.Responses?.[inventory] ?? []) {
        const product = v.parse(ProductSchema, item);
        products.set(product.productId, product);
      }
      const [record] = out.Responses?.[idempotency] ?? [];
      if (record !== undefined) stored = v.parse(IdempotencyRecordSchema, record);
      productKeys = out.UnprocessedKeys?.[inventory]?.Keys ?? [];
      keyKeys = out.UnprocessedKeys?.[idempotency]?.Keys ?? [];
    }
    return { products, stored };
  }
}
