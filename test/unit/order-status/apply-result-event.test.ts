import fc from 'fast-check';
import type { OrderEvent } from '../../../functions/shared/events.js';
import { dispatch } from '../../../functions/shared/sqs-consumer.js';
import {
  applyResultEvent,
  orderStatusHandlers,
  type ApplyDeps,
} from '../../../functions/order-status/apply-result-event.js';
import { OrderConflictError, OrderNotFoundError } from '../../../functions/order-status/errors.js';
import { orderPlaced, T0 } from '../../fixtures/events.js';
import { RecordingPublisher } from '../../fixtures/publisher.js';
import {
  inventoryRejectedWith,
  inventoryReleased,
  inventoryReserved,
  notificationFailed,
  notificationSent,
  paymentCaptured,
  paymentDeclinedWith,
  paymentRefunded,
  paymentVoided,
} from '../../fixtures/result-events.js';
import { InMemoryOrderProjection, placedOrder } from './fakes.js';

const FINALIZED_AT = '2026-11-25T09:05:00.000Z';

function setup() {
  const store = new InMemoryOrderProjection();
  store.put(placedOrder());
  const publisher = new RecordingPublisher();
  const errors: [string, Record<string, unknown> | undefined][] = [];
  const log = {
    info: () => undefined,
    error: (message: string, attributes?: Record<string, unknown>) => void errors.push([message, attributes]),
  };
  const counted = { paymentMismatches: 0, placedSeconds: [] as [string, number][] };
  const metrics = {
    paymentMismatch: () => {
      counted.paymentMismatches += 1;
    },
    placedSeconds: (seconds: number, orderId: string) => {
      counted.placedSeconds.push([orderId, seconds]);
    },
  };
  const deps: ApplyDeps = { store, publisher, now: () => FINALIZED_AT, log, metrics };
  // As the handler wires it: every event through the queue's dispatch map.
  const handle = dispatch('order-status', orderStatusHandlers, deps);
  const apply = (...events: OrderEvent[]) =>
    events.reduce((done, event) => done.then(() => handle(event)), Promise.resolve());
  return { store, publisher, deps, handle, apply, errors, counted };
}

describe('applyResultEvent: what it logs (make up narrates these lines)', () => {
  it('one line per applied event, one when the order becomes final, nothing for a repeated event', async () => {
    const { deps, apply } = setup();
    const lines: [string, Record<string, unknown> | undefined][] = [];
    deps.log = {
      info: (message, attributes) => void lines.push([message, attributes]),
      error: () => undefined,
    };
    await apply(inventoryReserved(), inventoryReserved(), paymentDeclinedWith());
    expect(lines).toEqual([
      ['event applied', { orderId: 'o-1', inventory: 'RESERVED' }],
      ['event applied', { orderId: 'o-1', payment: 'DECLINED' }],
      ['order CANCELLED', { orderId: 'o-1', reason: expect.stringContaining('payment declined') }],
    ]);
  });
});

describe('applyResultEvent: how long the order stayed PLACED (alarm orders-stuck-placed)', () => {
  it('is counted once, by the event that makes the order final: createdAt to finalizedAt', async () => {
    const { apply, counted } = setup();

    // placed at T0 (09:00:00), finalized at 09:05:00; the repeated and the late events count nothing
    await apply(inventoryReserved(), paymentCaptured(), paymentCaptured(), notificationSent('ORDER_CONFIRMED'));

    expect(counted.placedSeconds).toEqual([['o-1', 300]]);
  });
});

describe('applyResultEvent: a capture must match the order (issue 12, item 6)', () => {
  it.each<[string, OrderEvent, string]>([
    [
      'another amount',
      paymentCaptured({ amount: 2399 }),
      "payment mismatch: captured 2399 JPY, the order's total is 2400 JPY",
    ],
    [
      'another currency',
      paymentCaptured({ currency: 'USD' }),
      "payment mismatch: captured 2400 USD, the order's total is 2400 JPY",
    ],
  ])(
    'a capture of %s never confirms: the order is cancelled with the reason, an error logged and counted once',
    async (_case, capture, reason) => {
      const { store, publisher, apply, errors, counted } = setup();

      await apply(inventoryReserved(), capture, capture); // the second delivery is a duplicate

      const order = store.get('o-1');
      expect(order).toMatchObject({
        status: 'CANCELLED',
        reason,
        services: { inventory: 'RESERVED', payment: 'CAPTURED' },
      });
      expect(publisher.types()).toEqual(['OrderCancelled', 'OrderCancelled']); // the duplicate republishes the same final event
      expect(publisher.events[0]).toMatchObject({ data: { reason } });
      expect(errors).toEqual([
        [expect.stringContaining('does not match its order'), { orderId: 'o-1', eventId: capture.id, reason }],
      ]);
      expect(counted.paymentMismatches).toBe(1);
    },
  );

  it('a capture of exactly the total and currency confirms, with nothing logged or counted', async () => {
    const { store, apply, errors, counted } = setup();

    await apply(paymentCaptured({ amount: 2400, currency: 'JPY' }), inventoryReserved());

    expect(store.get('o-1').status).toBe('CONFIRMED');
    expect(errors).toEqual([]);
    expect(counted.paymentMismatches).toBe(0);
  });
});

describe('applyResultEvent: service states', () => {
  it.each<[string, string, string, OrderEvent]>([
    ['InventoryReserved', 'inventory', 'RESERVED', inventoryReserved()],
    ['InventoryRejected', 'inventory', 'REJECTED', inventoryRejectedWith()],
    ['InventoryReleased', 'inventory', 'RELEASED', inventoryReleased()],
    ['PaymentCaptured', 'payment', 'CAPTURED', paymentCaptured()],
    ['PaymentDeclined', 'payment', 'DECLINED', paymentDeclinedWith()],
    ['PaymentVoided', 'payment', 'VOIDED', paymentVoided()],
    ['PaymentRefunded', 'payment', 'REFUNDED', paymentRefunded()],
    ['NotificationSent', 'notification', 'ORDER_RECEIVED', notificationSent('ORDER_RECEIVED')],
    ['NotificationFailed', 'notification', 'FAILED', notificationFailed('ORDER_RECEIVED')],
  ])('%s sets services.%s = %s and appends to the history', async (_name, service, state, event) => {
    const { store, apply } = setup();
    await apply(event);
    const order = store.get('o-1');
    expect(order.services).toMatchObject({ [service]: state });
    expect(order.history).toEqual([expect.objectContaining({ eventId: event.id, type: event.type, time: event.time })]);
    expect(order.appliedEventIds).toEqual(new Set([event.id]));
  });

  it.each<[string, OrderEvent[], Partial<Record<string, string>>]>([
    ['RELEASED beats a late RESERVED', [inventoryReleased(), inventoryReserved()], { inventory: 'RELEASED' }],
    ['REFUNDED beats a late CAPTURED', [paymentRefunded(), paymentCaptured()], { payment: 'REFUNDED' }],
    ['VOIDED beats a late DECLINED', [paymentVoided(), paymentDeclinedWith()], { payment: 'VOIDED' }],
    [
      'ORDER_CONFIRMED beats a late ORDER_RECEIVED',
      [notificationSent('ORDER_CONFIRMED'), notificationSent('ORDER_RECEIVED')],
      { notification: 'ORDER_CONFIRMED' },
    ],
    [
      'FAILED beats a later ORDER_CONFIRMED',
      [notificationFailed('ORDER_RECEIVED'), notificationSent('ORDER_CONFIRMED')],
      { notification: 'FAILED' },
    ],
    [
      'the first of two alternative outcomes stays',
      [inventoryRejectedWith(), inventoryReserved()],
      { inventory: 'REJECTED' },
    ],
  ])('a service only moves forward: %s', async (_name, events, services) => {
    const { store, apply } = setup();
    await apply(...events);
    const order = store.get('o-1');
    expect(order.services).toMatchObject(services);
    expect(order.history.map((h) => h.eventId)).toEqual(events.map((e) => e.id)); // the late event is still recorded
  });
});

it('records which email SES refused for good, and why, with the FAILED state; a second refusal keeps the first', async () => {
  const { store, publisher, apply } = setup();
  await apply(
    notificationFailed('ORDER_RECEIVED', { reason: 'MessageRejected: not verified' }),
    notificationFailed('ORDER_CONFIRMED', { reason: 'SendingPausedException: paused' }),
  );
  const order = store.get('o-1');
  expect(order.services.notification).toBe('FAILED');
  expect(order.notificationFailure).toEqual({ kind: 'ORDER_RECEIVED', reason: 'MessageRejected: not verified' });
  expect(order.status).toBe('PLACED'); // an email refused changes nothing about the order itself
  expect(publisher.events).toEqual([]);
});

describe('applyResultEvent: the order status', () => {
  it.each([
    ['reserved then captured', [inventoryReserved(), paymentCaptured()]],
    ['captured then reserved', [paymentCaptured(), inventoryReserved()]],
  ])(
    'confirms once stock is reserved and payment captured (%s), and publishes OrderConfirmed',
    async (_name, events) => {
      const { store, publisher, apply } = setup();
      await apply(events[0] as OrderEvent);
      expect(store.get('o-1').status).toBe('PLACED');
      expect(publisher.events).toHaveLength(0);

      await apply(events[1] as OrderEvent);

      expect(store.get('o-1')).toMatchObject({ status: 'CONFIRMED', finalizedAt: FINALIZED_AT });
      expect(publisher.events).toEqual([
        {
          version: 1,
          id: 'o-1:OrderConfirmed',
          type: 'OrderConfirmed',
          orderId: 'o-1',
          time: FINALIZED_AT,
          // placedAt: the order's createdAt, what notification keys its email on.
          data: { customerId: 'c-1', email: 'jane@example.com', totalAmount: 2400, currency: 'JPY', placedAt: T0 },
        },
      ]);
    },
  );

  it.each<[string, OrderEvent, string]>([
    [
      'InventoryRejected',
      inventoryRejectedWith({
        shortages: [
          { productId: 'p-001', requested: 3, available: 1 },
          { productId: 'p-002', requested: 1, available: 0 },
        ],
      }),
      'out of stock: p-001 (requested 3, available 1), p-002 (requested 1, available 0)',
    ],
    ['PaymentDeclined', paymentDeclinedWith({ reason: 'insufficient_funds' }), 'payment declined: insufficient_funds'],
  ])('cancels on %s with its reason, and publishes OrderCancelled', async (_name, event, reason) => {
    const { store, publisher, apply } = setup();
    await apply(event);
    expect(store.get('o-1')).toMatchObject({ status: 'CANCELLED', reason, finalizedAt: FINALIZED_AT });
    expect(publisher.events).toEqual([
      {
        version: 1,
        id: 'o-1:OrderCancelled',
        type: 'OrderCancelled',
        orderId: 'o-1',
        time: FINALIZED_AT,
        data: { customerId: 'c-1', email: 'jane@example.com', reason, placedAt: T0 },
      },
    ]);
  });

  it('a late event after the final status never moves it back, nor announces again', async () => {
    const { store, publisher, apply } = setup();
    await apply(paymentDeclinedWith(), inventoryReserved(), inventoryReleased(), paymentCaptured());
    expect(store.get('o-1')).toMatchObject({ status: 'CANCELLED', reason: 'payment declined: card_declined' });
    expect(store.transitions).toEqual([{ orderId: 'o-1', status: 'CANCELLED' }]);
    expect(publisher.types()).toEqual(['OrderCancelled']);
  });

  it('applies a duplicate event once, and republishes the identical final event (a failed publish is retried)', async () => {
    const { store, publisher, apply } = setup();
    await apply(inventoryReserved());
    publisher.failNext();
    await expect(apply(paymentCaptured())).rejects.toThrow('publish failed');
    expect(store.get('o-1').status).toBe('CONFIRMED'); // effect first …

    await apply(paymentCaptured()); // … SQS redelivers: the retry publishes, and applies nothing again

    expect(store.get('o-1').history).toHaveLength(2);
    expect(store.transitions).toHaveLength(1);
    expect(publisher.events.map((e) => [e.id, e.time])).toEqual([['o-1:OrderConfirmed', FINALIZED_AT]]);
  });

  it.each<[string, OrderEvent]>([
    ['NotificationSent', notificationSent('ORDER_CONFIRMED')],
    ['InventoryReleased', inventoryReleased()],
    ['PaymentRefunded', paymentRefunded()],
  ])(
    'a duplicate %s of a final order announces nothing (else it and notification echo each other for ever)',
    async (_name, event) => {
      const { publisher, apply } = setup();
      await apply(inventoryReserved(), paymentCaptured(), event);
      expect(publisher.types()).toEqual(['OrderConfirmed']);
      await apply(event, event);
      expect(publisher.types()).toEqual(['OrderConfirmed']);
    },
  );

  it.each<[string, OrderEvent[], OrderEvent]>([
    ['InventoryRejected', [inventoryRejectedWith()], inventoryRejectedWith()],
    ['PaymentDeclined', [paymentDeclinedWith()], paymentDeclinedWith()],
    ['InventoryReserved', [inventoryReserved(), paymentCaptured()], inventoryReserved()],
  ])(
    'a duplicate %s of a final order re-announces it: it may be the event whose publish failed',
    async (_name, events, duplicate) => {
      const { publisher, apply } = setup();
      await apply(...events);
      await apply(duplicate);
      expect(publisher.types()).toHaveLength(2);
      expect(new Set(publisher.events.map((e) => e.id)).size).toBe(1);
    },
  );

  it('a duplicate of a non-final order changes nothing and publishes nothing', async () => {
    const { store, publisher, apply } = setup();
    await apply(inventoryReserved(), inventoryReserved());
    expect(store.get('o-1').history).toHaveLength(1);
    expect(publisher.events).toHaveLength(0);
  });

  it('announces the order it made final even when the write answered "condition failed" (its response was lost, the retry met the condition)', async () => {
    const { store, publisher, apply } = setup();
    await apply(inventoryReserved());
    const finalize = store.finalize.bind(store);
    store.finalize = async (...args) => {
      await finalize(...args); // the write happened …
      return finalize(...args); // … and the SDK's retry of the lost response is refused
    };

    await apply(paymentCaptured());

    expect(store.get('o-1')).toMatchObject({ status: 'CONFIRMED', finalizedBy: 'o-1:PaymentCaptured' });
    expect(publisher.types()).toEqual(['OrderConfirmed']);
  });

  it('leaves the announcement to the event that made the order final when that was another one', async () => {
    const { store, publisher, deps } = setup();
    await applyResultEvent(inventoryReserved(), deps);
    // PaymentCaptured is applied, then loses the race to finalize to a (hypothetical) other event.
    const finalize = store.finalize.bind(store);
    store.finalize = async (key, decision, at) => {
      await finalize(key, decision, at, 'o-1:SomeOtherEvent');
      return undefined;
    };

    await applyResultEvent(paymentCaptured(), deps);

    expect(publisher.events).toHaveLength(0);
  });

  it('finishes a transition that a crash interrupted, on the redelivery of the event', async () => {
    const { store, publisher, apply } = setup();
    await apply(inventoryReserved());
    store.beforeOperation = (name) => {
      if (name === 'finalize') throw new Error('the process died');
    };
    await expect(apply(paymentCaptured())).rejects.toThrow('died');
    store.beforeOperation = () => undefined;

    await apply(paymentCaptured());

    expect(store.get('o-1').status).toBe('CONFIRMED');
    expect(publisher.types()).toEqual(['OrderConfirmed']);
  });

  it('the cancel reason is the first cancelling event applied, whichever event triggers the transition', async () => {
    const { store, apply } = setup();
    store.beforeOperation = (name) => {
      if (name === 'finalize') throw new Error('the process died');
    };
    await expect(apply(inventoryRejectedWith())).rejects.toThrow('died');
    await expect(apply(paymentDeclinedWith())).rejects.toThrow('died');
    store.beforeOperation = () => undefined;

    await apply(paymentVoided());

    expect(store.get('o-1')).toMatchObject({
      status: 'CANCELLED',
      reason: 'out of stock: p-001 (requested 3, available 1)',
    });
  });

  it('throws for an unknown order (SQS retries, then the DLQ)', async () => {
    expect.assertions(1);
    const { apply } = setup();
    await expect(apply(paymentCaptured({ orderId: 'o-404' }))).rejects.toThrow(OrderNotFoundError);
  });

  it('ignores an event type it does not project', async () => {
    const { store, apply } = setup();
    await apply(orderPlaced());
    expect(store.get('o-1').history).toHaveLength(0);
  });

  it('gives up (so SQS retries) when it keeps losing the race', async () => {
    expect.assertions(1);
    const { store, apply } = setup();
    store.beforeOperation = (name) => {
      // Someone else moves the payment on between every read and write.
      if (name === 'applyEvent') Object.assign(store.orders.get('o-1')?.services ?? {}, { payment: 'REFUNDED' });
      if (name === 'find') Object.assign(store.orders.get('o-1')?.services ?? {}, { payment: 'PENDING' });
    };
    await expect(apply(paymentCaptured())).rejects.toThrow(OrderConflictError);
  });
});

describe('applyResultEvent under concurrency (every interleaving fast-check finds)', () => {
  // The store's operations are scheduled by fast-check: each await inside it is a point where
  // another event's processing may run. The guards must hold whatever the order.
  async function runConcurrently(events: OrderEvent[], scheduler: fc.Scheduler, before: OrderEvent[] = []) {
    const { store, publisher, handle, apply } = setup();
    await apply(...before);
    store.beforeOperation = () => scheduler.schedule(Promise.resolve());
    const results = await scheduler.waitFor(Promise.allSettled(events.map((event) => handle(event))));
    return { store, publisher, results };
  }

  it('two events for one order confirm it exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        const { store, publisher, results } = await runConcurrently([inventoryReserved(), paymentCaptured()], s);
        expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
        expect(store.get('o-1').status).toBe('CONFIRMED');
        expect(store.transitions).toHaveLength(1);
        expect(publisher.types()).toEqual(['OrderConfirmed']);
      }),
      { numRuns: 200 },
    );
  });

  it('the same event delivered twice at once is applied once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        const { store, results } = await runConcurrently([inventoryReserved(), inventoryReserved()], s);
        expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
        expect(store.get('o-1').history).toHaveLength(1);
      }),
      { numRuns: 200 },
    );
  });

  it('the same late event (one that changes no state) delivered twice at once is recorded once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        const { store, results } = await runConcurrently([paymentCaptured(), paymentCaptured()], s, [
          paymentRefunded(),
        ]);
        expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
        expect(store.get('o-1').history.map((h) => h.type)).toEqual(['PaymentRefunded', 'PaymentCaptured']);
      }),
      { numRuns: 200 },
    );
  });

  it('a service never moves back, whatever the interleaving (REFUNDED vs CAPTURED, RELEASED vs RESERVED)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        const { store, results } = await runConcurrently(
          [paymentCaptured(), paymentRefunded(), inventoryReserved(), inventoryReleased()],
          s,
        );
        expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
        expect(store.get('o-1').services).toMatchObject({ payment: 'REFUNDED', inventory: 'RELEASED' });
        expect(store.get('o-1').history).toHaveLength(4);
      }),
      { numRuns: 200 },
    );
  });

  it('a cancelling and a confirming fact race: exactly one final status, announced once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        const { store, publisher } = await runConcurrently(
          [inventoryReserved(), paymentCaptured(), inventoryRejectedWith()],
          s,
        );
        expect(store.transitions).toHaveLength(1);
        // Either the rejection came first (cancel), or both good facts were in first (confirm): never both.
        expect(publisher.events).toHaveLength(1);
        expect(publisher.types()[0]).toBe(
          store.get('o-1').status === 'CONFIRMED' ? 'OrderConfirmed' : 'OrderCancelled',
        );
      }),
      { numRuns: 200 },
    );
  });
});
