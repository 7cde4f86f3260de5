// The orders service's projection rules, as pure functions: which service state each result event
// sets, how each service's state moves only forward, when an order is final, and the final event.
import { orderEvent, type EventOf, type EventType, type OrderEvent } from '../shared/events.js';
import type { HistoryEntry, OrderRecord, ServiceName, Services } from '../shared/order-record.js';

export type NotificationFailure = NonNullable<OrderRecord['notificationFailure']>;

/**
 * Each service's states by rank: a state replaces another only if its rank is higher, so late or
 * repeated events never move a service back. Equal ranks are alternative outcomes (the first wins).
 */
const LIFECYCLES: { [S in ServiceName]: Record<Services[S], number> } = {
  inventory: { PENDING: 0, RESERVED: 1, REJECTED: 1, RELEASED: 2 },
  payment: { PENDING: 0, CAPTURED: 1, DECLINED: 1, VOIDED: 2, REFUNDED: 2 },
  // FAILED outranks every email sent: that the customer missed one stays visible.
  notification: { PENDING: 0, ORDER_RECEIVED: 1, ORDER_CONFIRMED: 2, ORDER_CANCELLED: 2, FAILED: 3 },
};

export type ServiceChange = { [S in ServiceName]: { service: S; state: Services[S] } }[ServiceName];

export interface Effect {
  change: ServiceChange;
  /** Set on the events that cancel an order. */
  cancelReason?: string;
  /** Set by NotificationFailed: recorded on the order with the FAILED state. */
  notificationFailure?: NotificationFailure;
}

/**
 * What each result event means for its order, by event type: the events the orders service
 * projects onto its orders (every other service's results), each listed here once.
 */
export const EFFECTS = {
  InventoryReserved: (): Effect => ({ change: { service: 'inventory', state: 'RESERVED' } }),
  InventoryRejected: (event: EventOf<'InventoryRejected'>): Effect => ({
    change: { service: 'inventory', state: 'REJECTED' },
    cancelReason: shortageReason(event),
  }),
  InventoryReleased: (): Effect => ({ change: { service: 'inventory', state: 'RELEASED' } }),
  PaymentCaptured: (): Effect => ({ change: { service: 'payment', state: 'CAPTURED' } }),
  PaymentDeclined: (event: EventOf<'PaymentDeclined'>): Effect => ({
    change: { service: 'payment', state: 'DECLINED' },
    cancelReason: `payment declined: ${event.data.reason}`,
  }),
  PaymentVoided: (): Effect => ({ change: { service: 'payment', state: 'VOIDED' } }),
  PaymentRefunded: (): Effect => ({ change: { service: 'payment', state: 'REFUNDED' } }),
  NotificationSent: (event: EventOf<'NotificationSent'>): Effect => ({
    change: { service: 'notification', state: event.data.kind },
  }),
  NotificationFailed: (event: EventOf<'NotificationFailed'>): Effect => ({
    change: { service: 'notification', state: 'FAILED' },
    notificationFailure: { kind: event.data.kind, reason: event.data.reason },
  }),
} satisfies { [T in EventType]?: (event: EventOf<T>) => Effect };

/** The events the orders service projects: those EFFECTS gives a meaning. */
export type ResultEvent = EventOf<keyof typeof EFFECTS>;

/** What a result event means for the order. */
export const effectOf = (event: ResultEvent): Effect =>
  // The table pairs each type with its event's effect; TypeScript cannot follow the pairing through a lookup.
  (EFFECTS[event.type] as (event: ResultEvent) => Effect)(event);

/**
 * Services trust, but verify: a capture that does not equal the order's total and currency (a bug,
 * or a message that did not come from billing) never confirms the order. Its reason, else undefined.
 */
export function captureMismatch(
  event: OrderEvent,
  order: Pick<OrderRecord, 'totalAmount' | 'currency'>,
): string | undefined {
  if (event.type !== 'PaymentCaptured') return undefined;
  const { amount, currency } = event.data;
  if (amount === order.totalAmount && currency === order.currency) return undefined;
  return `payment mismatch: captured ${amount} ${currency}, the order's total is ${order.totalAmount} ${order.currency}`;
}

/** The effect of an event on this order: a mismatched capture is recorded as captured (it was) and cancels the order. */
export function effectOn(event: OrderEvent, effect: Effect, order: OrderRecord): Effect {
  const mismatch = captureMismatch(event, order);
  return mismatch === undefined ? effect : { ...effect, cancelReason: mismatch };
}

function shortageReason(event: EventOf<'InventoryRejected'>): string {
  const { shortages, reason } = event.data;
  if (shortages.length === 0) return reason;
  return `out of stock: ${shortages.map((s) => `${s.productId} (requested ${s.requested}, available ${s.available})`).join(', ')}`;
}

const rankOf = (change: ServiceChange, state: string): number =>
  (LIFECYCLES[change.service] as Record<string, number>)[state] ?? 0;

/** True when `change` moves its service forward from the state the order shows. */
export const advances = (services: Services, change: ServiceChange): boolean =>
  rankOf(change, change.state) > rankOf(change, services[change.service]);

/** The states `change` may replace: those ranked below it (the condition of the write). */
export const statesBelow = (change: ServiceChange): string[] =>
  Object.entries(LIFECYCLES[change.service] as Record<string, number>)
    .filter(([, rank]) => rank < rankOf(change, change.state))
    .map(([state]) => state);

export const historyEntry = (event: OrderEvent, effect: Effect): HistoryEntry => ({
  eventId: event.id,
  type: event.type,
  time: event.time,
  ...(effect.cancelReason === undefined ? {} : { reason: effect.cancelReason }),
});

export type Decision = { status: 'CONFIRMED' } | { status: 'CANCELLED'; reason: string };

/**
 * Where a PLACED order goes next, from the facts it holds: cancelled by the first cancelling event
 * it applied (its reason kept in the history), confirmed once stock is reserved and payment captured.
 */
export function decide(order: OrderRecord): Decision | undefined {
  if (order.status !== 'PLACED') return undefined;
  const cancelling = order.history.find((entry) => entry.reason !== undefined);
  if (cancelling?.reason !== undefined) return { status: 'CANCELLED', reason: cancelling.reason };
  if (order.services.inventory === 'RESERVED' && order.services.payment === 'CAPTURED') return { status: 'CONFIRMED' };
  return undefined;
}

export const isFinal = (order: OrderRecord): boolean => order.status !== 'PLACED';

/** True for the events `decide` looks at: a cancelling event, stock reserved, payment captured. */
export const canDecide = ({ change, cancelReason }: Effect): boolean =>
  cancelReason !== undefined ||
  (change.service === 'inventory' && change.state === 'RESERVED') ||
  (change.service === 'payment' && change.state === 'CAPTURED');

/** The one final event of a final order: same order, same event (id, and time = finalizedAt). */
export function finalEvent(order: OrderRecord): EventOf<'OrderConfirmed'> | EventOf<'OrderCancelled'> {
  const time = order.finalizedAt ?? order.updatedAt;
  if (order.status === 'CONFIRMED') {
    return orderEvent('OrderConfirmed', order.orderId, time, {
      customerId: order.customerId,
      email: order.email,
      totalAmount: order.totalAmount,
      currency: order.currency,
      placedAt: order.createdAt,
    });
  }
  if (order.status === 'CANCELLED') {
    return orderEvent('OrderCancelled', order.orderId, time, {
      customerId: order.customerId,
      email: order.email,
      reason: order.reason ?? 'cancelled',
      placedAt: order.createdAt,
    });
  }
  throw new Error(`order ${order.orderId} is not final`);
}
