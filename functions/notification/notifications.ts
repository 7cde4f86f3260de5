// Notification's part of the saga: tell the customer what happened, once per order and kind,
// and keep the history. Pure domain: storage, mail and publishing are ports.
//
// notificationId = `${orderId}:${kind}` and createdAt = when the order was placed (OrderPlaced's
// time, the final events' placedAt): facts fixed for the order, never the time of the event that
// asks, so every copy of a request for one email lands on the same key, whoever built it and when,
// and the attribute_not_exists condition on that key lets only one delivery claim the email. A claim left
// behind by a crash is taken over by a conditional write on its claimId: one delivery wins.
// A permanent refusal by SES is an outcome (FAILED, announced by NotificationFailed), not a retry.
import { createEvent, eventIdFor, type OrderEvent } from '../shared/events.js';
import type { Log } from '../shared/logger.js';
import type { Clock } from '../shared/clock.js';
import type { EventPublisher } from '../shared/publisher.js';
import type { EventHandlers } from '../shared/sqs-consumer.js';
import { NotificationConflictError } from './errors.js';
import { composeMessage, type NotifyingEvent } from './messages.js';
import type { Mailer, NotificationRecord, NotificationRecordOf, NotificationStore } from './ports.js';

/**
 * The key's time: when the order was placed. A final event of an older producer carries no
 * placedAt, and its own time (its producer's finalizedAt, fixed too) stands in.
 */
export const placedAtOf = (event: NotifyingEvent): string =>
  event.type === 'OrderPlaced' ? event.time : (event.data.placedAt ?? event.time);

/** How far the clocks of two Lambda hosts may disagree (they keep to NTP: milliseconds apart). */
const CLOCK_SKEW_MS = 2_000;

/**
 * How old a claim must be to count as abandoned. The delivery that made it runs for at most the
 * function's timeout, so a younger claim may still be in flight (a concurrent duplicate delivery)
 * and an older one was left by a crash or a timeout. SQS redelivers a crashed message only after
 * the visibility timeout (≥ 6 × the function timeout), so the claim is stale by then.
 */
export function claimTimeoutFor(functionTimeoutSeconds: number): number {
  return functionTimeoutSeconds * 1000 + CLOCK_SKEW_MS;
}

/** The one event a decided notification announces: NotificationSent, or NotificationFailed with the refusal. */
function outcomeEvent(record: NotificationRecordOf<'SENT' | 'FAILED'>): OrderEvent {
  const { notificationId, kind, orderId } = record;
  // One event per kind, not per order: eventIdFor(type, orderId) alone would give the three
  // notifications of an order the same id, so the id is keyed by the notification.
  if (record.status === 'SENT') {
    return createEvent('NotificationSent', {
      id: eventIdFor('NotificationSent', notificationId),
      orderId,
      time: record.sentAt,
      data: { notificationId, kind },
    });
  }
  return createEvent('NotificationFailed', {
    id: eventIdFor('NotificationFailed', notificationId),
    orderId,
    time: record.failedAt,
    data: { notificationId, kind, reason: record.reason },
  });
}

export interface NotificationDeps {
  store: NotificationStore;
  mailer: Mailer;
  publisher: EventPublisher;
  /** See claimTimeoutFor. */
  claimTimeoutMs: number;
  now: Clock;
  newId: () => string;
  log: Pick<Log, 'debug' | 'info' | 'warn'>;
}

async function readExisting(
  notificationId: string,
  createdAt: string,
  { store }: NotificationDeps,
): Promise<NotificationRecord> {
  const record = await store.get(notificationId, createdAt);
  if (!record) throw new Error(`notification ${notificationId} refused as existing but not found`);
  return record;
}

/**
 * Whether this delivery may send: the claim is ours (created now, or written by an attempt whose
 * response was lost), or it was abandoned and we took it over with a conditional write on its old
 * claimId, so that of two deliveries finding one stale claim only one sends. Throws while another
 * delivery holds it; returns the decided record when there is nothing left to send.
 */
async function claim(
  pending: NotificationRecordOf<'PENDING'>,
  logKeys: Record<string, string>,
  deps: NotificationDeps,
): Promise<NotificationRecordOf<'SENT' | 'FAILED'> | undefined> {
  const { store, log } = deps;
  if (await store.createIfAbsent(pending)) return undefined;
  const existing = await readExisting(pending.notificationId, pending.createdAt, deps);
  if (existing.status !== 'PENDING') return existing;
  if (existing.claimId === pending.claimId) {
    log.debug('the claim was ours (its first response was lost); sending', logKeys);
    return undefined;
  }
  if (Date.parse(pending.claimedAt) - Date.parse(existing.claimedAt) < deps.claimTimeoutMs) {
    throw new NotificationConflictError(
      `notification ${pending.notificationId} is being sent by another delivery; retrying`,
    );
  }
  // Stale: an earlier delivery claimed it but stopped before recording the outcome (a crash
  // between put and send, or between send and update). SES SendEmail takes no idempotency token,
  // so we cannot ask whether it went out: we send again. In this narrow window the email is
  // at-least-once; everywhere else it is exactly once.
  if (!(await store.takeOver(pending, existing.claimId))) {
    const current = await readExisting(pending.notificationId, pending.createdAt, deps);
    if (current.status !== 'PENDING') return current;
    // Taken over by a concurrent delivery, unless it was our own write whose response was lost.
    if (current.claimId !== pending.claimId)
      throw new NotificationConflictError(
        `notification ${pending.notificationId} was taken over by another delivery; retrying`,
      );
  }
  log.warn('notification claimed but not recorded as sent; took the claim over and sending again', logKeys);
  return undefined;
}

/**
 * placedAtOf, unless a record of this email is keyed on the event's time already: one written
 * before final events carried placedAt (its copies keep arriving while such an order is retried).
 * That record is the email's, so a copy with placedAt finds it instead of claiming a second one.
 */
async function keyTime(notificationId: string, event: NotifyingEvent, { store }: NotificationDeps): Promise<string> {
  const placedAt = placedAtOf(event);
  if (placedAt === event.time) return placedAt;
  return (await store.get(notificationId, event.time)) === undefined ? placedAt : event.time;
}

/** The one handler of each event that asks for an email: OrderPlaced, OrderConfirmed, OrderCancelled. */
async function notify(event: NotifyingEvent, deps: NotificationDeps): Promise<void> {
  const { store, mailer, publisher, now, newId, log } = deps;
  const { kind, recipient, subject, body } = composeMessage(event);
  const notificationId = `${event.orderId}:${kind}`;
  const createdAt = await keyTime(notificationId, event, deps);
  const logKeys = { orderId: event.orderId, notificationId }; // never the address
  const pending: NotificationRecordOf<'PENDING'> = {
    notificationId,
    createdAt,
    orderId: event.orderId,
    kind,
    recipient,
    subject,
    status: 'PENDING',
    claimedAt: now(),
    claimId: newId(),
  };

  const decided = await claim(pending, logKeys, deps);
  if (decided !== undefined) {
    log.info('notification already decided; republishing its outcome', { ...logKeys, status: decided.status });
    return publisher.publish(outcomeEvent(decided));
  }

  const result = await mailer.send({ to: recipient, subject, body });
  const outcome: NotificationRecordOf<'SENT' | 'FAILED'> =
    result.status === 'sent'
      ? { ...pending, status: 'SENT', messageId: result.messageId, sentAt: now() }
      : { ...pending, status: 'FAILED', reason: result.reason, failedAt: now() };
  if (await store.settle(outcome)) {
    if (outcome.status === 'SENT') log.info('notification sent', logKeys);
    else log.warn('SES refused the notification for good; recorded as FAILED', { ...logKeys, reason: outcome.reason });
    return publisher.publish(outcomeEvent(outcome));
  }
  // A delivery that took the claim over recorded its outcome first: announce that one, or wait for it.
  const recorded = await readExisting(notificationId, createdAt, deps);
  if (recorded.status === 'PENDING')
    throw new NotificationConflictError(`notification ${notificationId} is held by another delivery; retrying`);
  return publisher.publish(outcomeEvent(recorded));
}

/** notification-queue's dispatch map: the handler of each event type the queue receives. */
export const notificationHandlers = {
  OrderPlaced: notify,
  OrderConfirmed: notify,
  OrderCancelled: notify,
} satisfies EventHandlers<NotificationDeps>;
