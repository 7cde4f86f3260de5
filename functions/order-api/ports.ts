// The ports order-api's domain talks through, and the schemas their adapters parse what they read
// with. The DynamoDB adapters (dynamo-products-and-keys.ts, dynamo-order-store.ts) and the in-memory
// fakes of the unit tests implement these same interfaces and keep the same conditions.
import * as v from 'valibot';
import { Currency, NonEmpty, NonNegativeInt } from '../shared/events.js';
import type { OrderRecord } from '../shared/order-record.js';

export interface Product {
  productId: string;
  name: string;
  /** Integer minor units of `currency`. */
  unitPrice: number;
  currency: string;
}

/** What a keyed request answered, replayed to every retry with that key. */
export interface StoredResponse {
  statusCode: number;
  body: Record<string, unknown>;
}

/** An Idempotency-Key's record, written in the same transaction as its order, with the answer. */
export interface IdempotencyRecord {
  idempotencyKey: string;
  /** SHA-256 (hex) of the canonical request body. */
  requestHash: string;
  orderId: string;
  /** Epoch seconds (the table's TTL attribute): after it the key is free again. */
  expiresAt: number;
  response: StoredResponse;
}

export const ProductSchema: v.GenericSchema<unknown, Product> = v.object({
  productId: NonEmpty,
  name: v.string(),
  unitPrice: NonNegativeInt,
  currency: Currency,
});

export const IdempotencyRecordSchema: v.GenericSchema<unknown, IdempotencyRecord> = v.object({
  idempotencyKey: v.string(),
  requestHash: v.string(),
  orderId: v.string(),
  expiresAt: v.pipe(v.number(), v.finite()),
  response: v.object({ statusCode: v.pipe(v.number(), v.integer()), body: v.record(v.string(), v.unknown()) }),
});

export interface PlacementReads {
  /** The products that exist, by id. */
  products: Map<string, Product>;
  /** The key's record, if the request has a key and it is stored. */
  stored: IdempotencyRecord | undefined;
}

/** What placing an order reads first: the products it names (their prices) and its Idempotency-Key's record. */
export interface ProductsAndKeys {
  /**
   * One batch read (BatchGetItem) of the products and, when a key is given, of that key's record
   * (strongly consistent): a keyed retry finds its stored answer in the same round trip.
   */
  readForOrder(productIds: readonly string[], idempotencyKey?: string): Promise<PlacementReads>;
}

/**
 * created: written. key-taken: the key's condition failed (another request holds it) and nothing
 * was written. contended: the transaction kept conflicting with another on the key (retried with
 * backoff first) and nothing was written.
 */
export type CreateOutcome = 'created' | 'key-taken' | 'contended';

export interface OrderStore {
  /**
   * Puts a new order (never overwriting one). With a key record, in the same transaction puts the
   * record, on condition that the key is free (absent, or expiresAt < nowSeconds).
   */
  createOrder(order: OrderRecord, key?: { record: IdempotencyRecord; nowSeconds: number }): Promise<CreateOutcome>;
  findOrder(orderId: string): Promise<OrderRecord | undefined>;
}

export interface IdempotencyStore {
  /** The key's record, strongly consistent. */
  find(idempotencyKey: string): Promise<IdempotencyRecord | undefined>;
}
