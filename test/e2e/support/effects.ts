// What a final order's customer is owed, exactly once: the judgement the end-to-end tests and the
// soak (bench/soak-audit.ts) share. Pure: no stack, no clients (support/orders.ts reads the records).

/** The notification kinds a final order's customer must get, exactly once each (sorted). */
export const deservedNotifications = (order: { status: string }): string[] =>
  ['ORDER_RECEIVED', order.status === 'CONFIRMED' ? 'ORDER_CONFIRMED' : 'ORDER_CANCELLED'].sort();

/** "ORDER_RECEIVED:SENT", … for an order's notification records, sorted: what deservedStates must equal. */
export const notificationStates = (notifications: readonly Record<string, unknown>[]): string[] =>
  notifications.map((n) => `${String(n.kind)}:${String(n.status)}`).sort();

/** The notification states of a final order whose customer got each deserved email once. */
export const deservedStates = (order: { status: string }): string[] =>
  deservedNotifications(order).map((kind) => `${kind}:SENT`);
