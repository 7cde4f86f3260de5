// GET /orders/{orderId}: the order as its owner may see it (never the email or the payment token).
import type { OrderLine } from '../shared/events.js';
import type { OrderRecord, OrderStatus, Services } from '../shared/order-record.js';
import { NotFoundError } from './errors.js';
import type { OrderStore } from './ports.js';

export interface OrderView {
  orderId: string;
  status: OrderStatus;
  reason?: string;
  services: Services;
  /** With services.notification = FAILED: which email SES refused for good, and why. */
  notificationFailure?: OrderRecord['notificationFailure'];
  history: { eventId: string; type: string; time: string }[];
  customerId: string;
  items: OrderLine[];
  totalAmount: number;
  currency: string;
  createdAt: string;
  updatedAt: string;
}

function toOrderView(order: OrderRecord): OrderView {
  return {
    orderId: order.orderId,
    status: order.status,
    ...(order.reason === undefined ? {} : { reason: order.reason }),
    services: { ...order.services },
    ...(order.notificationFailure === undefined ? {} : { notificationFailure: { ...order.notificationFailure } }),
    history: order.history.map(({ eventId, type, time }) => ({ eventId, type, time })),
    customerId: order.customerId,
    items: order.items.map(({ productId, quantity, unitPrice, lineTotal }) => ({
      productId,
      quantity,
      unitPrice,
      lineTotal,
    })),
    totalAmount: order.totalAmount,
    currency: order.currency,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}

/** Only the order's owner sees it: anyone else is told what an unknown id tells (ids cannot be probed). */
export async function getOrder(orderId: string, customerId: string, orders: OrderStore): Promise<OrderView> {
  const order = await orders.findOrder(orderId);
  if (order === undefined || order.customerId !== customerId) throw new NotFoundError(`No order ${orderId}`);
  return toOrderView(order);
}
