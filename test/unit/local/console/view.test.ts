import { describe, expect, it } from '@jest/globals';
import { marshall } from '@aws-sdk/util-dynamodb';
import { ConsoleView } from '../../../../local/console/view.js';
import type { BatchItem, BatchReport, RuntimeReport } from '../../../../emulation/runtime/index.js';

const at = (seconds: number): string => new Date(Date.UTC(2026, 11, 1, 8, 0, 0) + seconds * 1000).toISOString();

/** A batch report of `functionName` from `queue` (or the orders table's stream), from `start` to `end` seconds. */
const batch = (
  functionName: string,
  queue: string,
  [start, end]: [number, number],
  items: BatchItem[],
): BatchReport => ({
  type: 'batch',
  startedAt: at(start),
  time: at(end),
  functionName,
  source:
    queue === 'orders'
      ? { kind: 'dynamodb-stream', arn: 'arn:aws:dynamodb:us-east-1:0:table/orders/stream/x', name: 'orders' }
      : { kind: 'sqs', arn: `arn:aws:sqs:us-east-1:0:${queue}`, name: queue },
  records: items.length,
  items,
  failures: items.filter((item) => item.retried).length,
  verdict: items.some((item) => item.retried) ? 'partial' : 'success',
  reason: '',
  durationMs: (end - start) * 1000,
  deleteFailures: 0,
});

const inserted = (orderId: string, createdAt: string): BatchItem => ({
  id: `seq-${orderId}`,
  body: JSON.stringify({
    eventName: 'INSERT',
    Keys: marshall({ orderId, createdAt }),
    NewImage: marshall({ orderId, createdAt, status: 'PLACED', totalAmount: 1200 }),
  }),
  retried: false,
});

const event = (
  type: string,
  orderId: string,
  time: string,
  data: Record<string, unknown> = {},
  delivery: Partial<BatchItem> = {},
): BatchItem => ({
  id: `m-${type}-${Math.random()}`,
  body: JSON.stringify({ version: 1, id: `${orderId}:${type}`, type, time, orderId, data }),
  receiveCount: 1,
  retried: false,
  ...delivery,
});

describe('ConsoleView: what the console knows from the runtime batch reports', () => {
  it('an order placed on the orders stream, fanned out, and confirmed: its waterfall, its events and their deliveries', () => {
    const view = new ConsoleView();
    const placed = event('OrderPlaced', 'o-1', at(0.1), { items: [{ productId: 'p-1', quantity: 1 }] });
    for (const report of [
      batch('order-publisher', 'orders', [0.2, 0.3], [inserted('o-1', at(0.1))]),
      // billing's batch ends, and is reported, before inventory's, though inventory started first.
      batch('billing', 'billing-queue', [0.35, 0.5], [placed]),
      batch('inventory', 'inventory-queue', [0.32, 0.6], [{ ...placed, id: 'm-inv' }]),
      batch('notification', 'notification-queue', [0.34, 0.7], [{ ...placed, id: 'm-notif' }]),
      batch('order-status', 'order-status-queue', [0.7, 0.8], [event('InventoryReserved', 'o-1', at(0.55))]),
      batch('order-status', 'order-status-queue', [0.8, 0.9], [event('PaymentCaptured', 'o-1', at(0.45))]),
      batch('notification', 'notification-queue', [1.0, 1.2], [event('OrderConfirmed', 'o-1', at(0.9))]),
    ] satisfies RuntimeReport[]) {
      view.observe(report);
    }
    const { orders } = view.snapshot();
    expect(orders).toHaveLength(1);
    const order = orders[0];
    expect(order).toMatchObject({
      orderId: 'o-1',
      status: 'CONFIRMED',
      placedAt: at(0.1),
      statuses: [
        { status: 'PLACED', time: at(0.1) },
        { status: 'CONFIRMED', time: at(0.9) },
      ],
    });
    expect(order?.invocations.map((i) => `${i.functionName} ${i.eventType ?? i.source} ${i.outcome}`)).toEqual([
      'order-publisher orders stream processed',
      'inventory OrderPlaced processed',
      'notification OrderPlaced processed',
      'billing OrderPlaced processed',
      'order-status InventoryReserved processed',
      'order-status PaymentCaptured processed',
      'notification OrderConfirmed processed',
    ]);
    expect(order?.invocations[1]).toEqual({
      functionName: 'inventory',
      source: 'inventory-queue',
      startedAt: at(0.32),
      endedAt: at(0.6),
      outcome: 'processed',
      eventType: 'OrderPlaced',
      eventId: 'o-1:OrderPlaced',
      receiveCount: 1,
      batchSize: 1,
    });
    // Events in the order they happened, each with its payload and every consumer it reached.
    expect(order?.events.map((e) => e.type)).toEqual([
      'OrderPlaced',
      'PaymentCaptured',
      'InventoryReserved',
      'OrderConfirmed',
    ]);
    expect(order?.events[0]?.payload).toMatchObject({ type: 'OrderPlaced', data: { items: [{ productId: 'p-1' }] } });
    expect(order?.events[0]?.deliveries.map((d) => d.functionName)).toEqual(['billing', 'inventory', 'notification']);
    expect(view.event('o-1:OrderPlaced')).toMatchObject({ orderId: 'o-1', type: 'OrderPlaced', body: placed.body });
  });

  it('a cancelled order keeps the reason its OrderCancelled gives; a final status never moves again', () => {
    const view = new ConsoleView();
    view.observe(batch('order-publisher', 'orders', [0, 0.1], [inserted('o-2', at(0))]));
    view.observe(
      batch(
        'notification',
        'notification-queue',
        [1, 1.1],
        [event('OrderCancelled', 'o-2', at(0.9), { reason: 'out of stock: p-1 (requested 3, available 1)' })],
      ),
    );
    view.observe(batch('notification', 'notification-queue', [2, 2.1], [event('OrderConfirmed', 'o-2', at(1.9))]));
    expect(view.snapshot().orders[0]).toMatchObject({
      status: 'CANCELLED',
      reason: 'out of stock: p-1 (requested 3, available 1)',
    });
  });

  it('a record left for a retry is a retried bar, and its redelivery counts as a second delivery of one event', () => {
    const view = new ConsoleView();
    const captured = event('PaymentCaptured', 'o-3', at(0));
    view.observe(batch('order-status', 'order-status-queue', [1, 2], [{ ...captured, retried: true }]));
    view.observe(batch('order-status', 'order-status-queue', [5, 5.1], [{ ...captured, receiveCount: 2 }]));
    const order = view.snapshot().orders[0];
    expect(order?.status).toBe('UNKNOWN'); // never seen on the orders stream
    expect(order?.invocations.map((i) => [i.outcome, i.receiveCount])).toEqual([
      ['retried', 1],
      ['processed', 2],
    ]);
    expect(order?.events).toHaveLength(1);
    expect(order?.events[0]?.deliveries.map((d) => d.outcome)).toEqual(['retried', 'processed']);
  });

  it('ignores what is not an order: a body that is not an event, a stream record of another table, requests and output', () => {
    const view = new ConsoleView();
    view.observe(batch('inventory', 'inventory-queue', [0, 1], [{ id: 'x', body: 'not JSON', retried: false }]));
    view.observe(
      batch(
        'order-publisher',
        'orders',
        [0, 1],
        [
          {
            id: 'y',
            body: JSON.stringify({ eventName: 'INSERT', NewImage: marshall({ productId: 'p' }) }),
            retried: true,
          },
        ],
      ),
    );
    view.observe({
      type: 'output',
      time: at(0),
      functionName: 'order-status',
      line: JSON.stringify({ message: 'order CONFIRMED', orderId: 'o-9' }),
    });
    view.observe({
      type: 'request',
      time: at(0),
      functionName: 'order-api',
      method: 'GET',
      path: '/orders/o-9',
      status: 200,
      durationMs: 3,
    });
    expect(view.snapshot().orders).toEqual([]);
  });

  it('keeps the newest orders and the latest invocations within its limits, newest first', () => {
    const view = new ConsoleView({ orders: 2, invocations: 3, events: 2 });
    for (let i = 1; i <= 3; i += 1)
      view.observe(batch('order-publisher', 'orders', [i, i], [inserted(`o-${i}`, at(i))]));
    for (let i = 1; i <= 5; i += 1)
      view.observe(batch('order-status', 'order-status-queue', [10 + i, 11 + i], [event(`E${i}`, 'o-3', at(10 + i))]));
    const { orders } = view.snapshot();
    expect(orders.map((o) => o.orderId)).toEqual(['o-3', 'o-2']);
    expect(orders[0]?.invocations.map((i) => i.eventType)).toEqual(['E3', 'E4', 'E5']);
    expect(orders[0]?.events.map((e) => e.type)).toEqual(['E4', 'E5']);
  });
});
