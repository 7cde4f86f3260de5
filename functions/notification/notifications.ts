// Notification's part of the saga: tell the customer what happened, once per order and kind,
// and keep the history. Pure domain: storage, mail and publishing are ports.
//
// notificationId = `${orderId}:${kind}` and createdAt = the triggering event's time: producers
// republish the identical event, so a duplicate delivery lands on the same key, and the
// attribute_not_exists condition on that key lets only one delivery claim the email.
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { createEvent, eventIdFor, NotificationKindSchema, type OrderEvent } from '../shared/events.js';
import { RetryableError } from '../shared/failures.js';
import { logger } from '../shared/logger.js';
import type { EventPublisher } from '../shared/publisher.js';
import { composeMessage, type NotifyingEvent } from './messages.js';

const common = {
  notificationId: z.string(),
  createdAt: z.string(),
  orderId: z.string(),
  kind: NotificationKindSchema,
  recipient: z.string(),
  subject: z.string(),
  // When a delivery claimed the send (wall clock): tells a crashed claim from one in flight.
  claimedAt: z.string(),
  // Which delivery claimed it: a claim whose write succeeded but whose response was lost (the SDK
  // retried, and the retry was refused by the condition) is recognised as our own.
  claimId: z.string(),
};

/** An item of the notifications table (PK notificationId, SK createdAt). */
export const NotificationRecordSchema = z.discriminatedUnion('status', [
  z.object({ ...common, status: z.literal('PENDING') }),
  z.object({ ...common, status: z.literal('SENT'), messageId: z.string(), sentAt: z.string() }),
]);
export type NotificationRecord = z.infer<typeof NotificationRecordSchema>;
export type NotificationRecordOf<S extends NotificationRecord['status']> = Extract<NotificationRecord, { status: S }>;

/** The storage port; DynamoNotificationStore implements it, the unit tests' in-memory fake too. */
export interface NotificationStore {
  /** Claims the notification (PENDING) only if it does not exist yet. */
  createIfAbsent(record: NotificationRecordOf<'PENDING'>): Promise<boolean>;
  /** PENDING → SENT; false if it was no longer PENDING. */
  markSent(record: NotificationRecordOf<'SENT'>): Promise<boolean>;
  /** A strongly consistent read. */
  get(notificationId: string, createdAt: string): Promise<NotificationRecord | undefined>;
}

/** The mail port; SesMailer implements it. Returns the provider's message id. */
export interface Mailer {
  send(mail: { to: string; subject: string; body: string }): Promise<string>;
}

/** Another delivery claimed this notification moments ago and may be sending it now: retry later. */
export class NotificationInFlightError extends RetryableError {
  override readonly name = 'NotificationInFlightError';
}

/**
 * A claim younger than this may still be in flight (a concurrent duplicate delivery); an older one
 * was abandoned by a crash. Keep it at or below the function timeout: SQS redelivers a crashed
 * message only after the visibility timeout (≥ 6× the function timeout), so the claim is stale by then.
 */
export const CLAIM_TIMEOUT_MS = 30_000;

export function sentEvent(record: NotificationRecordOf<'SENT'>): OrderEvent {
  return createEvent('NotificationSent', {
    // One NotificationSent per kind, not per order: eventIdFor(type, orderId) alone would give
    // the three notifications of an order the same id, so the id is keyed by the notification.
    id: eventIdFor('NotificationSent', record.notificationId),
    orderId: record.orderId,
    time: record.sentAt,
    data: { notificationId: record.notificationId, kind: record.kind },
  });
}

export interface NotificationDeps {
  store: NotificationStore;
  mailer: Mailer;
  publisher: EventPublisher;
  now?: () => string;
  newId?: () => string;
}

export function createNotificationService({ store, mailer, publisher, now = () => new Date().toISOString(), newId = randomUUID }: NotificationDeps) {
  async function readExisting(notificationId: string, createdAt: string): Promise<NotificationRecord> {
    const record = await store.get(notificationId, createdAt);
    if (!record) throw new Error(`notification ${notificationId} refused as existing but not found`);
    return record;
  }

  async function notify(event: NotifyingEvent): Promise<void> {
    const { kind, recipient, subject, body } = composeMessage(event);
    const notificationId = `${event.orderId}:${kind}`;
    const log = { orderId: event.orderId, notificationId }; // never the address
    const pending: NotificationRecordOf<'PENDING'> = {
      notificationId,
      createdAt: event.time,
      orderId: event.orderId,
      kind,
      recipient,
      subject,
      status: 'PENDING',
      claimedAt: now(),
      claimId: newId(),
    };

    if (!(await store.createIfAbsent(pending))) {
      const existing = await readExisting(notificationId, event.time);
      if (existing.status === 'PENDING' && existing.claimId === pending.claimId) {
        logger.debug('the claim was ours (its first response was lost); sending', log);
      } else if (existing.status === 'SENT') {
        logger.info('notification already sent; republishing NotificationSent', log);
        return publisher.publish(sentEvent(existing));
      } else if (Date.parse(pending.claimedAt) - Date.parse(existing.claimedAt) < CLAIM_TIMEOUT_MS) {
        // PENDING and fresh: a concurrent duplicate is sending it right now; retry once it has.
        throw new NotificationInFlightError(`notification ${notificationId} is being sent by another delivery; retrying`);
      } else {
        // PENDING and stale: an earlier delivery claimed it but stopped before recording the send
        // (a crash between put and send, or between send and update). SES SendEmail takes no
        // idempotency token, so we cannot ask whether it went out: we send again. In this narrow
        // window the email is at-least-once; everywhere else it is exactly once.
        logger.warn('notification claimed but not recorded as sent; sending again', log);
      }
    }

    const messageId = await mailer.send({ to: recipient, subject, body });
    const sent: NotificationRecordOf<'SENT'> = { ...pending, status: 'SENT', messageId, sentAt: now() };
    if (await store.markSent(sent)) {
      logger.info('notification sent', log);
      return publisher.publish(sentEvent(sent));
    }
    // A concurrent delivery recorded its send first: announce that one.
    const recorded = await readExisting(notificationId, event.time);
    if (recorded.status !== 'SENT') throw new Error(`notification ${notificationId} left PENDING by a concurrent delivery`);
    return publisher.publish(sentEvent(recorded));
  }

  return async function processEvent(event: OrderEvent): Promise<void> {
    switch (event.type) {
      case 'OrderPlaced':
      case 'OrderConfirmed':
      case 'OrderCancelled':
        return notify(event);
      default:
        // The subscription's filter policy should not deliver these; acknowledging is harmless.
        logger.warn('ignoring an event notification does not handle', { orderId: event.orderId, eventType: event.type });
    }
  };
}
