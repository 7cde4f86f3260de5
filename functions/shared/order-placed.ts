// The one OrderPlaced event of a stored order, rebuilt from the item: order-publisher (the outbox)
// and the sweeper announce with it, and the operator tools rebuild it, so every copy of an order's
// announcement is the same event (id `<orderId>:OrderPlaced`, time = createdAt) and consumers dedupe it.
import { orderEvent, type EventOf } from './events.js';
import type { OrderRecord } from './order-record.js';

export function orderPlacedEvent(order: OrderRecord): EventOf<'OrderPlaced'> {
  return orderEvent('OrderPlaced', order.orderId, order.createdAt, {
    customerId: order.customerId,
    email: order.email,
    items: order.items,
    totalAmount: order.totalAmount,
    currency: order.currency,
    paymentToken: order.paymentToken,
  });
}
