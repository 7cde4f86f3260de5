// Exactly-once effects end to end: the last units of a product under 60 concurrent orders, every
// event delivered twice, the Idempotency-Key's three cases, and the outbox (OrderPlaced published
// from the orders table's stream) under failing publishes. Each test names, in a comment, the guard it would catch if it were removed.
import { randomUUID } from 'node:crypto';
import { faultStats, resetFaults, setFaults } from './support/faults.js';
import { eventually, named } from './support/stack.js';
import {
  expectCapturedOrDeclined,
  deservedStates,
  effectsOf,
  emailsSentFor,
  finalOrder,
  finalOrders,
  mapLimit,
  notificationStates,
  orderRequest,
  ordersIfFinal,
  ordersOfCustomer,
  pipelineIsQuiet,
  placeOrder,
  postOrder,
  publishEvent,
  quiet,
  sentNotifications,
  stockOf,
  stockProduct,
  TopicTap,
} from './support/orders.js';

describe('no oversell', () => {
  // Four orders for every unit, all at once: every reservation after the last unit races the ones
  // before it (the inventory consumer runs batches side by side).
  const ORDERS = 60;
  const UNITS = 15;
  // Guards caught: the inventory transaction's `stock >= :qty` condition (without it stock goes
  // negative and more than 15 orders confirm); the reservation record written in the same
  // transaction (without it a redelivered OrderPlaced reserves twice); billing's void/refund on
  // InventoryRejected (without it cancelled orders keep a CAPTURED charge); the notification claim
  // (without it a customer can get a message twice).
  it('60 concurrent orders for 15 units: exactly 15 confirmed, 45 cancelled, stock exactly 0 and never below', async () => {
    const product = await stockProduct(UNITS, 1000);
    let lowest = UNITS;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        lowest = Math.min(lowest, await stockOf(product));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    // One customer for the crowd: a sign-in per order would load the emulator, and is not what this test is about.
    const placed = await Promise.all(
      Array.from({ length: ORDERS }, () =>
        placeOrder(orderRequest([{ productId: product, quantity: 1 }], 'tok_visa', 'e2e-crowd')),
      ),
    );
    const orders = await finalOrders(
      placed.map((o) => o.orderId),
      240_000,
    );
    watching = false;
    await watcher;

    const confirmed = orders.filter((o) => o.status === 'CONFIRMED');
    const cancelled = orders.filter((o) => o.status === 'CANCELLED');
    expect(confirmed).toHaveLength(UNITS);
    expect(cancelled).toHaveLength(ORDERS - UNITS);
    for (const order of cancelled) expect(order.reason).toBe(`out of stock: ${product} (requested 1, available 0)`);
    expect(await stockOf(product)).toBe(0);
    expect(lowest).toBeGreaterThanOrEqual(0);

    await quiet(240_000);
    const checked = await mapLimit(orders, 8, async (order) => ({ order, ...(await effectsOf(order)) }));
    for (const { order, notifications, billing, reservation } of checked) {
      expect(notificationStates(notifications)).toEqual(deservedStates(order));
      if (order.status === 'CONFIRMED') {
        expect(billing).toEqual([expect.objectContaining({ status: 'CAPTURED', amount: 1000 })]);
        expect(reservation).toMatchObject({ status: 'RESERVED' });
      } else {
        // No money kept: never charged (VOIDED, or no record yet-to-be-seen), or charged and refunded.
        expect(billing.length).toBeLessThanOrEqual(1);
        if (billing.length === 1) expect(billing[0]?.status).toMatch(/^(VOIDED|REFUNDED)$/);
        expect(reservation).toMatchObject({ status: 'REJECTED' });
      }
    }
    expect(checked.flatMap((e) => e.billing).filter((b) => b.status === 'CAPTURED')).toHaveLength(UNITS);
    expect(await emailsSentFor(orders.map((o) => o.orderId))).toBe(2 * ORDERS);
  }, 600_000);
});

describe('every event delivered twice', () => {
  // Guards caught: each service's de-duplication marker written with its effect — the reservation
  // record (a second OrderPlaced would reserve again: stock off by the quantity), billingId = orderId
  // with attribute_not_exists (a second charge record), the notification claim and SENT state (a
  // second email: the SES counter moves), order-status's applied-event-id set (history twice).
  it('duplicates of the real events change nothing: same end state, no second reservation, charge or email', async () => {
    const plenty = await stockProduct(10, 800);
    const scarce = await stockProduct(1, 800);
    const tap = await TopicTap.open();
    try {
      const plan = [
        { request: orderRequest([{ productId: plenty, quantity: 2 }]), status: 'CONFIRMED' },
        { request: orderRequest([{ productId: plenty, quantity: 3 }], 'tok_chargeDeclined'), status: 'CANCELLED' },
        { request: orderRequest([{ productId: scarce, quantity: 2 }]), status: 'CANCELLED' },
      ];
      const placed = await Promise.all(plan.map((p) => placeOrder(p.request)));
      const mine = new Set(placed.map((o) => o.orderId));

      // Every event of these orders, republished as soon as the tap sees it (while the original is
      // still being processed), once: the copies come back through the tap too and are not re-sent.
      const duplicated = new Map<string, string>();
      const duplicate = async () => {
        for (const event of await tap.drain()) {
          if (!mine.has(event.orderId) || duplicated.has(event.id)) continue;
          duplicated.set(event.id, event.type);
          await publishEvent(event);
        }
      };
      const ids = placed.map((o) => o.orderId);
      const orders = await eventually(
        async () => {
          await duplicate();
          return ordersIfFinal(ids);
        },
        { timeoutMs: 120_000, intervalMs: 250, what: 'the three orders to be final' },
      );
      // Until nothing new is published: the last results (notifications, their projections) are duplicated too.
      await eventually(
        async () => {
          const before = duplicated.size;
          await duplicate();
          return duplicated.size === before && (await pipelineIsQuiet()) ? true : undefined;
        },
        { timeoutMs: 150_000, intervalMs: 1_000, what: 'every event to be duplicated and the pipeline quiet' },
      );

      expect(orders.map((o) => o.status)).toEqual(plan.map((p) => p.status));
      const types = new Set(duplicated.values());
      for (const type of [
        'OrderPlaced',
        'InventoryReserved',
        'InventoryRejected',
        'InventoryReleased',
        'PaymentCaptured',
        'PaymentDeclined',
        'OrderConfirmed',
        'OrderCancelled',
        'NotificationSent',
      ]) {
        expect(types).toContain(type);
      }

      const [ok, declined, short] = await Promise.all(orders.map((order) => effectsOf(order)));
      expect(await stockOf(plenty)).toBe(8); // 10 - 2; the declined order's 3 released once
      expect(await stockOf(scarce)).toBe(1);
      expect(ok?.billing).toEqual([expect.objectContaining({ status: 'CAPTURED', amount: 1600 })]);
      expect(ok?.reservation).toMatchObject({ status: 'RESERVED' });
      expect(declined?.billing).toEqual([expect.objectContaining({ status: 'DECLINED' })]);
      expect(declined?.reservation).toMatchObject({ status: 'RELEASED' });
      expect(short?.reservation).toMatchObject({ status: 'REJECTED' });
      expect((short?.billing ?? []).map((b) => b.status)).toEqual([expect.stringMatching(/^(VOIDED|REFUNDED)$/)]);
      for (const [i, order] of orders.entries()) {
        const { notifications } = [ok, declined, short][i] ?? { notifications: [] };
        expect(notificationStates(notifications)).toEqual(deservedStates(order));
      }
      expect(await emailsSentFor(ids)).toBe(6);
      for (const order of await finalOrders(ids)) {
        const eventIds = order.history.map((h) => h.eventId);
        expect(new Set(eventIds).size).toBe(eventIds.length);
      }
    } finally {
      await tap.close();
    }
  }, 360_000);
});

describe('Idempotency-Key', () => {
  // Guard caught: the key claimed in the same transaction as the order write, and the stored
  // response (without them a retry creates a second order).
  it('a retry with the same key and body answers the same status and body and creates nothing', async () => {
    const product = await stockProduct(5);
    const request = orderRequest([{ productId: product, quantity: 1 }]);
    const key = randomUUID();

    const first = await postOrder(request, key);
    const again = await postOrder(request, key);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));

    await sentNotifications(first.body.orderId, ['ORDER_RECEIVED', 'ORDER_CONFIRMED']);
    expect(await ordersOfCustomer(request.customer)).toHaveLength(1);
    expect(await stockOf(product)).toBe(4);
  });

  // Guard caught: the request hash stored with the key and compared on every reuse.
  it('the same key with a different body is refused with 422 and writes nothing', async () => {
    const product = await stockProduct(5);
    const request = orderRequest([{ productId: product, quantity: 1 }]);
    const key = randomUUID();
    expect((await postOrder(request, key)).status).toBe(202);

    const changed = await postOrder({ ...request, items: [{ productId: product, quantity: 2 }] }, key);
    expect(changed.status).toBe(422);
    expect(changed.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(changed.body)).toContain('Idempotency-Key');
    expect(await ordersOfCustomer(request.customer)).toHaveLength(1);
  });

  // Guard caught: the claim is a conditional write (attribute_not_exists on the key) in one
  // transaction with the order; with a get-then-put check, concurrent requests each create one.
  it('ten concurrent requests with one key create one order: the others get the same answer or 409', async () => {
    const product = await stockProduct(20);
    const request = orderRequest([{ productId: product, quantity: 1 }]);
    const key = randomUUID();

    const answers = await Promise.all(Array.from({ length: 10 }, () => postOrder(request, key)));
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(answers.every((a) => a.status === 202 || a.status === 409)).toBe(true);
    expect(new Set(accepted.map((a) => a.body.orderId)).size).toBe(1);

    const orderId = accepted[0]?.body.orderId ?? '';
    await finalOrder(orderId);
    await sentNotifications(orderId, ['ORDER_RECEIVED', 'ORDER_CONFIRMED']);
    expect(await ordersOfCustomer(request.customer)).toHaveLength(1);
    expect(await stockOf(product)).toBe(19);
  });
});

describe("the outbox: OrderPlaced comes from the orders table's stream", () => {
  afterEach(async () => {
    await resetFaults();
  });

  // Guards caught: order-publisher's batch answer naming the first failed record (Lambda resumes
  // from it; without it the failed publishes are never retried and the orders stay PLACED), the
  // mapping's bounded retries (the run needs two failed invocations per record), and order-api no
  // longer publishing (before, the first failed publish answered 503 and an order without a key
  // stayed PLACED for ever: a dual write).
  it('with every publish of each OrderPlaced failing 6 times, every order is answered 202 at once and still becomes final, each effect once', async () => {
    const product = await stockProduct(20, 500);
    const tap = await TopicTap.open();
    try {
      // Each distinct OrderPlaced fails its first 6 publishes: the SDK's 3 attempts in two invocations.
      await setFaults([
        { action: 'SNS.Publish', function: named('order-publisher'), rate: 1, fault: '500', timesEach: 6 },
      ]);
      const plan = Array.from({ length: 4 }, (_, i) => ({
        request: orderRequest([{ productId: product, quantity: 1 }], i % 4 === 3 ? 'tok_chargeDeclined' : 'tok_visa'),
        key: i % 2 === 0 ? randomUUID() : undefined, // with and without an Idempotency-Key
        status: i % 4 === 3 ? 'CANCELLED' : 'CONFIRMED',
      }));

      const answers = await Promise.all(plan.map((p) => postOrder(p.request, p.key)));
      expect(answers.map((a) => a.status)).toEqual(plan.map(() => 202));
      const ids = answers.map((a) => a.body.orderId);
      const orders = await finalOrders(ids, 180_000);

      expect(orders.map((o) => o.status)).toEqual(plan.map((p) => p.status));
      expect((await faultStats()).injected['SNS.Publish']).toBe(6 * plan.length);
      await quiet();
      await expectCapturedOrDeclined(orders, 4);
      expect(await stockOf(product)).toBe(20 - orders.filter((o) => o.status === 'CONFIRMED').length);
      expect(await ordersOfCustomer(plan[0]?.request.customer ?? '')).toHaveLength(1);

      // Every copy of an order's OrderPlaced (a retried batch republishes) is the same event.
      const placed = (await tap.drain()).filter((e) => e.type === 'OrderPlaced' && ids.includes(e.orderId));
      expect(new Set(placed.map((e) => e.orderId))).toEqual(new Set(ids));
      for (const id of ids)
        expect(new Set(placed.filter((e) => e.orderId === id).map((e) => JSON.stringify(e))).size).toBe(1);
    } finally {
      await tap.close();
    }
  }, 420_000);

  // Guards caught: a keyed retry answered from its stored result writes nothing (the stream has
  // nothing new to announce), and the mapping passes only inserts (the order's later updates by
  // order-status announce nothing): one OrderPlaced for the order.
  it("announces a keyed retry's order once: the retry writes nothing, so the stream has nothing new", async () => {
    const product = await stockProduct(5);
    const request = orderRequest([{ productId: product, quantity: 2 }]);
    const key = randomUUID();
    const tap = await TopicTap.open();
    try {
      const first = await postOrder(request, key);
      const retried = await postOrder(request, key);
      expect([first.status, retried.status]).toEqual([202, 202]);
      expect(retried.body).toEqual(first.body);
      const order = await finalOrder(first.body.orderId);
      expect(order.status).toBe('CONFIRMED');
      await sentNotifications(order.orderId, ['ORDER_RECEIVED', 'ORDER_CONFIRMED']);
      await quiet();

      const placedEvents = (await tap.drain()).filter((e) => e.orderId === order.orderId && e.type === 'OrderPlaced');
      expect(placedEvents).toHaveLength(1);
      expect(await ordersOfCustomer(request.customer)).toHaveLength(1);
      expect(await stockOf(product)).toBe(3);
    } finally {
      await tap.close();
    }
  });
});
