// The pipeline end to end on the local stack: HTTP API → order-api → SNS → SQS → every service,
// checked through the API and the tables. Each test stocks products of its own, so tests do not
// depend on each other or on the seed.
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { clients, eventually, http, stack } from './support/stack.js';

const { db } = clients();
const tables = () => stack().outputs.table_names;

interface OrderView {
  orderId: string;
  status: 'PLACED' | 'CONFIRMED' | 'CANCELLED';
  reason?: string;
  totalAmount: number;
  currency: string;
  services: { inventory: string; payment: string; notification: string };
}

async function stockProduct(stock: number, unitPrice = 1200): Promise<string> {
  const productId = `p-${randomUUID().slice(0, 8)}`;
  await db.send(new PutCommand({ TableName: tables().inventory, Item: { productId, name: `test ${productId}`, unitPrice, currency: 'JPY', stock } }));
  return productId;
}

async function stockOf(productId: string): Promise<number> {
  const { Item } = await db.send(new GetCommand({ TableName: tables().inventory, Key: { productId } }));
  return Number(Item?.stock);
}

async function placeOrder(items: { productId: string; quantity: number }[], paymentToken = 'tok_visa') {
  const response = await http<OrderView>('POST', '/orders', {
    customerId: `c-${randomUUID().slice(0, 8)}`,
    email: 'jane@example.com',
    items,
    paymentToken,
  });
  expect(response.status).toBe(202);
  expect(response.headers.get('location')).toBe(`/orders/${response.body.orderId}`);
  return response.body;
}

function finalOrder(orderId: string, timeoutMs = 60_000): Promise<OrderView> {
  return eventually(
    async () => {
      const { status, body } = await http<OrderView>('GET', `/orders/${orderId}`);
      return status === 200 && body.status !== 'PLACED' ? body : undefined;
    },
    { timeoutMs, what: `order ${orderId} to reach a final status` },
  );
}

async function notificationsOf(orderId: string): Promise<Record<string, unknown>[]> {
  const kinds = ['ORDER_RECEIVED', 'ORDER_CONFIRMED', 'ORDER_CANCELLED'];
  const found = await Promise.all(
    kinds.map(async (kind) => {
      const { Items = [] } = await db.send(
        new QueryCommand({ TableName: tables().notifications, KeyConditionExpression: 'notificationId = :id', ExpressionAttributeValues: { ':id': `${orderId}:${kind}` } }),
      );
      return Items;
    }),
  );
  return found.flat();
}

async function billingOf(orderId: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: tables().billing, Key: { billingId: orderId, orderId } }));
  return Item;
}

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
    expect(await billingOf(placed.orderId)).toMatchObject({ status: 'CAPTURED', amount: 3200, currency: 'JPY' });
    const sent = await eventually(
      async () => {
        const items = await notificationsOf(placed.orderId);
        return items.filter((n) => n.status === 'SENT').length === 2 ? items : undefined;
      },
      { what: 'the received and confirmed notifications' },
    );
    expect(sent.map((n) => n.kind).sort()).toEqual(['ORDER_CONFIRMED', 'ORDER_RECEIVED']);
  });

  it('cancels an order that is out of stock: stock unchanged, no money kept, the other services still run', async () => {
    const scarce = await stockProduct(1);

    const placed = await placeOrder([{ productId: scarce, quantity: 3 }]);

    const order = await finalOrder(placed.orderId);
    expect(order.status).toBe('CANCELLED');
    expect(order.reason).toMatch(/out of stock/i);
    expect(order.reason).toContain(scarce);
    expect(await stockOf(scarce)).toBe(1);
    // Billing processed its messages too: the charge was voided before it happened or refunded after.
    const billing = await eventually(
      async () => {
        const item = await billingOf(placed.orderId);
        return item && ['VOIDED', 'REFUNDED'].includes(String(item.status)) ? item : undefined;
      },
      { what: 'billing to void or refund' },
    );
    expect(['VOIDED', 'REFUNDED']).toContain(billing.status);
    const sent = await eventually(
      async () => {
        const items = await notificationsOf(placed.orderId);
        return items.filter((n) => n.status === 'SENT').length === 2 ? items : undefined;
      },
      { what: 'the received and cancelled notifications' },
    );
    expect(sent.map((n) => n.kind).sort()).toEqual(['ORDER_CANCELLED', 'ORDER_RECEIVED']);
  });

  it('takes 50 concurrent orders to a final state, and stock, billing and totals agree', async () => {
    const initialStock = 30;
    const product = await stockProduct(initialStock, 500);

    const placed = await Promise.all(Array.from({ length: 50 }, () => placeOrder([{ productId: product, quantity: 1 }])));
    const orders = await Promise.all(placed.map((o) => finalOrder(o.orderId, 180_000)));

    const confirmed = orders.filter((o) => o.status === 'CONFIRMED');
    const cancelled = orders.filter((o) => o.status === 'CANCELLED');
    expect(confirmed).toHaveLength(initialStock);
    expect(cancelled).toHaveLength(50 - initialStock);
    expect(await stockOf(product)).toBe(0);

    const charges = await Promise.all(confirmed.map((o) => billingOf(o.orderId)));
    expect(charges.every((c) => c?.status === 'CAPTURED')).toBe(true);
    const charged = charges.reduce((sum, c) => sum + Number(c?.amount), 0);
    expect(charged).toBe(confirmed.reduce((sum, o) => sum + o.totalAmount, 0));
    expect(charged).toBe(initialStock * 500);
  }, 240_000);
});
