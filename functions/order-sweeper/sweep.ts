// The sweeper: finds the orders still PLACED after `stuckAfterSeconds` and announces each again
// with its one OrderPlaced (the same event the outbox publishes, so every consumer dedupes it: a
// reservation, a charge, an email each happen once whatever the number of copies). The outbox
// blocks rather than drop an order; this finishes what it cannot: an announcement lost after SNS
// accepted it, a record the stream expired, a table restored without its stream.
//
// Every run also reports the oldest PLACED order's age, 0 when there is none: the stuck-orders
// alarm watches it, so an order that is never announced is seen (a metric emitted only when an
// order becomes final says nothing of one that never does).
import type { Clock } from '../shared/clock.js';
import { orderPlacedEvent } from '../shared/order-placed.js';
import type { Log } from '../shared/logger.js';
import type { EventPublisher, Metrics, PlacedOrders } from './ports.js';

export interface SweepDeps {
  orders: PlacedOrders;
  publisher: EventPublisher;
  metrics: Metrics;
  log: Pick<Log, 'warn' | 'error'>;
  now: Clock;
  /** An order PLACED longer than this is announced again. */
  stuckAfterSeconds: number;
}

/** Orders announced again per run at most: the rest wait for the next run, oldest first. */
export const MAX_PER_RUN = 100;
/** Publishes in flight at once. */
const CONCURRENCY = 10;

export interface SweepReport {
  oldestPlacedSeconds: number;
  reannounced: number;
}

export async function sweep(deps: SweepDeps): Promise<SweepReport> {
  const now = Date.parse(deps.now());
  const oldest = await deps.orders.oldest();
  const oldestPlacedSeconds = oldest === undefined ? 0 : Math.max(0, (now - Date.parse(oldest.createdAt)) / 1000);
  deps.metrics.oldestPlacedSeconds(oldestPlacedSeconds);
  if (oldest === undefined || oldestPlacedSeconds <= deps.stuckAfterSeconds)
    return { oldestPlacedSeconds, reannounced: 0 };

  const cutoff = new Date(now - deps.stuckAfterSeconds * 1000).toISOString();
  // The index is eventually consistent: an order it still lists may have become final just now. A
  // copy of its OrderPlaced then changes nothing anywhere; only the ones still PLACED matter.
  const stuck = (await deps.orders.placedBefore(cutoff, MAX_PER_RUN)).filter((o) => o.status === 'PLACED');
  let next = 0;
  const failures: unknown[] = [];
  const worker = async (): Promise<void> => {
    for (let order = stuck[next++]; order !== undefined; order = stuck[next++]) {
      const event = orderPlacedEvent(order);
      try {
        await deps.publisher.publish(event);
        deps.log.warn('announced a stuck order again', {
          orderId: order.orderId,
          eventId: event.id,
          placedSeconds: Math.round((now - Date.parse(order.createdAt)) / 1000),
        });
      } catch (error) {
        failures.push(error);
        deps.log.error('could not announce a stuck order again; the next run retries', {
          orderId: order.orderId,
          error,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, stuck.length) }, worker));
  if (stuck.length === MAX_PER_RUN)
    deps.log.warn(`announced the ${MAX_PER_RUN} oldest stuck orders; the next run takes the rest`, {});
  // A failed run is retried by its scheduler, and shows in the function's Errors alarm.
  if (failures.length > 0)
    throw new AggregateError(failures, `${failures.length} of ${stuck.length} stuck orders not announced`);
  return { oldestPlacedSeconds, reannounced: stuck.length };
}
