// The soak's exactly-once audit, pure: every order final, and every effect once — the stock each
// product lost is what its confirmed orders reserved, one charge per confirmed order and none kept
// for a cancelled one, each notification the customer is owed exactly once (an email SES accepted
// for each SENT one, none for one SES refused for good), and each event once in the order's history.
// The notification rule is the end-to-end tests' own (test/e2e/support/effects.ts); bench/soak.ts reads
// the tables and the emails SES accepted, and hands them here.
import { deservedNotifications } from '../test/e2e/support/effects.js';

export interface AuditedOrder {
  orderId: string;
  status: string;
  totalAmount?: number;
  items?: { productId: string; quantity: number }[];
  history?: { eventId: string }[];
}

export interface AuditInput {
  /** Every item of the orders table. */
  orders: readonly AuditedOrder[];
  /** The orders the soak was answered 202 for: each must be in the table. */
  placed: readonly string[];
  /** Billing records by orderId (billingId = orderId: a second record would be a second charge). */
  billing: ReadonlyMap<string, readonly Record<string, unknown>[]>;
  /** Reservation records by orderId. */
  reservations: ReadonlyMap<string, Record<string, unknown>>;
  /** Notification records by orderId. */
  notifications: ReadonlyMap<string, readonly Record<string, unknown>[]>;
  /** Emails SES accepted, by the orderId their subject names. */
  emails: ReadonlyMap<string, number>;
  /** Each of the soak's products: its stock at the start and at the end. */
  stock: ReadonlyMap<string, { initial: number; final: number }>;
  /**
   * Emails that may have gone out twice by design: notification records whose invocation was cut off
   * (a worker killed, a timeout) after SES may have accepted the email and before it was recorded SENT.
   * SES takes no idempotency token, so the retry sends again (functions/notification/notifications.ts):
   * that many extra emails are counted apart, not as problems; more would be.
   */
  emailsResendable?: number;
}

export interface AuditResult {
  orders: number;
  confirmed: number;
  cancelled: number;
  notFinal: number;
  emails: number;
  /** Notifications SES refused for good (recorded FAILED, no email): the recipients it refused. */
  refusedNotifications: number;
  /** Orders that got one email more than their SENT notifications, within the window emailsResendable allows. */
  emailsSentTwice: number;
  problemCount: number;
  /** The first problems found, one line each (at most 50). */
  problems: string[];
  ok: boolean;
}

const MAX_LISTED = 50;

/** One order's problems, given its records (empty when its effects are exactly what it is owed). */
export function orderProblems(
  order: AuditedOrder,
  records: {
    billing: readonly Record<string, unknown>[];
    reservation: Record<string, unknown> | undefined;
    notifications: readonly Record<string, unknown>[];
    emails: number;
  },
): string[] {
  const id = order.orderId;
  if (order.status !== 'CONFIRMED' && order.status !== 'CANCELLED') return [`${id}: not final (${order.status})`];
  const problems: string[] = [];
  const owed = deservedNotifications(order);
  const kinds = records.notifications.map((n) => String(n.kind)).sort();
  if (kinds.join() !== owed.join())
    problems.push(`${id}: notifications ${kinds.join('+') || 'none'}, owed ${owed.join('+')}`);
  const unsettled = records.notifications.filter((n) => n.status !== 'SENT' && n.status !== 'FAILED');
  if (unsettled.length > 0)
    problems.push(
      `${id}: notification(s) not settled: ${unsettled.map((n) => `${String(n.kind)}:${String(n.status)}`).join(', ')}`,
    );
  const sent = records.notifications.filter((n) => n.status === 'SENT').length;
  if (records.emails !== sent)
    problems.push(`${id}: ${records.emails} email(s) accepted by SES for ${sent} SENT notification(s)`);
  const billing = records.billing.map((b) => String(b.status));
  const reservation = records.reservation?.status;
  if (order.status === 'CONFIRMED') {
    const charge = records.billing[0];
    if (records.billing.length !== 1 || charge?.status !== 'CAPTURED')
      problems.push(`${id}: CONFIRMED with billing [${billing.join(', ')}], not one CAPTURED charge`);
    else if (order.totalAmount !== undefined && charge.amount !== order.totalAmount)
      problems.push(`${id}: charged ${String(charge.amount)} for a total of ${order.totalAmount}`);
    if (reservation !== 'RESERVED') problems.push(`${id}: CONFIRMED with reservation ${String(reservation)}`);
  } else {
    if (records.billing.length > 1 || billing.some((s) => !['DECLINED', 'VOIDED', 'REFUNDED'].includes(s)))
      problems.push(`${id}: CANCELLED with billing [${billing.join(', ')}] (money kept, or charged twice)`);
    if (reservation !== 'REJECTED' && reservation !== 'RELEASED')
      problems.push(`${id}: CANCELLED with reservation ${String(reservation)}`);
  }
  const events = (order.history ?? []).map((h) => h.eventId);
  if (new Set(events).size !== events.length) problems.push(`${id}: an event applied twice in its history`);
  return problems;
}

/** The whole audit: every order, then the stock of every product against the orders that reserved it. */
export function audit(input: AuditInput): AuditResult {
  const problems: string[] = [];
  const stored = new Set(input.orders.map((o) => o.orderId));
  for (const id of input.placed) if (!stored.has(id)) problems.push(`${id}: answered 202 but not in the orders table`);
  const reserved = new Map<string, number>();
  let emails = 0;
  let refused = 0;
  let sentTwice = 0;
  let resendable = input.emailsResendable ?? 0;
  for (const order of input.orders) {
    const notifications = input.notifications.get(order.orderId) ?? [];
    const accepted = input.emails.get(order.orderId) ?? 0;
    emails += accepted;
    refused += notifications.filter((n) => n.status === 'FAILED').length;
    // One extra email, while cut-off notification records can explain it: the documented window.
    const sent = notifications.filter((n) => n.status === 'SENT').length;
    const twice = accepted > sent && accepted - sent <= resendable;
    if (twice) {
      sentTwice += 1;
      resendable -= accepted - sent;
    }
    problems.push(
      ...orderProblems(order, {
        billing: input.billing.get(order.orderId) ?? [],
        reservation: input.reservations.get(order.orderId),
        notifications,
        emails: twice ? sent : accepted,
      }),
    );
    if (order.status === 'CONFIRMED')
      for (const line of order.items ?? [])
        reserved.set(line.productId, (reserved.get(line.productId) ?? 0) + line.quantity);
  }
  for (const [productId, { initial, final }] of input.stock) {
    if (final < 0) problems.push(`${productId}: stock ${final}, below zero`);
    const taken = reserved.get(productId) ?? 0;
    if (initial - final !== taken)
      problems.push(
        `${productId}: stock ${initial} → ${final} (−${initial - final}) for ${taken} unit(s) of confirmed orders`,
      );
  }
  const count = (status: string) => input.orders.filter((o) => o.status === status).length;
  return {
    orders: input.orders.length,
    confirmed: count('CONFIRMED'),
    cancelled: count('CANCELLED'),
    notFinal: input.orders.filter((o) => o.status !== 'CONFIRMED' && o.status !== 'CANCELLED').length,
    emails,
    refusedNotifications: refused,
    emailsSentTwice: sentTwice,
    problemCount: problems.length,
    problems: problems.slice(0, MAX_LISTED),
    ok: problems.length === 0,
  };
}
