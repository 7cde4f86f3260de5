// Placing an order: price it from the catalog, store it (atomically with the Idempotency-Key and
// the answer, when there is a key), answer 202. Announcing it is not this request's job: the
// orders table's stream is the outbox, and order-publisher publishes OrderPlaced for every order
// stored, so a stored order is always announced and a request never writes twice (no dual write).
import type { OrderLine } from '../shared/events.js';
import type { OrderRecord } from '../shared/order-record.js';
import type { Clock } from '../shared/clock.js';
import type { Log } from '../shared/logger.js';
import { IdempotencyConflictError, ValidationError, type FieldProblem } from './errors.js';
import type {
  IdempotencyRecord,
  IdempotencyStore,
  OrderStore,
  Product,
  ProductsAndKeys,
  StoredResponse,
} from './ports.js';
import { requestHash, type Customer, type PlaceOrderRequest } from './request.js';

/** Keys expire (the idempotency table's TTL) 24 hours after the first request. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export interface PlaceOrderDeps {
  productsAndKeys: ProductsAndKeys;
  orders: OrderStore;
  idempotency: IdempotencyStore;
  now: Clock;
  newId: () => string;
  log: Pick<Log, 'warn'>;
}

interface OrderAccepted {
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

const acceptedBody = (order: OrderRecord): OrderAccepted => ({
  orderId: order.orderId,
  status: 'PLACED',
  customerId: order.customerId,
  items: order.items,
  totalAmount: order.totalAmount,
  currency: order.currency,
  createdAt: order.createdAt,
});

/** Prices every line from the products read; unknown products and mixed currencies are refused (422). */
function priceLines(
  request: PlaceOrderRequest,
  products: ReadonlyMap<string, Product>,
): { items: OrderLine[]; totalAmount: number; currency: string } {
  const unknown: FieldProblem[] = [];
  request.items.forEach((item, index) => {
    if (!products.has(item.productId))
      unknown.push({ field: `items/${index}/productId`, message: `unknown product ${item.productId}` });
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
    throw new ValidationError(
      `All items of one order must share one currency; these are priced in ${[...currencies].join(', ')}`,
      problems,
    );
  }
  if (!Number.isSafeInteger(totalAmount)) {
    throw new ValidationError('The order total is too large', [
      { field: 'items', message: 'total exceeds the largest amount accepted' },
    ]);
  }
  return { items, totalAmount, currency };
}

function newOrderRecord(
  request: PlaceOrderRequest,
  customer: Customer,
  priced: ReturnType<typeof priceLines>,
  orderId: string,
  createdAt: string,
  idempotencyKey?: string,
): OrderRecord {
  return {
    orderId,
    createdAt,
    updatedAt: createdAt,
    status: 'PLACED',
    customerId: customer.customerId,
    email: customer.email,
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

/** A stored key answers its request again; the same key with another body is refused. */
function replay(record: IdempotencyRecord, hash: string): PlaceOrderResult {
  if (record.requestHash !== hash) {
    throw new ValidationError('This Idempotency-Key was already used with a different request body', [
      {
        field: 'Idempotency-Key',
        message: 'already used with a different request body: use a new key for a new order',
      },
    ]);
  }
  return { ...record.response, orderId: record.orderId };
}

/**
 * Keys are not per customer: another customer's request under a key already used is "a different
 * request" (the hash covers the customer), refused, and never answered with the first one's order.
 */
export async function placeOrder(
  request: PlaceOrderRequest,
  customer: Customer,
  idempotencyKey: string | undefined,
  deps: PlaceOrderDeps,
): Promise<PlaceOrderResult> {
  const productIds = request.items.map((item) => item.productId);
  const { products, stored } = await deps.productsAndKeys.readForOrder(productIds, idempotencyKey);
  const now = deps.now();
  const nowSeconds = Math.floor(Date.parse(now) / 1000);
  const hash = requestHash(request, customer);
  // A keyed retry is answered from what its first request stored, whatever the catalogue says now.
  // An expired record (DynamoDB's TTL deletes lazily) is a free key, as the claim's condition says.
  if (idempotencyKey !== undefined && stored !== undefined && stored.expiresAt >= nowSeconds)
    return replay(stored, hash);

  const order = newOrderRecord(request, customer, priceLines(request, products), deps.newId(), now, idempotencyKey);
  const response = accepted(order);
  if (idempotencyKey === undefined) {
    await deps.orders.createOrder(order);
    return { ...response, orderId: order.orderId };
  }

  const record: IdempotencyRecord = {
    idempotencyKey,
    requestHash: hash,
    orderId: order.orderId,
    expiresAt: nowSeconds + IDEMPOTENCY_TTL_SECONDS,
    response,
  };
  const outcome = await deps.orders.createOrder(order, { record, nowSeconds });
  if (outcome === 'created') return { ...response, orderId: order.orderId };

  // Another request with this key got there first (key-taken), or kept colliding with this one
  // on the key (contended; it may or may not have committed): answer what it stored, if it did.
  const winner = await deps.idempotency.find(idempotencyKey);
  if (winner !== undefined && winner.expiresAt >= nowSeconds) return replay(winner, hash);
  deps.log.warn('the Idempotency-Key is contended', { outcome, orderId: order.orderId });
  throw new IdempotencyConflictError(
    'A request with this Idempotency-Key is in progress: retry shortly with the same key',
  );
}
