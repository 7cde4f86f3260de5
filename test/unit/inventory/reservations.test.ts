import fc from 'fast-check';
import type { Reservation } from '../../../functions/inventory/ports.js';
import { StockConflictError } from '../../../functions/inventory/errors.js';
import { inventoryHandlers, MAX_PRODUCTS_PER_ORDER } from '../../../functions/inventory/reservations.js';
import { eventIdFor, type OrderEvent } from '../../../functions/shared/events.js';
import { dispatch } from '../../../functions/shared/sqs-consumer.js';
import { logger, setLogLevel } from '../../../functions/shared/logger.js';
import { line, orderConfirmed, orderPlaced, paymentDeclined } from '../../fixtures/events.js';
import { recordingLog } from '../../fixtures/log.js';
import { RecordingPublisher } from '../../fixtures/publisher.js';
import { InMemoryInventoryStore } from './fakes.js';

setLogLevel('SILENT');

/** A clock that ticks one second per reading, so every decision has its own, predictable time. */
const clock = () => {
  let seconds = 0;
  return () => new Date(Date.UTC(2026, 10, 25, 10, 0, seconds++)).toISOString();
};

function setup(stock: Record<string, number> = { 'p-001': 10, 'p-002': 10 }) {
  const store = new InMemoryInventoryStore(stock);
  const publisher = new RecordingPublisher();
  const handle = dispatch('inventory', inventoryHandlers, { store, publisher, now: clock(), log: logger });
  return { store, publisher, handle };
}

describe('inventory: OrderPlaced', () => {
  it('reserves every line in one step and announces InventoryReserved with the decision time', async () => {
    const { store, publisher, handle } = setup();

    await handle(orderPlaced({ items: [line('p-001', 2), line('p-002', 3)] }));

    expect(store.stock).toEqual(
      new Map([
        ['p-001', 8],
        ['p-002', 7],
      ]),
    );
    expect(store.reservations.get('o-1')).toMatchObject({ status: 'RESERVED', decidedAt: '2026-11-25T10:00:00.000Z' });
    expect(publisher.events).toEqual([
      expect.objectContaining({
        type: 'InventoryReserved',
        id: eventIdFor('InventoryReserved', 'o-1'),
        time: '2026-11-25T10:00:00.000Z',
        data: {
          items: [
            { productId: 'p-001', quantity: 2 },
            { productId: 'p-002', quantity: 3 },
          ],
        },
      }),
    ]);
  });

  it('takes stock once for a duplicate delivery and republishes the identical event', async () => {
    const { store, publisher, handle } = setup();
    const event = orderPlaced();

    await handle(event);
    await handle(event);

    expect(store.stock.get('p-001')).toBe(8);
    expect(store.stockWrites).toBe(1);
    expect(publisher.events).toHaveLength(2);
    expect(publisher.events[1]).toEqual(publisher.events[0]);
  });

  it('takes stock once when two deliveries of the same order race', async () => {
    const { store, publisher, handle } = setup();
    const event = orderPlaced();

    await Promise.all([handle(event), handle(event)]);

    expect(store.stock.get('p-001')).toBe(8);
    expect(new Set(publisher.events.map((e) => JSON.stringify(e))).size).toBe(1);
  });

  it('after a failed publish, the retry publishes the recorded outcome and takes nothing more', async () => {
    expect.assertions(3);
    const { store, publisher, handle } = setup();
    publisher.failNext();

    await expect(handle(orderPlaced())).rejects.toThrow('publish failed');
    await handle(orderPlaced());

    expect(store.stock.get('p-001')).toBe(8);
    expect(publisher.events).toEqual([
      expect.objectContaining({ type: 'InventoryReserved', time: '2026-11-25T10:00:00.000Z' }),
    ]);
  });

  it('rejects an order it cannot fill, with the shortages, and takes nothing', async () => {
    const { store, publisher, handle } = setup({ 'p-001': 1 });

    await handle(orderPlaced({ items: [line('p-001', 2), line('p-404', 1)] }));

    expect(store.stock).toEqual(new Map([['p-001', 1]]));
    expect(publisher.events).toEqual([
      expect.objectContaining({
        type: 'InventoryRejected',
        id: eventIdFor('InventoryRejected', 'o-1'),
        data: {
          reason: 'out of stock',
          shortages: [
            { productId: 'p-001', requested: 2, available: 1 },
            { productId: 'p-404', requested: 1, available: 0 },
          ],
        },
      }),
    ]);
    expect(store.reservations.get('o-1')).toMatchObject({ status: 'REJECTED' });
  });

  it('reserves all lines or none: one short line leaves the others untouched', async () => {
    const { store, publisher, handle } = setup({ 'p-001': 10, 'p-002': 1 });

    await handle(orderPlaced({ items: [line('p-001', 5), line('p-002', 2)] }));

    expect(store.stock).toEqual(
      new Map([
        ['p-001', 10],
        ['p-002', 1],
      ]),
    );
    expect(publisher.types()).toEqual(['InventoryRejected']);
  });

  it('merges lines of the same product, so the total is checked against stock', async () => {
    const { store, publisher, handle } = setup({ 'p-001': 3 });

    await handle(orderPlaced({ items: [line('p-001', 2), line('p-001', 2)] }));

    expect(store.stock.get('p-001')).toBe(3);
    expect(publisher.events[0]).toMatchObject({
      data: { shortages: [{ productId: 'p-001', requested: 4, available: 3 }] },
    });
  });

  it('never oversells the last units to concurrent orders', async () => {
    const { store, publisher, handle } = setup({ 'p-001': 3 });

    await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((orderId) => handle(orderPlaced({ orderId, items: [line('p-001', 1)] }))),
    );

    expect(store.stock.get('p-001')).toBe(0);
    expect(publisher.types().sort()).toEqual([
      'InventoryRejected',
      'InventoryRejected',
      'InventoryReserved',
      'InventoryReserved',
      'InventoryReserved',
    ]);
  });

  it('property: whatever the concurrent orders, stock never goes below zero and every unit is accounted for', async () => {
    const products = ['p-1', 'p-2', 'p-3'];
    const orders = fc.array(
      fc.uniqueArray(fc.record({ productId: fc.constantFrom(...products), quantity: fc.integer({ min: 1, max: 4 }) }), {
        minLength: 1,
        maxLength: 3,
        selector: (l) => l.productId,
      }),
      { minLength: 1, maxLength: 12 },
    );
    await fc.assert(
      fc.asyncProperty(fc.tuple(fc.nat(8), fc.nat(8), fc.nat(8)), orders, async (initial, placed) => {
        const start = Object.fromEntries(products.map((p, i) => [p, initial[i] ?? 0]));
        const { store, handle } = setup(start);

        await Promise.all(
          placed.map((lines, i) =>
            handle(orderPlaced({ orderId: `o-${i}`, items: lines.map((l) => line(l.productId, l.quantity)) })),
          ),
        );

        for (const productId of products) {
          const reserved = [...store.reservations.values()]
            .filter((r) => r.status === 'RESERVED')
            .flatMap((r) => r.items)
            .filter((l) => l.productId === productId)
            .reduce((sum, l) => sum + l.quantity, 0);
          const left = store.stock.get(productId) ?? 0;
          expect(left).toBeGreaterThanOrEqual(0);
          expect(left + reserved).toBe(start[productId]);
        }
        expect(store.reservations.size).toBe(placed.length);
      }),
      { numRuns: 100 },
    );
  });

  it('retries (throws) when stock came back between the refused transaction and the read', async () => {
    expect.assertions(2);
    const { store, publisher, handle } = setup({ 'p-001': 5 });
    store.reserve = async () => 'insufficient-stock'; // as if another order released stock in between

    await expect(handle(orderPlaced())).rejects.toBeInstanceOf(StockConflictError);
    expect(publisher.events).toEqual([]);
  });

  it(`rejects an order with more than ${MAX_PRODUCTS_PER_ORDER} distinct products (one transaction cannot hold it)`, async () => {
    const items = Array.from({ length: MAX_PRODUCTS_PER_ORDER + 1 }, (_, i) => line(`p-${i}`, 1));
    const { store, publisher, handle } = setup(Object.fromEntries(items.map((l) => [l.productId, 5])));

    await handle(orderPlaced({ items }));

    expect(store.stockWrites).toBe(0);
    expect(publisher.events[0]).toMatchObject({ type: 'InventoryRejected', data: { shortages: [] } });
  });

  describe.each<[Reservation['status'], Reservation, OrderEvent['type']]>([
    [
      'RESERVED',
      {
        orderId: 'o-1',
        status: 'RESERVED',
        items: [{ productId: 'p-001', quantity: 2 }],
        decidedAt: '2026-11-25T08:00:00.000Z',
      },
      'InventoryReserved',
    ],
    [
      'REJECTED',
      {
        orderId: 'o-1',
        status: 'REJECTED',
        items: [],
        shortages: [],
        reason: 'out of stock',
        decidedAt: '2026-11-25T08:00:00.000Z',
      },
      'InventoryRejected',
    ],
    [
      'RELEASED',
      {
        orderId: 'o-1',
        status: 'RELEASED',
        items: [],
        reason: 'payment declined: card_declined',
        decidedAt: '2026-11-25T08:00:00.000Z',
      },
      'InventoryReleased',
    ],
  ])('when the order is already %s', (_status, recorded, announced) => {
    it(`moves no stock and republishes ${announced} with the recorded time`, async () => {
      const { store, publisher, handle } = setup();
      store.reservations.set('o-1', recorded);

      await handle(orderPlaced());

      expect(store.stock.get('p-001')).toBe(10);
      expect(publisher.events).toEqual([
        expect.objectContaining({ type: announced, id: eventIdFor(announced, 'o-1'), time: recorded.decidedAt }),
      ]);
    });
  });
});

describe('inventory: PaymentDeclined (compensation)', () => {
  it('releases a reservation and gives its stock back once, however often the decline arrives', async () => {
    const { store, publisher, handle } = setup();
    await handle(orderPlaced({ items: [line('p-001', 2), line('p-002', 1)] }));

    await handle(paymentDeclined());
    await handle(paymentDeclined());

    expect(store.stock).toEqual(
      new Map([
        ['p-001', 10],
        ['p-002', 10],
      ]),
    );
    expect(store.reservations.get('o-1')).toMatchObject({
      status: 'RELEASED',
      reason: 'payment declined: card_declined',
    });
    expect(publisher.types()).toEqual(['InventoryReserved', 'InventoryReleased', 'InventoryReleased']);
    expect(publisher.events[2]).toEqual(publisher.events[1]);
  });

  it('gives stock back once when two deliveries of the decline race', async () => {
    const { store, handle } = setup();
    await handle(orderPlaced());

    await Promise.all([handle(paymentDeclined()), handle(paymentDeclined())]);

    expect(store.stock.get('p-001')).toBe(10);
    expect(store.stockWrites).toBe(2); // one reserve, one release
  });

  it('a decline that overtakes its order leaves a tombstone: the later order reserves nothing', async () => {
    const { store, publisher, handle } = setup();

    await handle(paymentDeclined());
    await handle(orderPlaced());

    expect(store.stock.get('p-001')).toBe(10);
    expect(store.stockWrites).toBe(0);
    expect(store.reservations.get('o-1')).toMatchObject({ status: 'RELEASED', items: [] });
    expect(publisher.types()).toEqual(['InventoryReleased', 'InventoryReleased']);
    expect(publisher.events[1]).toEqual(publisher.events[0]);
  });

  it('a decline racing its order ends with the stock back, whichever wins', async () => {
    const { store, publisher, handle } = setup();

    await Promise.all([handle(orderPlaced()), handle(paymentDeclined())]);

    expect(store.stock.get('p-001')).toBe(10);
    expect(store.reservations.get('o-1')?.status).toBe('RELEASED');
    expect(publisher.types()).toContain('InventoryReleased');
  });

  it('after a failed publish, the retried decline republishes the release and gives nothing back twice', async () => {
    expect.assertions(3);
    const { store, publisher, handle } = setup();
    await handle(orderPlaced());
    publisher.failNext();

    await expect(handle(paymentDeclined())).rejects.toThrow('publish failed');
    await handle(paymentDeclined());

    expect(store.stock.get('p-001')).toBe(10);
    expect(publisher.types()).toEqual(['InventoryReserved', 'InventoryReleased']);
  });

  it('has nothing to release for a rejected order and announces nothing', async () => {
    const { store, publisher, handle } = setup({ 'p-001': 0 });
    await handle(orderPlaced());

    await handle(paymentDeclined());

    expect(store.stock.get('p-001')).toBe(0);
    expect(store.reservations.get('o-1')?.status).toBe('REJECTED');
    expect(publisher.types()).toEqual(['InventoryRejected']);
  });
});

it('acknowledges an event type it does not handle without touching anything', async () => {
  const { store, publisher, handle } = setup();

  await handle(orderConfirmed());

  expect(store.reservations.size).toBe(0);
  expect(publisher.events).toEqual([]);
});

describe('inventory: its log', () => {
  it('writes through the log it is given', async () => {
    const { lines, write } = recordingLog();
    const handle = dispatch('inventory', inventoryHandlers, {
      store: new InMemoryInventoryStore({ 'p-001': 10 }),
      publisher: new RecordingPublisher(),
      now: clock(),
      log: { info: write },
    });

    await handle(orderPlaced());

    expect(lines).toEqual([['stock reserved', { orderId: 'o-1' }]]);
  });
});
