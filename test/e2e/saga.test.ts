// The saga's compensations end to end, and what GET /orders/{id} tells a client about them.
// Each test stocks products of its own; events the test publishes itself are built with the same
// contract module (createEvent, eventIdFor) the services use, so they are the events a producer
// would send, ids included.
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createEvent, eventIdFor, type EventOf } from '../../functions/shared/events.js';
import { resetFaults, setFaults } from './support/faults.js';
import { eventually, named } from './support/stack.js';
import {
  billingOf,
  db,
  emailsSentFor,
  finalOrder,
  getOrder,
  getOrderResponse,
  placedOrderRecord,
  orderRequest,
  placeOrder,
  publishEvent,
  quiet,
  reservationOf,
  sentNotifications,
  stockOf,
  stockProduct,
  tables,
} from './support/orders.js';

const kinds = (items: Record<string, unknown>[]) => items.map((n) => String(n.kind)).sort();

/**
 * An order as order-api stores it, written straight to the orders table, so that events the test
 * publishes itself (in an order no real run would choose) find their order in the projection.
 */
async function storeOrder(productId: string, quantity: number, unitPrice: number, paymentToken = 'tok_visa') {
  const record = await placedOrderRecord({ productId, quantity, unitPrice }, { paymentToken });
  const { orderId, createdAt, items, totalAmount } = record;
  await db.send(new PutCommand({ TableName: tables().orders, Item: record }));
  const placed: EventOf<'OrderPlaced'> = createEvent('OrderPlaced', {
    id: eventIdFor('OrderPlaced', orderId),
    orderId,
    time: createdAt,
    data: { customerId: record.customerId, email: record.email, items, totalAmount, currency: 'JPY', paymentToken },
  });
  return { orderId, placed };
}

describe('the saga', () => {
  afterEach(async () => {
    await resetFaults();
  });

  it('a declined payment releases the reserved stock, cancels the order with the reason and tells the customer', async () => {
    const product = await stockProduct(5, 900);
    const placed = await placeOrder(orderRequest([{ productId: product, quantity: 2 }], 'tok_chargeDeclined'));

    const order = await finalOrder(placed.orderId);
    expect(order.status).toBe('CANCELLED');
    expect(order.reason).toBe('payment declined: card_declined');
    // Stock goes back to exactly its initial value: reserved once, released once.
    await eventually(async () => ((await stockOf(product)) === 5 ? true : undefined), {
      what: 'the released stock to be back',
    });
    expect(await reservationOf(placed.orderId)).toMatchObject({
      status: 'RELEASED',
      items: [{ productId: product, quantity: 2 }],
    });
    const billing = await billingOf(placed.orderId);
    expect(billing).toHaveLength(1);
    expect(billing[0]).toMatchObject({ status: 'DECLINED', reason: 'card_declined', amount: 1800 });
    expect(billing[0]).not.toHaveProperty('providerRef');

    const notes = await sentNotifications(placed.orderId, ['ORDER_RECEIVED', 'ORDER_CANCELLED']);
    expect(kinds(notes)).toEqual(['ORDER_CANCELLED', 'ORDER_RECEIVED']);
    expect(notes.every((n) => n.status === 'SENT')).toBe(true);
    const after = await eventually(async () => {
      const o = await getOrder(placed.orderId);
      return o?.services.inventory === 'RELEASED' && o.services.notification === 'ORDER_CANCELLED' ? o : undefined;
    });
    expect(after.services).toEqual({ inventory: 'RELEASED', payment: 'DECLINED', notification: 'ORDER_CANCELLED' });
  });

  it('a void that arrives before its charge leaves no charge: billing ends VOIDED and the provider is never called', async () => {
    // One unit in stock, two ordered: inventory rejects this order itself too, so every service agrees.
    const product = await stockProduct(1, 700);
    // The stored order's own OrderPlaced (order-publisher, from the orders stream) is held back until
    // billing has voided: order-publisher's publishes fail, as SNS's can, and the stream retries them.
    await setFaults([{ action: 'SNS.Publish', function: named('order-publisher'), rate: 1, fault: '500' }]);
    const { orderId, placed } = await storeOrder(product, 2, 700);
    const rejected = createEvent('InventoryRejected', {
      id: eventIdFor('InventoryRejected', orderId),
      orderId,
      time: new Date().toISOString(),
      data: { reason: 'out of stock', shortages: [{ productId: product, requested: 2, available: 1 }] },
    });
    await publishEvent(rejected);
    // Billing voids an order it has never seen: a tombstone the later OrderPlaced must respect.
    const voided = await eventually(
      async () => {
        const [record] = await billingOf(orderId);
        return record?.status === 'VOIDED' ? record : undefined;
      },
      { what: 'billing to record the void' },
    );
    expect(voided).not.toHaveProperty('amount');

    await resetFaults(); // the stream's retry now announces the order: OrderPlaced arrives after the void
    await publishEvent(placed); // and once more, as a duplicate delivery would
    await sentNotifications(orderId, ['ORDER_RECEIVED', 'ORDER_CANCELLED']);
    await quiet(); // billing has processed the late OrderPlaced (its queue is empty)

    const billing = await billingOf(orderId);
    expect(billing).toHaveLength(1);
    expect(billing[0]).toMatchObject({ status: 'VOIDED', reason: 'inventory rejected: out of stock' });
    expect(billing[0]).not.toHaveProperty('providerRef'); // no charge was ever recorded (CAPTURED/REFUNDED carry one)
    const order = await finalOrder(orderId);
    expect(order.status).toBe('CANCELLED');
    expect(order.reason).toBe(`out of stock: ${product} (requested 2, available 1)`);
    expect(order.services.payment).toBe('VOIDED');
    expect(order.history.map((h) => h.type)).not.toEqual(expect.arrayContaining(['PaymentCaptured']));
    expect(order.history.map((h) => h.type)).not.toEqual(expect.arrayContaining(['PaymentRefunded']));
    expect(await stockOf(product)).toBe(1);
    expect(await reservationOf(orderId)).toMatchObject({ status: 'REJECTED' });
    expect(await emailsSentFor([orderId])).toBe(2);
  });

  it('a decline that arrives before its reservation leaves no reservation: stock is never taken', async () => {
    const product = await stockProduct(4, 500);
    // The stored order's own OrderPlaced is held back until inventory has recorded the release: without
    // it the outbox announces the order at once, inventory reserves, and the decline then releases a
    // real reservation (right, but not the order of events this test is about).
    await setFaults([{ action: 'SNS.Publish', function: named('order-publisher'), rate: 1, fault: '500' }]);
    const { orderId, placed } = await storeOrder(product, 3, 500, 'tok_chargeDeclined');
    const declined = createEvent('PaymentDeclined', {
      id: eventIdFor('PaymentDeclined', orderId),
      orderId,
      time: new Date().toISOString(),
      data: { billingId: orderId, reason: 'card_declined' },
    });

    await publishEvent(declined);
    await eventually(async () => ((await reservationOf(orderId))?.status === 'RELEASED' ? true : undefined), {
      what: 'the release tombstone',
    });
    await resetFaults(); // the stream's retry now announces the order: OrderPlaced arrives after the decline
    await publishEvent(placed); // and once more, as a duplicate delivery would
    await sentNotifications(orderId, ['ORDER_RECEIVED', 'ORDER_CANCELLED']);
    await quiet(); // inventory has processed the late OrderPlaced

    expect(await stockOf(product)).toBe(4);
    expect(await reservationOf(orderId)).toMatchObject({ status: 'RELEASED', items: [] });
    const order = await finalOrder(orderId);
    expect(order.status).toBe('CANCELLED');
    expect(order.reason).toBe('payment declined: card_declined');
    expect(order.services.inventory).toBe('RELEASED');
    expect(order.history.map((h) => h.type)).not.toEqual(expect.arrayContaining(['InventoryReserved']));
  });
});

describe('GET /orders/{orderId}', () => {
  it('shows the status, each service state and the history of events of a confirmed order', async () => {
    const product = await stockProduct(3, 1500);
    const placed = await placeOrder(orderRequest([{ productId: product, quantity: 2 }]));
    await sentNotifications(placed.orderId, ['ORDER_RECEIVED', 'ORDER_CONFIRMED']);

    const order = await eventually(
      async () => {
        const o = await getOrder(placed.orderId);
        return o?.services.notification === 'ORDER_CONFIRMED' && o.history.length >= 4 ? o : undefined;
      },
      { what: 'the order to show the confirmation notification' },
    );
    expect(order).toMatchObject({
      orderId: placed.orderId,
      status: 'CONFIRMED',
      customerId: placed.customerId,
      totalAmount: 3000,
      currency: 'JPY',
      items: [{ productId: product, quantity: 2, unitPrice: 1500, lineTotal: 3000 }],
      services: { inventory: 'RESERVED', payment: 'CAPTURED', notification: 'ORDER_CONFIRMED' },
    });
    expect(order).not.toHaveProperty('reason');
    expect(order).not.toHaveProperty('email');
    expect(order).not.toHaveProperty('paymentToken');
    const ids = order.history.map((h) => h.eventId);
    expect(new Set(ids).size).toBe(ids.length); // each event once
    expect(ids).toEqual(
      expect.arrayContaining([
        `${placed.orderId}:InventoryReserved`,
        `${placed.orderId}:PaymentCaptured`,
        `${placed.orderId}:ORDER_RECEIVED:NotificationSent`,
        `${placed.orderId}:ORDER_CONFIRMED:NotificationSent`,
      ]),
    );
    for (const entry of order.history) expect(Number.isNaN(Date.parse(entry.time))).toBe(false);
  });

  it('shows the reason of a cancelled order, and 404 problem+json for an unknown one', async () => {
    const product = await stockProduct(1);
    const placed = await placeOrder(orderRequest([{ productId: product, quantity: 2 }]));

    const order = await finalOrder(placed.orderId);
    expect(order.status).toBe('CANCELLED');
    expect(order.reason).toBe(`out of stock: ${product} (requested 2, available 1)`);
    expect(order.services.inventory).toBe('REJECTED');
    expect(order.history.map((h) => h.type)).toContain('InventoryRejected');

    const missing = await getOrderResponse<Record<string, unknown>>(randomUUID());
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body).toMatchObject({ status: 404, title: expect.any(String) });
  });
});
