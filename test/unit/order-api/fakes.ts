// In-memory implementations of order-api's ports, keeping the DynamoDB adapters' conditions
// (dynamo-products-and-keys.ts, dynamo-order-store.ts), so that domain tests exercise the same guards the tables enforce.
import type { OrderRecord } from '../../../functions/shared/order-record.js';
import type {
  CreateOutcome,
  IdempotencyRecord,
  IdempotencyStore,
  OrderStore,
  PlacementReads,
  Product,
  ProductsAndKeys,
} from '../../../functions/order-api/ports.js';
import type { ApiDeps } from '../../../functions/order-api/http.js';
import { silentLog } from '../../fixtures/log.js';

const PRODUCTS: Product[] = [
  { productId: 'p-001', name: 'Matcha tea set', unitPrice: 1200, currency: 'JPY' },
  { productId: 'p-002', name: 'Cast-iron kettle', unitPrice: 8800, currency: 'JPY' },
  { productId: 'p-003', name: 'Hinoki cutting board', unitPrice: 4500, currency: 'JPY' },
  { productId: 'u-001', name: 'Imported teapot', unitPrice: 2500, currency: 'USD' },
];

const clone = <T>(value: T): T => structuredClone(value);

/** The orders and idempotency tables. Every successful write is counted in `writes`. */
class InMemoryOrderDatabase implements OrderStore, IdempotencyStore {
  readonly orders = new Map<string, OrderRecord>();
  readonly keys = new Map<string, IdempotencyRecord>();
  writes = 0;
  /** Runs before each operation: tests use it to fail or interleave calls. */
  beforeOperation: (name: string) => Promise<void> | void = () => undefined;
  private contended = 0;

  /** The next `count` keyed writes keep conflicting (the adapter's bounded retries used up): 'contended', nothing written. */
  contendNext(count = 1): void {
    this.contended = count;
  }

  async createOrder(
    order: OrderRecord,
    key?: { record: IdempotencyRecord; nowSeconds: number },
  ): Promise<CreateOutcome> {
    await this.beforeOperation('createOrder');
    if (key !== undefined && this.contended > 0) {
      this.contended -= 1;
      return 'contended';
    }
    // The order's condition: attribute_not_exists(orderId).
    if (this.orders.has(order.orderId))
      throw Object.assign(new Error('order exists'), { name: 'TransactionCanceledException' });
    if (key !== undefined) {
      // The key's condition: attribute_not_exists(idempotencyKey) OR expiresAt < :now.
      const existing = this.keys.get(key.record.idempotencyKey);
      if (existing !== undefined && !(existing.expiresAt < key.nowSeconds)) return 'key-taken';
      this.keys.set(key.record.idempotencyKey, clone(key.record));
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
}

/** The inventory table's products and, in the same read, the idempotency table's keys (of `db`). */
class InMemoryProductsAndKeys implements ProductsAndKeys {
  calls = 0;
  private readonly products: Map<string, Product>;
  constructor(
    private readonly db: InMemoryOrderDatabase,
    products: Product[] = PRODUCTS,
  ) {
    this.products = new Map(products.map((p) => [p.productId, p]));
  }

  /** Takes a product off the catalogue (as an operator would). */
  withdraw(productId: string): void {
    this.products.delete(productId);
  }

  async readForOrder(productIds: readonly string[], idempotencyKey?: string): Promise<PlacementReads> {
    await this.db.beforeOperation('readForOrder');
    this.calls += 1;
    const products = new Map<string, Product>();
    for (const id of productIds) {
      const product = this.products.get(id);
      if (product !== undefined) products.set(id, { ...product });
    }
    const record = idempotencyKey === undefined ? undefined : this.db.keys.get(idempotencyKey);
    return { products, stored: record === undefined ? undefined : clone(record) };
  }
}

/** A settable clock. */
class Clock {
  constructor(private current = Date.parse('2026-11-25T09:00:00.000Z')) {}
  now = (): string => new Date(this.current).toISOString();
  advance(ms: number): void {
    this.current += ms;
  }
}

/** Deterministic UUID-shaped ids: 00000000-0000-4000-8000-000000000001, … */
function sequentialIds(): () => string {
  let n = 0;
  return () => {
    n += 1;
    return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  };
}

/** A full set of in-memory dependencies, and handles on each to arrange and inspect. */
export function inMemoryDeps(products: Product[] = PRODUCTS) {
  const db = new InMemoryOrderDatabase();
  const productsAndKeys = new InMemoryProductsAndKeys(db, products);
  const clock = new Clock();
  const log = silentLog();
  const deps: ApiDeps = { productsAndKeys, orders: db, idempotency: db, now: clock.now, newId: sequentialIds(), log };
  return { deps, db, productsAndKeys, clock, log };
}
