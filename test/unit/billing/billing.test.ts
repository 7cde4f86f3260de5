import { billingHandlers } from '../../../functions/billing/billing.js';
import { dispatch } from '../../../functions/shared/sqs-consumer.js';
import type { BillingRecord } from '../../../functions/billing/ports.js';
import { SimulatedPaymentProvider } from '../../../functions/billing/simulated-payment-provider.js';
import { eventIdFor, type OrderEvent } from '../../../functions/shared/events.js';
import { logger, setLogLevel } from '../../../functions/shared/logger.js';
import { inventoryRejected, orderConfirmed, orderPlaced } from '../../fixtures/events.js';
import { crashOnce } from '../../fixtures/crash.js';
import { recordingLog } from '../../fixtures/log.js';
import { RecordingPublisher } from '../../fixtures/publisher.js';
import { InMemoryBillingStore, pendingCharge } from './fakes.js';

setLogLevel('SILENT');

const clock = () => {
  let seconds = 0;
  return () => new Date(Date.UTC(2026, 10, 25, 10, 0, seconds++)).toISOString();
};

function setup() {
  const store = new InMemoryBillingStore();
  const provider = new SimulatedPaymentProvider();
  const publisher = new RecordingPublisher();
  const handle = dispatch('billing', billingHandlers, { store, provider, publisher, now: clock(), log: logger });
  /** Money the provider holds for the order: captured minus refunded. */
  const kept = () =>
    provider.captures.reduce((sum, c) => sum + c.amount, 0) - provider.refunds.reduce((sum, r) => sum + r.amount, 0);
  return { store, provider, publisher, handle, kept };
}

describe('billing: OrderPlaced', () => {
  it.each([
    ['tok_visa', 'CAPTURED', 'PaymentCaptured', { billingId: 'o-1', amount: 2400, currency: 'JPY' }],
    ['tok_mastercard', 'CAPTURED', 'PaymentCaptured', { billingId: 'o-1', amount: 2400, currency: 'JPY' }],
    ['tok_chargeDeclined', 'DECLINED', 'PaymentDeclined', { billingId: 'o-1', reason: 'card_declined' }],
    [
      'tok_chargeDeclinedInsufficientFunds',
      'DECLINED',
      'PaymentDeclined',
      { billingId: 'o-1', reason: 'insufficient_funds' },
    ],
    ['tok_chargeDeclinedExpiredCard', 'DECLINED', 'PaymentDeclined', { billingId: 'o-1', reason: 'expired_card' }],
    ['tok_nonsense', 'DECLINED', 'PaymentDeclined', { billingId: 'o-1', reason: 'invalid_token' }],
  ])('%s → records %s and announces %s', async (paymentToken, status, type, data) => {
    const { store, publisher, handle } = setup();

    await handle(orderPlaced({ paymentToken }));

    expect(store.records.get('o-1')).toMatchObject({
      billingId: 'o-1',
      orderId: 'o-1',
      status,
      decidedAt: '2026-11-25T10:00:01.000Z',
    });
    expect(publisher.events).toEqual([
      expect.objectContaining({
        type,
        id: eventIdFor(type as OrderEvent['type'], 'o-1'),
        time: '2026-11-25T10:00:01.000Z',
        data,
      }),
    ]);
  });

  it('charges once for a duplicate delivery and republishes the identical event', async () => {
    const { provider, publisher, handle } = setup();

    await handle(orderPlaced());
    await handle(orderPlaced());

    expect(provider.captures).toHaveLength(1);
    expect(publisher.events).toHaveLength(2);
    expect(publisher.events[1]).toEqual(publisher.events[0]);
  });

  it('charges once when two deliveries race (the idempotency key covers the PENDING window)', async () => {
    const { store, provider, publisher, handle } = setup();

    await Promise.all([handle(orderPlaced()), handle(orderPlaced())]);

    expect(provider.captures).toHaveLength(1);
    expect(store.records.get('o-1')?.status).toBe('CAPTURED');
    expect(new Set(publisher.events.map((e) => JSON.stringify(e))).size).toBe(1);
  });

  it('a redelivery after a crash between charge and record charges under the same key: one capture', async () => {
    expect.assertions(3);
    const { store, provider, publisher, handle } = setup();
    crashOnce(store, 'decide');

    await expect(handle(orderPlaced())).rejects.toThrow('lambda timed out');
    await handle(orderPlaced());

    expect(provider.captures).toHaveLength(1);
    expect(publisher.types()).toEqual(['PaymentCaptured']);
  });

  it('after a failed publish, the retry republishes the recorded outcome and charges nothing', async () => {
    expect.assertions(3);
    const { provider, publisher, handle } = setup();
    publisher.failNext();

    await expect(handle(orderPlaced())).rejects.toThrow('publish failed');
    await handle(orderPlaced());

    expect(provider.captures).toHaveLength(1);
    expect(publisher.events).toEqual([
      expect.objectContaining({ type: 'PaymentCaptured', time: '2026-11-25T10:00:01.000Z' }),
    ]);
  });
});

describe('billing: InventoryRejected (compensation)', () => {
  it('voids before the charge: a tombstone, and the later order is never charged', async () => {
    const { store, provider, publisher, handle } = setup();

    await handle(inventoryRejected());
    await handle(orderPlaced());

    expect(provider.captures).toHaveLength(0);
    expect(store.records.get('o-1')).toMatchObject({ status: 'VOIDED', reason: 'inventory rejected: out of stock' });
    expect(publisher.types()).toEqual(['PaymentVoided', 'PaymentVoided']);
    expect(publisher.events[1]).toEqual(publisher.events[0]);
  });

  it('refunds a captured charge once, however often the rejection arrives', async () => {
    const { store, provider, publisher, handle, kept } = setup();
    await handle(orderPlaced());

    await handle(inventoryRejected());
    await handle(inventoryRejected());

    expect(provider.refunds).toEqual([
      { idempotencyKey: 'o-1:refund', providerRef: 'ch_sim_o-1', amount: 2400, currency: 'JPY' },
    ]);
    expect(kept()).toBe(0);
    expect(store.records.get('o-1')).toMatchObject({
      status: 'REFUNDED',
      refundRef: 're_sim_o-1:refund',
      providerRef: 'ch_sim_o-1',
    });
    expect(publisher.types()).toEqual(['PaymentCaptured', 'PaymentRefunded', 'PaymentRefunded']);
    expect(publisher.events[1]).toMatchObject({
      id: eventIdFor('PaymentRefunded', 'o-1'),
      data: { amount: 2400, currency: 'JPY', reason: 'inventory rejected: out of stock' },
    });
  });

  it('refunds once when two deliveries of the rejection race', async () => {
    const { provider, handle, kept } = setup();
    await handle(orderPlaced());

    await Promise.all([handle(inventoryRejected()), handle(inventoryRejected())]);

    expect(provider.refunds).toHaveLength(1);
    expect(kept()).toBe(0);
  });

  it('records a void that arrives while the charge is PENDING and acknowledges it; the charge path refunds right after the capture', async () => {
    const { store, publisher, handle, kept } = setup();
    store.records.set('o-1', pendingCharge());

    await handle(inventoryRejected()); // resolves: nothing to retry
    expect(store.records.get('o-1')).toMatchObject({
      status: 'PENDING',
      compensation: { reason: 'inventory rejected: out of stock' },
    });
    expect(publisher.events).toEqual([]);

    await handle(orderPlaced()); // the interrupted charge completes on its redelivery, and gives the money back

    expect(store.records.get('o-1')?.status).toBe('REFUNDED');
    expect(publisher.types()).toEqual(['PaymentCaptured', 'PaymentRefunded']);
    expect(kept()).toBe(0);
  });

  it('the provider down longer than the void’s retry budget: the void is never lost, and no money is kept once the provider is back', async () => {
    const { store, provider, publisher, handle, kept } = setup();
    const charge = provider.charge.bind(provider);
    let down = true;
    provider.charge = async (request) =>
      down
        ? Promise.reject(Object.assign(new Error('provider unavailable'), { name: 'ServiceUnavailable' }))
        : charge(request);

    await expect(handle(orderPlaced())).rejects.toThrow('provider unavailable');
    // Five deliveries of the rejection, more than maxReceiveCount (3): before, each one threw and the
    // third sent it to the DLQ, and the capture that came later was never refunded.
    for (let delivery = 0; delivery < 5; delivery += 1) await handle(inventoryRejected());
    await expect(handle(orderPlaced())).rejects.toThrow('provider unavailable');

    down = false;
    await handle(orderPlaced());

    expect(store.records.get('o-1')?.status).toBe('REFUNDED');
    expect(provider.captures).toHaveLength(1);
    expect(provider.refunds).toHaveLength(1);
    expect(kept()).toBe(0);
    expect(publisher.types()).toEqual(['PaymentCaptured', 'PaymentRefunded']);
  });

  it('a void recorded while the provider is answering the charge is applied by that same charge path', async () => {
    const { store, provider, publisher, handle, kept } = setup();
    const charge = provider.charge.bind(provider);
    let answer: () => void = () => undefined;
    provider.charge = (request) => new Promise((resolve) => (answer = () => resolve(charge(request))));

    const charging = handle(orderPlaced());
    while (store.records.get('o-1') === undefined) await new Promise((resolve) => setImmediate(resolve)); // PENDING written, charge in flight
    await handle(inventoryRejected());
    answer();
    await charging;

    expect(store.records.get('o-1')?.status).toBe('REFUNDED');
    expect(kept()).toBe(0);
    expect(publisher.types()).toEqual(['PaymentCaptured', 'PaymentRefunded']);
  });

  it('a crash between the capture and its pending refund: the redelivery refunds', async () => {
    const { store, provider, handle, kept } = setup();
    await handle(orderPlaced()); // captured
    const captured = store.records.get('o-1');
    if (captured?.status !== 'CAPTURED') throw new Error('expected a capture');
    store.records.set('o-1', {
      ...captured,
      compensation: { reason: 'inventory rejected: out of stock', requestedAt: '2026-11-25T10:00:00.500Z' },
    });

    await handle(orderPlaced()); // the redelivery finds the capture with its void still to apply

    expect(store.records.get('o-1')?.status).toBe('REFUNDED');
    expect(provider.refunds).toHaveLength(1);
    expect(kept()).toBe(0);
  });

  it('has nothing to give back for a declined payment', async () => {
    const { store, provider, publisher, handle } = setup();
    await handle(orderPlaced({ paymentToken: 'tok_chargeDeclined' }));

    await handle(inventoryRejected());

    expect(provider.refunds).toHaveLength(0);
    expect(store.records.get('o-1')?.status).toBe('DECLINED');
    expect(publisher.types()).toEqual(['PaymentDeclined', 'PaymentDeclined']); // the recorded outcome, republished
  });

  // Every order of arrival of two OrderPlaced and two InventoryRejected deliveries (a thrown
  // delivery is redelivered at the end, as SQS would): no money is ever kept for the order.
  const deliveries = ['placed', 'placed', 'rejected', 'rejected'] as const;
  const permutations = (items: readonly string[]): string[][] =>
    items.length <= 1
      ? [[...items]]
      : items.flatMap((item, i) =>
          permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
        );
  const orders = [...new Set(permutations(deliveries).map((p) => p.join(',')))];

  it.each(orders)('keeps no money whatever the order of arrival: %s', async (arrival) => {
    const { handle, kept, store } = setup();
    const queue = arrival.split(',').map((kind) => (kind === 'placed' ? orderPlaced() : inventoryRejected()));

    for (let event = queue.shift(); event; event = queue.shift()) {
      await handle(event).catch(() => queue.push(event)); // a failed delivery comes back later
    }

    expect(kept()).toBe(0);
    expect(['VOIDED', 'REFUNDED']).toContain(store.records.get('o-1')?.status);
  });

  it('keeps no money when the order and its rejection are processed concurrently', async () => {
    const { handle, kept } = setup();

    const results = await Promise.allSettled([handle(orderPlaced()), handle(inventoryRejected())]);
    for (const [i, result] of results.entries())
      if (result.status === 'rejected') await handle(i === 0 ? orderPlaced() : inventoryRejected());

    expect(kept()).toBe(0);
  });

  describe.each<[BillingRecord['status'], BillingRecord, OrderEvent['type']]>([
    [
      'VOIDED',
      {
        billingId: 'o-1',
        orderId: 'o-1',
        status: 'VOIDED',
        reason: 'inventory rejected: out of stock',
        decidedAt: '2026-11-25T08:00:00.000Z',
      },
      'PaymentVoided',
    ],
    [
      'REFUNDED',
      {
        billingId: 'o-1',
        orderId: 'o-1',
        status: 'REFUNDED',
        amount: 2400,
        currency: 'JPY',
        providerRef: 'ch_sim_o-1',
        decidedAt: '2026-11-25T07:00:00.000Z',
        refundRef: 're_sim_o-1:refund',
        reason: 'inventory rejected: out of stock',
        refundedAt: '2026-11-25T08:00:00.000Z',
      },
      'PaymentRefunded',
    ],
  ])('a redelivered rejection that finds %s', (_status, recorded, announced) => {
    it(`moves no money and republishes ${announced} with the recorded time`, async () => {
      const { store, provider, publisher, handle } = setup();
      store.records.set('o-1', recorded);

      await handle(inventoryRejected());

      expect(provider.refunds).toHaveLength(0);
      expect(publisher.events).toEqual([
        expect.objectContaining({ type: announced, time: '2026-11-25T08:00:00.000Z' }),
      ]);
    });
  });
});

it('acknowledges an event type it does not handle without touching anything', async () => {
  const { store, publisher, handle } = setup();

  await handle(orderConfirmed());

  expect(store.records.size).toBe(0);
  expect(publisher.events).toEqual([]);
});

describe('billing: its log', () => {
  it('writes through the log it is given', async () => {
    const { lines, write } = recordingLog();
    const handle = dispatch('billing', billingHandlers, {
      store: new InMemoryBillingStore(),
      provider: new SimulatedPaymentProvider(),
      publisher: new RecordingPublisher(),
      now: clock(),
      log: { info: write },
    });

    await handle(orderPlaced());

    expect(lines).toEqual([['payment decided', { orderId: 'o-1', status: 'CAPTURED' }]]);
  });
});
