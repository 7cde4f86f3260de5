// The pipeline end to end on the local stack: HTTP API → order-api → SNS → SQS → every service,
// checked through the API and the tables. Each test stocks products of its own, so tests do not
// depend on each other or on the seed.
import { eventually } from './support/stack.js';
import {
  billingOf,
  finalOrder,
  finalOrders,
  orderRequest,
  postOrder,
  sentNotifications,
  stockOf,
  stockProduct,
  type OrderView,
} from './support/orders.js';

async function placeOrder(items: { productId: string; quantity: number }[]): Promise<OrderView> {
  const response = await postOrder(orderRequest(items));
  expect(response.status).toBe(202);
  expect(response.headers.get('location')).toBe(`/orders/${response.body.orderId}`);
  return response.body;
}

const kinds = (notifications: Record<string, unknown>[]) =>
  notifications
    .filter((n) => n.status === 'SENT')
    .map((n) => String(n.kind))
    .sort();

describe('order pipeline', () => {
  it('confirms an order: stock goes down, one charge, the customer is told', async () => {
    const p1 = await stockProduct(10, 1200);
    const p2 = await stockProduct(5, 800);

    const placed = await placeOrder([
      { productId: p1, quantity: 2 },
      { productId: p2, quantity: 1 },
    ]);
    expect(placed).toMatchObject({ status: 'PLACED', totalAmount: 3200, currency: 'JPY' });

    const order = await finalOrder(placed.orderId);
    expect(order.status).toBe('CONFIRMED');
    expect(order.services).toMatchObject({ inventory: 'RESERVED', payment: 'CAPTURED' });
    expect(await stockOf(p1)).toBe(8);
    expect(await stockOf(p2)).toBe(4);
    expect(await billingOf(placed.orderId)).toEqual([
      expect.objectContaining({ status: 'CAPTURED', amount: 3200, currency: 'JPY' }),
    ]);
    expect(kinds(await sentNotifications(placed.orderId, ['ORDER_RECEIVED', 'ORDER_CONFIRMED']))).toEqual([
      'ORDER_CONFIRMED',
      'ORDER_RECEIVED',
    ]);
  });

  it('cancels an order that is out of stock: stock unchanged, no money kept, the other services still run', async () => {
    const scarce = await stockProduct(1);

    const placed = await placeOrder([{ productId: scarce, quantity: 3 }]);

    const order = await finalOrder(placed.orderId);
    expect(order.status).toBe('CANCELLED');
    expect(order.reason).toBe(`out of stock: ${scarce} (requested 3, available 1)`);
    expect(await stockOf(scarce)).toBe(1);
    // Billing processed its messages too: the charge was voided before it happened or refunded after.
    const billing = await eventually(
      async () => {
        const records = await billingOf(placed.orderId);
        return records.length === 1 && ['VOIDED', 'REFUNDED'].includes(String(records[0]?.status))
          ? records
          : undefined;
      },
      { what: 'billing to void or refund' },
    );
    expect(billing).toHaveLength(1);
    expect(kinds(await sentNotifications(placed.orderId, ['ORDER_RECEIVED', 'ORDER_CANCELLED']))).toEqual([
      'ORDER_CANCELLED',
      'ORDER_RECEIVED',
    ]);
  });

  it('takes 20 concurrent orders to a final state, and stock, billing and totals agree', async () => {
    const initialStock = 12;
    const orderCount = 20;
    const product = await stockProduct(initialStock, 500);

    const placed = await Promise.all(
      Array.from({ length: orderCount }, () => placeOrder([{ productId: product, quantity: 1 }])),
    );
    const orders = await finalOrders(
      placed.map((o) => o.orderId),
      180_000,
    );

    const confirmed = orders.filter((o) => o.status === 'CONFIRMED');
    const cancelled = orders.filter((o) => o.status === 'CANCELLED');
    expect(confirmed).toHaveLength(initialStock);
    expect(cancelled).toHaveLength(orderCount - initialStock);
    expect(await stockOf(product)).toBe(0);

    const charges = (await Promise.all(confirmed.map((o) => billingOf(o.orderId)))).flat();
    expect(charges).toHaveLength(initialStock);
    expect(charges.every((c) => c.status === 'CAPTURED')).toBe(true);
    const charged = charges.reduce((sum, c) => sum + Number(c.amount), 0);
    expect(charged).toBe(confirmed.reduce((sum, o) => sum + o.totalAmount, 0));
    expect(charged).toBe(initialStock * 500);
  }, 240_000);
});
