import { describe, expect, it } from '@jest/globals';
import { ConsoleView } from '../../../local/runtime/console/view.js';
import type { RuntimeReport } from '../../../local/runtime/index.js';

const line = (
  functionName: string,
  timestamp: string,
  fields: Record<string, unknown>,
  service = functionName,
): RuntimeReport => ({
  type: 'output',
  time: timestamp,
  functionName,
  line: JSON.stringify({ level: 'INFO', timestamp, service, ...fields }),
});

describe('ConsoleView: what the console knows from the runtime reports', () => {
  it('knows order-api and order-status by the service they log as, whatever prefix their deployed names carry', () => {
    const view = new ConsoleView();
    view.observe(
      line(
        'local-order-api',
        '2026-12-01T08:00:00.100Z',
        { message: 'request', route: 'place', status: 202, orderId: 'o-1' },
        'order-api',
      ),
    );
    view.observe(
      line(
        'local-order-status',
        '2026-12-01T08:00:00.900Z',
        { message: 'order CONFIRMED', orderId: 'o-1' },
        'order-status',
      ),
    );

    const [order] = view.snapshot().orders;
    expect(order?.status).toBe('CONFIRMED');
    expect(order?.timeline.map((e) => e.functionName)).toEqual(['local-order-api', 'local-order-status']);
  });

  it('an order placed by order-api, its lines from every service in the time each logged them, and its decision', () => {
    const view = new ConsoleView();
    for (const report of [
      line('order-api', '2026-12-01T08:00:00.100Z', {
        message: 'request',
        route: 'place',
        status: 202,
        orderId: 'o-1',
      }),
      // billing's line reaches the runtime before inventory's, though inventory logged first.
      line('billing', '2026-12-01T08:00:00.400Z', {
        message: 'payment decided',
        orderId: 'o-1',
        eventType: 'OrderPlaced',
        status: 'CAPTURED',
      }),
      line('inventory', '2026-12-01T08:00:00.300Z', {
        message: 'stock reserved',
        orderId: 'o-1',
        eventType: 'OrderPlaced',
      }),
      line('order-api', '2026-12-01T08:00:00.500Z', { message: 'request', route: 'get', status: 200, orderId: 'o-1' }),
      line('order-status', '2026-12-01T08:00:00.900Z', {
        message: 'order CONFIRMED',
        orderId: 'o-1',
        eventType: 'PaymentCaptured',
      }),
      line('inventory', '2026-12-01T08:00:01.000Z', { message: 'no orderId here' }),
      { type: 'output', time: '2026-12-01T08:00:01.000Z', functionName: 'inventory', line: 'not JSON' },
    ] satisfies RuntimeReport[]) {
      view.observe(report);
    }
    const { orders } = view.snapshot();
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({
      orderId: 'o-1',
      status: 'CONFIRMED',
      placedAt: '2026-12-01T08:00:00.100Z',
      statuses: [
        { status: 'PLACED', time: '2026-12-01T08:00:00.100Z' },
        { status: 'CONFIRMED', time: '2026-12-01T08:00:00.900Z' },
      ],
    });
    expect(orders[0]?.timeline.map((e) => `${e.functionName}: ${e.message}`)).toEqual([
      'order-api: request',
      'inventory: stock reserved',
      'billing: payment decided',
      'order-api: request',
      'order-status: order CONFIRMED',
    ]);
    expect(orders[0]?.timeline[1]).toEqual({
      time: '2026-12-01T08:00:00.300Z',
      functionName: 'inventory',
      level: 'INFO',
      message: 'stock reserved',
      eventType: 'OrderPlaced',
    });
  });

  it('a cancelled order keeps its reason; a final status never moves again', () => {
    const view = new ConsoleView();
    view.observe(
      line('order-status', '2026-12-01T08:00:01.000Z', {
        message: 'order CANCELLED',
        orderId: 'o-2',
        reason: 'payment declined: card_declined',
      }),
    );
    view.observe(line('order-status', '2026-12-01T08:00:02.000Z', { message: 'order CONFIRMED', orderId: 'o-2' }));
    expect(view.snapshot().orders[0]).toMatchObject({ status: 'CANCELLED', reason: 'payment declined: card_declined' });
  });

  it("an order seen only in other services' lines is UNKNOWN until order-api's line places it", () => {
    const view = new ConsoleView();
    view.observe(
      line('order-status', '2026-12-01T08:00:01.000Z', {
        level: 'ERROR',
        message: 'record failed',
        orderId: 'o-poison',
      }),
    );
    expect(view.snapshot().orders[0]).toMatchObject({ status: 'UNKNOWN', statuses: [] });
    view.observe(
      line('order-api', '2026-12-01T08:00:00.500Z', {
        message: 'request',
        route: 'place',
        status: 202,
        orderId: 'o-poison',
      }),
    );
    expect(view.snapshot().orders[0]).toMatchObject({
      status: 'PLACED',
      placedAt: '2026-12-01T08:00:00.500Z',
      statuses: [{ status: 'PLACED', time: '2026-12-01T08:00:00.500Z' }],
    });
  });

  it('keeps the newest orders and timeline lines within its limits, newest first', () => {
    const view = new ConsoleView({ orders: 2, timeline: 3 });
    for (let i = 1; i <= 3; i += 1)
      view.observe(
        line('order-api', `2026-12-01T08:00:0${i}.000Z`, {
          message: 'request',
          route: 'place',
          status: 202,
          orderId: `o-${i}`,
        }),
      );
    for (let i = 1; i <= 5; i += 1)
      view.observe(line('inventory', `2026-12-01T08:00:1${i}.000Z`, { message: `line ${i}`, orderId: 'o-3' }));
    view.observe({
      type: 'request',
      time: '2026-12-01T08:00:21.000Z',
      functionName: 'order-api',
      method: 'GET',
      path: '/orders/o-3',
      status: 200,
      durationMs: 3,
    });
    const { orders } = view.snapshot();
    expect(orders.map((o) => o.orderId)).toEqual(['o-3', 'o-2']);
    expect(orders[0]?.timeline.map((e) => e.message)).toEqual(['line 3', 'line 4', 'line 5']);
  });
});
