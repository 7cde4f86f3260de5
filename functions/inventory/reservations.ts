// Inventory's part of the saga: reserve every line of an order atomically, or reject it with the
// shortages; give the stock back when payment is declined. Pure domain: storage and publishing
// are ports. Exactly-once per order comes from the store's conditions (see InventoryStore);
// this module decides what to do with their answers and which recorded outcome to announce.
import { orderEvent, type EventOf, type OrderEvent, type OrderLine, type Shortage } from '../shared/events.js';
import type { Log } from '../shared/logger.js';
import type { Clock } from '../shared/clock.js';
import type { EventPublisher } from '../shared/publisher.js';
import type { EventHandlers } from '../shared/sqs-consumer.js';
import { ReservationConflictError, StockConflictError } from './errors.js';
import type { InventoryStore, Reservation, ReservationOf, ReservedLine } from './ports.js';

/** Read-then-conditional-write passes that release one order's reservation before SQS retries the record. */
const RELEASE_ATTEMPTS = 3;

/** One TransactWriteItems holds at most 100 items: the reservation plus up to 99 products. */
export const MAX_PRODUCTS_PER_ORDER = 99;
const OUT_OF_STOCK = 'out of stock';

/** Lines of the same product are merged: a transaction may not touch one item twice. */
function mergeLines(lines: readonly Pick<OrderLine, 'productId' | 'quantity'>[]): ReservedLine[] {
  const totals = new Map<string, number>();
  for (const { productId, quantity } of lines) totals.set(productId, (totals.get(productId) ?? 0) + quantity);
  return [...totals].map(([productId, quantity]) => ({ productId, quantity }));
}

/** The one event each recorded outcome announces; a retry republishes it with the same id and time. */
function outcomeEvent(reservation: Reservation): OrderEvent {
  const { orderId, decidedAt: time } = reservation;
  switch (reservation.status) {
    case 'RESERVED':
      return orderEvent('InventoryReserved', orderId, time, { items: reservation.items });
    case 'REJECTED':
      return orderEvent('InventoryRejected', orderId, time, {
        reason: reservation.reason,
        shortages: reservation.shortages,
      });
    case 'RELEASED':
      return orderEvent('InventoryReleased', orderId, time, { reason: reservation.reason });
  }
}

export interface InventoryDeps {
  store: InventoryStore;
  publisher: EventPublisher;
  now: Clock;
  log: Pick<Log, 'info'>;
}

const announce = (reservation: Reservation, { publisher }: InventoryDeps) =>
  publisher.publish(outcomeEvent(reservation));

async function announceRecorded(orderId: string, deps: InventoryDeps): Promise<void> {
  const recorded = await deps.store.getReservation(orderId);
  // The condition said a reservation exists and the read is consistent: absence is a fault, retry.
  if (!recorded) throw new Error(`reservation for ${orderId} refused as existing but not found`);
  deps.log.info('order already decided; republishing its outcome', { orderId, status: recorded.status });
  await announce(recorded, deps);
}

async function reject(
  orderId: string,
  items: ReservedLine[],
  shortages: Shortage[],
  reason: string,
  decidedAt: string,
  deps: InventoryDeps,
) {
  const rejected: ReservationOf<'REJECTED'> = { orderId, status: 'REJECTED', items, shortages, reason, decidedAt };
  if (await deps.store.recordIfAbsent(rejected)) {
    deps.log.info('order rejected', { orderId, reason });
    return announce(rejected, deps);
  }
  return announceRecorded(orderId, deps); // a concurrent delivery (or an early release) decided first
}

async function onOrderPlaced({ orderId, data }: EventOf<'OrderPlaced'>, deps: InventoryDeps): Promise<void> {
  const { store, now, log } = deps;
  const items = mergeLines(data.items);
  const decidedAt = now();
  if (items.length > MAX_PRODUCTS_PER_ORDER) {
    // Cannot be reserved atomically, now or on any retry: a business outcome, not a fault.
    return reject(
      orderId,
      items,
      [],
      `more than ${MAX_PRODUCTS_PER_ORDER} distinct products in one order`,
      decidedAt,
      deps,
    );
  }
  const reserved: ReservationOf<'RESERVED'> = { orderId, status: 'RESERVED', items, decidedAt };
  switch (await store.reserve(reserved)) {
    case 'reserved':
      log.info('stock reserved', { orderId });
      return announce(reserved, deps);
    case 'already-decided':
      // A duplicate delivery, or a release tombstone written when the decline came first:
      // announce whatever was recorded (RELEASED → InventoryReleased again, harmlessly).
      return announceRecorded(orderId, deps);
    case 'insufficient-stock': {
      const stock = await store.getStock(items.map((l) => l.productId));
      const shortages = items
        .map((l) => ({
          productId: l.productId,
          requested: l.quantity,
          available: Math.max(0, stock.get(l.productId) ?? 0),
        }))
        .filter((s) => s.available < s.requested);
      if (shortages.length === 0)
        throw new StockConflictError(`stock for ${orderId} was restocked during the attempt; retrying`);
      return reject(orderId, items, shortages, OUT_OF_STOCK, decidedAt, deps);
    }
  }
}

async function onPaymentDeclined({ orderId, data }: EventOf<'PaymentDeclined'>, deps: InventoryDeps): Promise<void> {
  const { store, now, log } = deps;
  const reason = `payment declined: ${data.reason}`;
  // Each pass reads, then writes under a condition; losing a race means re-reading, never a second effect.
  for (let attempt = 0; attempt < RELEASE_ATTEMPTS; attempt += 1) {
    const current = await store.getReservation(orderId);
    const decidedAt = now();
    if (!current) {
      // The decline overtook the order: a tombstone makes the later OrderPlaced reserve nothing.
      const tombstone: ReservationOf<'RELEASED'> = { orderId, status: 'RELEASED', items: [], reason, decidedAt };
      if (await store.recordIfAbsent(tombstone)) return announce(tombstone, deps);
      continue;
    }
    switch (current.status) {
      case 'RESERVED': {
        const released: ReservationOf<'RELEASED'> = {
          orderId,
          status: 'RELEASED',
          items: current.items,
          reason,
          decidedAt,
        };
        if (await store.release(released)) {
          log.info('reservation released', { orderId });
          return announce(released, deps);
        }
        continue;
      }
      case 'RELEASED':
        return announce(current, deps); // a retry after the release: repeat its event, not the release
      case 'REJECTED':
        log.info('nothing to release: the order was rejected', { orderId });
        return;
    }
  }
  throw new ReservationConflictError(`reservation for ${orderId} kept changing; retrying`);
}

/** inventory-queue's dispatch map: the handler of each event type the queue receives. */
export const inventoryHandlers = {
  OrderPlaced: onOrderPlaced,
  PaymentDeclined: onPaymentDeclined,
} satisfies EventHandlers<InventoryDeps>;
