// The port order-status's domain talks through; the DynamoDB adapter and the in-memory fake of
// the unit tests implement it with the same conditions.
import type { HistoryEntry, OrderRecord } from '../shared/order-record.js';
import type { NotificationFailure, ServiceChange } from './lifecycle.js';

export interface OrderKey {
  orderId: string;
  createdAt: string;
}

export interface ApplyEvent {
  eventId: string;
  entry: HistoryEntry;
  updatedAt: string;
  /** The service state to set, and the states it may replace (its condition); absent when it would not advance. */
  service?: { change: ServiceChange; replaces: string[] };
  /** Written with the service change to FAILED: which email was refused, and why. */
  notificationFailure?: NotificationFailure;
}

export interface OrderProjectionStore {
  find(orderId: string): Promise<OrderRecord | undefined>;
  /**
   * Records the event (history, applied ids) and its service state in one conditional write: only
   * if the order exists, the event id is not yet applied, and (with a service change) that service
   * is in one of `replaces`. Returns the order after the write, or undefined if a condition failed.
   */
  applyEvent(key: OrderKey, change: ApplyEvent): Promise<OrderRecord | undefined>;
  /** PLACED → the decided final status, with finalizedAt, finalizedBy (and the reason), only if status = PLACED. Undefined if not. */
  finalize(
    key: OrderKey,
    decision: { status: 'CONFIRMED' } | { status: 'CANCELLED'; reason: string },
    finalizedAt: string,
    finalizedBy: string,
  ): Promise<OrderRecord | undefined>;
}

/** The counts the alarms watch (infra/modules/alerts): EmfMetrics in the handler. */
export interface Metrics {
  /** One PaymentCaptured that did not match its order (alarm payment-mismatches). */
  paymentMismatch(): void;
  /** How long an order stayed PLACED, from createdAt to finalizedAt, once per order (alarm orders-stuck-placed). */
  placedSeconds(seconds: number, orderId: string): void;
}
