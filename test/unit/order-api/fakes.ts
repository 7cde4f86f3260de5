// In-memory implementations of order-api's ports, keeping the DynamoDB adapters' conditions
// (dynamo-adapters.ts), so that domain tests exercise the same guards the tables enforce.
import type { OrderRecord } from '../../../functions/shared/order-record.js';
import type {
  IdempotencyClaim,
  IdempotencyRecord,
  IdempotencyStore,
  Log,
  OrderStore,
  Product,
  ProductCatalog,
  StoredResponse,
} from '../../../functions/order-api/ports.js';

export const PRODUCTS: Product[] = [
  { productId: 'p-001', name: 'Matcha tea set', unitPrice: 1200, currency: 'JPY' },
  { productId: 'p-002', name: 'Cast-iron kettle', unitPrice: 8800, currency: 'JPY' },
  { productId: 'p-003', name: 'Hinoki cutting board', unitPrice: 4500, currency: 'JPY' },
  { productId: 'u-001', name: 'Imported teapot', unitPrice: 2500, currency: 'USD' },
];

export class InMemoryCatalog implements ProductCatalog {
  calls = 0;
  private readonly products: Map<string, Product>;
  constructor(products: Product[] = PRODUCTS) {
    this.products = new Map(products.map((p) => [p.productId, p]));
  }
  async getProducts(productIds: readonly string[]): Promise<Map<string, Product>> {
    this.calls += 1;
    const found = new Map<string, Product>();
    for (const id of productIds) {
      const product = this.products.get(id);
      if (product !== undefined) found.set(id, { ...product });
    }
    return found;
  }
}

const clone = <T>(value: T): T => structuredClone(value);

/** The orders and idempotency tables. Every successful write is counted in `writes`. */
export class InMemoryOrderDatabase implements OrderStore, IdempotencyStore {
  readonly orders = new Map<string, OrderRecord>();
  readonly keys = new Map<string, IdempotencyRecord>();
  writes = 0;
  /** Runs before each operation: tests use it to fail or interleave calls. */
  beforeOperation: (name: string) => Promise<void> | void = () => undefined;

  async createOrder(order: OrderRecord, claim?: { record: IdempotencyClaim; nowSeconds: number }): Promise<'created' | 'key-taken'> {
    await this.beforeOperation('createOrder');
    // The order's condition: attribute_not_exists(orderId).
    if (this.orders.has(order.orderId)) throw Object.assign(new Error('order exists'), { name: 'TransactionCanceledException' });
    if (claim !== undefined) {
      // The key's condition: attribute_not_exists(idempotencyKey) OR expiresAt < :now.
      const existing = this.keys.get(claim.record.idempotencyKey);
      if (existing !== undefined && !(existing.expiresAt < claim.nowSeconds)) return 'key-taken';
      this.keys.set(claim.record.idempotencyKey, { ...clone(claim.record), state: 'IN_PROGRESS' });
    }
    this.orders.set(order.orderId, clone(order));
    this.writes += 1;
    return 'created';
  }

  async findOrder(orderId: string): Promise<OrderRecord | undefined> {
    await this.beforeOperation('findOrder');
    const order = this.orders.get(orderId);
    return order === undefined ? undefined : clone(order);
  }

  async find(idempotencyKey: string): Promise<IdempotencyRecord | undefined> {
    await this.beforeOperation('find');
    const record = this.keys.get(idempotencyKey);
    return record === undefined ? undefined : clone(record);
  }

  async takeOver(idempotencyKey: string, orderId: string, lock: { nowMs: number; lockedUntil: number; lockOwner: string }): Promise<boolean> {
    await this.beforeOperation('takeOver');
    // #state = :inProgress AND orderId = :orderId AND lockedUntil <= :now
    const record = this.keys.get(idempotencyKey);
    if (record === undefined || record.state !== 'IN_PROGRESS' || record.orderId !== orderId || !(record.lockedUntil <= lock.nowMs)) return false;
    Object.assign(record, { lockedUntil: lock.lockedUntil, lockOwner: lock.lockOwner });
    this.writes += 1;
    return true;
  }

  async complete(idempotencyKey: string, orderId: string, response: StoredResponse): Promise<boolean> {
    await this.beforeOperation('complete');
    // #state = :inProgress AND orderId = :orderId
    const record = this.keys.get(idempotencyKey);
    if (record === undefined || record.state !== 'IN_PROGRESS' || record.orderId !== orderId) return false;
    Object.assign(record, { state: 'COMPLETED', response: clone(response) });
    this.writes += 1;
    return true;
  }

  async release(idempotencyKey: string, lockOwner: string, nowMs: number): Promise<boolean> {
    await this.beforeOperation('release');
    // #state = :inProgress AND lockOwner = :lockOwner
    const record = this.keys.get(idempotencyKey);
    if (record === undefined || record.state !== 'IN_PROGRESS' || record.lockOwner !== lockOwner) return false;
    record.lockedUntil = nowMs;
    this.writes += 1;
    return true;
  }
}

/** A settable clock. */
export class Clock {
  constructor(private current = Date.parse('2026-11-25T09:00:00.000Z')) {}
  now = (): Date => new Date(this.current);
  advance(ms: number): void {
    this.current += ms;
  }
}

/** Deterministic UUID-shaped ids: 00000000-0000-4000-8000-000000000001, … */
export function sequentialIds(): () => string {
  let n = 0;
  return () => {
    n += 1;
    return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  };
}

export const silentLog = (): Log & { errors: string[]; warnings: string[]; infos: Record<string, unknown>[] } => {
  const errors: string[] = [];
  const warnings: string[] = [];
  const infos: Record<string, unknown>[] = [];
  return {
    errors,
    warnings,
    infos,
    info: (message, ...attributes) => void infos.push(Object.assign({ message }, ...attributes)),
    error: (message) => void errors.push(message),
    warn: (message) => void warnings.push(message),
  };
};

import { RecordingPublisher } from '../../fixtures/publisher.js';
import type { PlaceOrderDeps } from '../../../functions/order-api/place-order.js';

/** A full set of in-memory dependencies, and handles on each to arrange and inspect. */
export function inMemoryDeps(products: Product[] = PRODUCTS) {
  const db = new InMemoryOrderDatabase();
  const catalog = new InMemoryCatalog(products);
  const publisher = new RecordingPublisher();
  const clock = new Clock();
  const log = silentLog();
  const deps: PlaceOrderDeps = { catalog, orders: db, idempotency: db, publisher, now: clock.now, newId: sequentialIds(), log };
  return { deps, db, catalog, publisher, clock, log };
}
