// What the customer reads: one plain-text email per kind, saying what happened, the order id and
// the total or the reason. Pure functions of the triggering event.
import type { EventOf, NotificationKind, OrderLine } from '../shared/events.js';

export type NotifyingEvent = EventOf<'OrderPlaced' | 'OrderConfirmed' | 'OrderCancelled'>;

export interface Message {
  kind: NotificationKind;
  recipient: string;
  subject: string;
  body: string;
}

/** Integer minor units → a display amount, with the currency's own number of decimals (JPY 0, USD 2, KWD 3). */
export function formatMoney(amount: number, currency: string): string {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
  const decimals = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** decimals);
}

const lineText = (line: OrderLine, currency: string) =>
  `  ${line.quantity} × ${line.productId} at ${formatMoney(line.unitPrice, currency)} = ${formatMoney(line.lineTotal, currency)}`;

/** One email to the customer: its lines, joined, are the body. */
const message = (kind: NotificationKind, recipient: string, subject: string, lines: string[]): Message => ({
  kind,
  recipient,
  subject,
  body: lines.join('\n'),
});

export function composeMessage(event: NotifyingEvent): Message {
  const { orderId } = event;
  switch (event.type) {
    case 'OrderPlaced': {
      const { email, items, totalAmount, currency } = event.data;
      return message('ORDER_RECEIVED', email, `We received your order ${orderId}`, [
        'Thank you for your order. We are now reserving your items and taking payment.',
        '',
        `Order: ${orderId}`,
        'Items:',
        ...items.map((l) => lineText(l, currency)),
        `Total: ${formatMoney(totalAmount, currency)}`,
        '',
        'We will email you again when your order is confirmed.',
      ]);
    }
    case 'OrderConfirmed': {
      const { email, totalAmount, currency } = event.data;
      return message('ORDER_CONFIRMED', email, `Your order ${orderId} is confirmed`, [
        'Good news: your order is confirmed. Your items are reserved and your payment was taken.',
        '',
        `Order: ${orderId}`,
        `Total charged: ${formatMoney(totalAmount, currency)}`,
      ]);
    }
    case 'OrderCancelled': {
      const { email, reason } = event.data;
      return message('ORDER_CANCELLED', email, `Your order ${orderId} was cancelled`, [
        'We are sorry: your order was cancelled.',
        '',
        `Order: ${orderId}`,
        `Reason: ${reason}`,
        '',
        'If any payment was taken for this order, it is refunded in full.',
      ]);
    }
  }
}
