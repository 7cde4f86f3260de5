// The ports order-api's domain talks through. DynamoDB adapters (dynamo-adapters.ts) and the
// in-memory fakes of the unit tests implement these same interfaces and keep the same conditions.
import type { OrderRecord } from '../shared/order-record.js';

export interface Product {
  productId: string;
  name: string;
  /** Integer minor units of `currency`. */
  unitPrice: number;
  currency: string;
}

export interface ProductCatalog {
  /** One batch read of the given products; those that do not exist are absent from the map. */
  getProducts(productIds: readonly string[]): Promise<Map<string, Product>>;
}

/** What a completed keyed request answered, replayed to every retry with that key. */
export interface StoredResponse {
  statusCode: number;
  body: Record<string, unknown>;
}

export interface IdempotencyRecord {
  idempotencyKey: string;
  /** SHA-256 (hex) of the canonical request body. */
  requestHash: string;
  orderId: string;
  state: 'IN_PROGRESS' | 'COMPLETED';
  /** Epoch milliseconds: until then the request that holds the lock is presumed alive. */
  lockedUntil: number;
  /** Who holds the lock: only its holder releases it early. */
  lockOwner: string;
  /** Epoch seconds (the table's TTL attribute): after it the key is free again. */
  expiresAt: number;
  response?: StoredResponse;
}

export type IdempotencyClaim = Omit<IdempotencyRecord, 'state' | 'response'>;

export interface OrderStore {
  /**
   * Puts a new order (never overwriting one). With a claim, in the same transaction puts the
   * idempotency record IN_PROGRESS, on condition that the key is free (absent, or expiresAt <
   * nowSeconds): 'key-taken' when it is not, and then nothing was written.
   */
  createOrder(order: OrderRecord, claim?: { record: IdempotencyClaim; nowSeconds: number }): Promise<'created' | 'key-taken'>;
  findOrder(orderId: string): Promise<OrderRecord | undefined>;
}

export interface IdempotencyStore {
  find(idempotencyKey: string): Promise<IdempotencyRecord | undefined>;
  /** Takes over an abandoned lock: if state = IN_PROGRESS, orderId matches and lockedUntil <= nowMs. */
  takeOver(idempotencyKey: string, orderId: string, lock: { nowMs: number; lockedUntil: number; lockOwner: string }): Promise<boolean>;
  /** Marks the key COMPLETED with its response: if state = IN_PROGRESS and orderId matches. */
  complete(idempotencyKey: string, orderId: string, response: StoredResponse): Promise<boolean>;
  /** Ends the lock at once (lockedUntil = nowMs): if state = IN_PROGRESS and lockOwner matches. */
  release(idempotencyKey: string, lockOwner: string, nowMs: number): Promise<boolean>;
}

/** What the domain logs through; the Powertools logger fits it. */
export interface Log {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}
