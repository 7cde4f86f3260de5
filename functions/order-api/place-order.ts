// Placing an order: price it from the catalog, store it (atomically with the Idempotency-Key
// claim when there is one), announce it, answer. Effect first, then event: the event is rebuilt
// from the stored order, so every publish of one order sends the identical OrderPlaced.
import { createEvent, eventIdFor, type EventOf, type OrderLine } from '../shared/events.js';
import { ValidationError, type FieldProblem } from '../shared/errors.js';
import type { EventPublisher } from '../shared/publisher.js';
import type { OrderRecord } from '../shared/order-record.js';
import { IdempotencyConflictError, ServiceUnavailableError } from './errors.js';
import type { IdempotencyRecord, IdempotencyStore, Log, OrderStore, ProductCatalog, StoredResponse } from './ports.js';
import { requestHash, type PlaceOrderRequest } from './request.js';

/** Keys expire (the idempotency table's TTL) 24 hours after the first request. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** How long a request holds its key before a retry may presume it died and take over. */
export const IDEMPOTENCY_LOCK_MS = 30_000;
/** Attempts at claiming a key when the record vanishes or changes between our reads. */
const CLAIM_ATTEMPTS = 3;

export interface PlaceOrderDeps {
  catalog: ProductCatalog;
  orders: OrderStore;
  idempotency: IdempotencyStore;
  publisher: EventPublisher;
  now: () => Date;
  newId: () => string;
  log: Log;
}

export interface OrderAccepted {
  orderId: string;
  status: 'PLACED';
  customerId: string;
  items: OrderLine[];
  totalAmount: number;
  currency: string;
  createdAt: string;
}

export interface PlaceOrderResult {
  statusCode: number;
  body: Record<string, unknown>;
  orderId: string;
}

export const acceptedBody = (order: OrderRecord): OrderAccepted => ({
  orderId: order.orderId,
  status: 'PLACED',
  customerId: order.customerId,
  items: order.items,
  totalAmount: order.totalAmount,
  currency: order.currency,
  createdAt: order.createdAt,
});

/** The one OrderPlaced event of an order: same order, same event (id, time and data). */
export function orderPlacedEvent(order: OrderRecord): EventOf<'OrderPlaced'> {
  return createEvent('OrderPlaced', {
    id: eventIdFor('OrderPlaced', order.orderId),
    orderId: order.orderId,
    time: order.createdAt,
    data: {
      customerId: order.customerId,
      email: order.email,
      items: order.items,
      totalAmount: order.totalAmount,
      currency: order.currency,
      paymentToken: order.paymentToken,
    },
  });
}

/** Prices every line from the catalog; unknown products and mixed currencies are refused (422). */
export async function priceLines(
  request: PlaceOrderRequest,
  catalog: ProductCatalog,
): Promise<{ items: OrderLine[]; totalAmount: number; currency: string }> {
  const products = await catalog.getProducts(request.items.map((item) => item.productId));
  const unknown: FieldProblem[] = [];
  request.items.forEach((item, index) => {
    if (!products.has(item.productId)) unknown.push({ field: `items/${index}/productId`, message: `unknown product ${item.productId}` });
  });
  if (unknown.length > 0) {
    const names = request.items.filter((item) => !products.has(item.productId)).map((item) => item.productId);
    throw new ValidationError(`Unknown product${names.length > 1 ? 's' : ''}: ${names.join(', ')}`, unknown);
  }
  const items: OrderLine[] = [];
  const currencies = new Set<string>();
  let totalAmount = 0;
  for (const item of request.items) {
    const product = products.get(item.productId);
    if (product === undefined) throw new Error(`product ${item.productId} vanished`); // unreachable: checked above
    const lineTotal = product.unitPrice * item.quantity;
    items.push({ productId: item.productId, quantity: item.quantity, unitPrice: product.unitPrice, lineTotal });
    currencies.add(product.currency);
    totalAmount += lineTotal;
  }
  const [currency, ...others] = [...currencies];
  if (currency === undefined || others.length > 0) {
    const problems = request.items.flatMap((item, index): FieldProblem[] => {
      const product = products.get(item.productId);
      return product !== undefined && product.currency !== currency
        ? [{ field: `items/${index}/productId`, message: `priced in ${product.currency}, not ${currency}` }]
        : [];
    });
    throw new ValidationError(`All items of one order must share one currency; these are priced in ${[...currencies].join(', ')}`, problems);
  }
  if (!Number.isSafeInteger(totalAmount)) {
    throw new ValidationError('The order total is too large', [{ field: 'items', message: 'total exceeds the largest amount accepted' }]);
  }
  return { items, totalAmount, currency };
}

function newOrderRecord(request: PlaceOrderRequest, priced: Awaited<ReturnType<typeof priceLines>>, orderId: string, createdAt: string, idempotencyKey?: string): OrderRecord {
  return {
    orderId,
    createdAt,
    updatedAt: createdAt,
    status: 'PLACED',
    customerId: request.customerId,
    email: request.email,
    items: priced.items,
    totalAmount: priced.totalAmount,
    currency: priced.currency,
    paymentToken: request.paymentToken,
    services: { inventory: 'PENDING', payment: 'PENDING', notification: 'PENDING' },
    history: [],
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  };
}

const accepted = (order: OrderRecord): StoredResponse => ({ statusCode: 202, body: { ...acceptedBody(order) } });

export async function placeOrder(request: PlaceOrderRequest, idempotencyKey: string | undefined, deps: PlaceOrderDeps): Promise<PlaceOrderResult> {
  const priced = await priceLines(request, deps.catalog);
  const now = deps.now();
  const order = newOrderRecord(request, priced, deps.newId(), now.toISOString(), idempotencyKey);

  if (idempotencyKey === undefined) {
    await deps.orders.createOrder(order);
    await announce(order, deps);
    return { ...accepted(order), orderId: order.orderId };
  }
  return placeWithKey(order, idempotencyKey, requestHash(request), deps);
}

async function placeWithKey(order: OrderRecord, key: string, hash: string, deps: PlaceOrderDeps): Promise<PlaceOrderResult> {
  for (let attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt += 1) {
    const nowMs = deps.now().getTime();
    const lockOwner = deps.newId();
    const lockedUntil = nowMs + IDEMPOTENCY_LOCK_MS;
    const claim = {
      record: { idempotencyKey: key, requestHash: hash, orderId: order.orderId, lockedUntil, lockOwner, expiresAt: Math.floor(nowMs / 1000) + IDEMPOTENCY_TTL_SECONDS },
      nowSeconds: Math.floor(nowMs / 1000),
    };
    if ((await deps.orders.createOrder(order, claim)) === 'created') {
      return publishAndComplete(order, key, lockOwner, deps);
    }

    const record = await deps.idempotency.find(key);
    if (record === undefined) continue; // expired and removed between our two reads: claim again
    const outcome = await resumeExisting(record, hash, nowMs, deps);
    if (outcome !== 'retry') return outcome;
  }
  throw new IdempotencyConflictError('The Idempotency-Key is contended: retry later with the same key');
}

async function resumeExisting(record: IdempotencyRecord, hash: string, nowMs: number, deps: PlaceOrderDeps): Promise<PlaceOrderResult | 'retry'> {
  if (record.requestHash !== hash) {
    throw new ValidationError('This Idempotency-Key was already used with a different request body', [
      { field: 'Idempotency-Key', message: 'already used with a different request body: use a new key for a new order' },
    ]);
  }
  if (record.state === 'COMPLETED' && record.response !== undefined) {
    return { ...record.response, orderId: record.orderId };
  }
  if (record.lockedUntil > nowMs) {
    throw new IdempotencyConflictError('A request with this Idempotency-Key is still in progress: retry shortly with the same key');
  }
  // The request that held the key stopped before it finished (its publish failed, or it died):
  // take the key over, then announce the order it stored, exactly as it would have.
  const lockOwner = deps.newId();
  const tookOver = await deps.idempotency.takeOver(record.idempotencyKey, record.orderId, { nowMs, lockedUntil: nowMs + IDEMPOTENCY_LOCK_MS, lockOwner });
  if (!tookOver) return 'retry'; // someone else took it over or completed it: look again
  const order = await deps.orders.findOrder(record.orderId);
  if (order === undefined) throw new Error(`order ${record.orderId} of an idempotency key is missing`); // a broken invariant: 500
  return publishAndComplete(order, record.idempotencyKey, lockOwner, deps);
}

async function publishAndComplete(order: OrderRecord, key: string, lockOwner: string, deps: PlaceOrderDeps): Promise<PlaceOrderResult> {
  try {
    await announce(order, deps);
  } catch (error) {
    // Free the key now, so the client's retry re-publishes at once instead of waiting out the lock.
    await deps.idempotency.release(key, lockOwner, deps.now().getTime()).catch((releaseError: unknown) => {
      deps.log.error('could not release the idempotency lock', { orderId: order.orderId, error: String(releaseError) });
    });
    throw error instanceof ServiceUnavailableError
      ? new ServiceUnavailableError('The order could not be completed: retry with the same Idempotency-Key')
      : error;
  }
  const response = accepted(order);
  try {
    await deps.idempotency.complete(key, order.orderId, response);
  } catch (error) {
    // The order is stored and announced: the answer is still 202. A retry before the lock expires
    // gets 409; after it, takes over and republishes the identical event (consumers dedupe).
    deps.log.warn('could not mark the idempotency key completed', { orderId: order.orderId, error: String(error) });
  }
  return { ...response, orderId: order.orderId };
}

async function announce(order: OrderRecord, deps: PlaceOrderDeps): Promise<void> {
  try {
    await deps.publisher.publish(orderPlacedEvent(order));
  } catch (error) {
    deps.log.error('could not publish OrderPlaced', { orderId: order.orderId, error: String(error) });
    throw new ServiceUnavailableError('The order could not be completed: please retry');
  }
}
