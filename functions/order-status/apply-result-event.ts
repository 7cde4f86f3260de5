// order-status's domain: apply one result event to its order exactly once, move the order's status
// forward if the facts now decide it, and announce a final status. Effect first, then event; a
// repeated event that can decide an order, whose order is final, republishes the identical final event.
import type { Clock } from '../shared/clock.js';
import type { OrderEvent } from '../shared/events.js';
import type { Log } from '../shared/logger.js';
import type { EventPublisher } from '../shared/publisher.js';
import type { EventHandlers } from '../shared/sqs-consumer.js';
import type { OrderRecord } from '../shared/order-record.js';
import {
  advances,
  canDecide,
  captureMismatch,
  decide,
  EFFECTS,
  effectOf,
  effectOn,
  finalEvent,
  historyEntry,
  isFinal,
  statesBelow,
  type Effect,
  type ResultEvent,
} from './lifecycle.js';
import { OrderConflictError, OrderNotFoundError } from './errors.js';
import type { Metrics, OrderProjectionStore } from './ports.js';

/** Read-then-conditional-write passes that apply one event to its order before SQS retries the record. */
const APPLY_ATTEMPTS = 5;

export interface ApplyDeps {
  store: OrderProjectionStore;
  publisher: EventPublisher;
  now: Clock;
  log: Pick<Log, 'info' | 'error'>;
  metrics: Metrics;
}

/** The one handler of every result event: applies it to its order (effectOf says what it means). */
export async function applyResultEvent(event: ResultEvent, deps: ApplyDeps): Promise<void> {
  const { order, duplicate, effect } = await record(event, effectOf(event), deps);
  if (!duplicate)
    deps.log.info('event applied', {
      orderId: order.orderId,
      [effect.change.service]: order.services[effect.change.service],
    });
  const mismatch = captureMismatch(event, order);
  if (mismatch !== undefined && !duplicate) {
    // Counted once per capture (a repeated delivery is a duplicate): the alarm's sum is the number of bad captures.
    deps.log.error('a payment does not match its order: the order is cancelled, the capture needs a refund', {
      orderId: order.orderId,
      eventId: event.id,
      reason: mismatch,
    });
    deps.metrics.paymentMismatch();
  }

  if (isFinal(order)) {
    // The final event went out when the order became final, unless that publish failed: then
    // this repeated delivery is the retry, and it publishes the same event again. Only an event
    // that can decide an order may have been the one whose publish failed. The others (a repeated
    // NotificationSent, say) must not re-announce: notification answers a repeated OrderConfirmed
    // with a repeated NotificationSent, and the two would echo each other for ever.
    if (duplicate && canDecide(effect)) await deps.publisher.publish(finalEvent(order));
    return;
  }
  const decision = decide(order);
  if (decision === undefined) return;
  const finalized =
    (await deps.store.finalize(order, decision, deps.now(), event.id)) ?? (await finalizedBy(event, deps));
  if (finalized === undefined) {
    // Another event made the order final first, and publishes its final event itself.
    deps.log.info('order already final', { orderId: order.orderId, eventId: event.id });
    return;
  }
  // Counted by the event that made the order final, before its publish (a failed publish is retried
  // as a duplicate, which counts nothing): one value per order.
  const finalizedAt = finalized.finalizedAt ?? deps.now();
  deps.metrics.placedSeconds((Date.parse(finalizedAt) - Date.parse(finalized.createdAt)) / 1000, finalized.orderId);
  await deps.publisher.publish(finalEvent(finalized));
  deps.log.info(`order ${finalized.status}`, {
    orderId: finalized.orderId,
    ...(decision.status === 'CANCELLED' ? { reason: decision.reason } : {}),
  });
}

/**
 * The order, if this event is the one that made it final although the write answered "condition
 * failed": its first attempt succeeded, the response was lost, and the SDK's retry met the
 * condition. Without this, both events would leave the announcement to the other.
 */
async function finalizedBy(event: OrderEvent, deps: ApplyDeps): Promise<OrderRecord | undefined> {
  const order = await deps.store.find(event.orderId);
  return order?.finalizedBy === event.id ? order : undefined;
}

async function record(
  event: OrderEvent,
  projected: Effect,
  deps: ApplyDeps,
): Promise<{ order: OrderRecord; duplicate: boolean; effect: Effect }> {
  for (let attempt = 1; attempt <= APPLY_ATTEMPTS; attempt += 1) {
    const order = await deps.store.find(event.orderId);
    if (order === undefined) throw new OrderNotFoundError(`order ${event.orderId} not found for event ${event.id}`);
    const effect = effectOn(event, projected, order);
    if (order.appliedEventIds?.has(event.id) === true) return { order, duplicate: true, effect };

    const applied = await deps.store.applyEvent(order, {
      eventId: event.id,
      entry: historyEntry(event, effect),
      updatedAt: deps.now(),
      ...(advances(order.services, effect.change)
        ? {
            service: { change: effect.change, replaces: statesBelow(effect.change) },
            ...(effect.notificationFailure ? { notificationFailure: effect.notificationFailure } : {}),
          }
        : {}),
    });
    if (applied !== undefined) return { order: applied, duplicate: false, effect };
    // A condition failed: the event was applied meanwhile, or the service moved on. Look again.
  }
  throw new OrderConflictError(`could not apply ${event.id} after ${APPLY_ATTEMPTS} attempts`);
}

/** order-status-queue's dispatch map: every result event (each type EFFECTS gives a meaning) to applyResultEvent. */
export const orderStatusHandlers = Object.fromEntries(Object.keys(EFFECTS).map((type) => [type, applyResultEvent])) as {
  [T in ResultEvent['type']]: typeof applyResultEvent;
} satisfies EventHandlers<ApplyDeps>;
