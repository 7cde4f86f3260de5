// make up's narration (local/stack/narrate.ts over the runtime's typed reports), read from the e2e stack's
// narration.log, which global-setup writes exactly as make up prints it (without colours): one order
// reads top to bottom as its fan-out runs: order-api, order-publisher (the outbox), the three services, order-status.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, named, stack } from './support/stack.js';
import { finalOrder, orderRequest, placeOrder, sentNotifications, stockProduct } from './support/orders.js';

interface Narrated {
  fn: string;
  level: string;
  message: string;
  line: string;
}

const LINE = /^(\S+)\s+│ \d\d:\d\d:\d\d\.\d{3} (INFO|WARN|ERROR|DEBUG)\s+(\S+) (.*)$/;
const narration = (): string[] => {
  const file = join(stack().stateDir, 'narration.log');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
};

/** The narrated log lines of one order, in the order they were printed. */
function linesOf(orderId: string): Narrated[] {
  return narration().flatMap((line) => {
    const match = LINE.exec(line);
    if (match === null || match[3] !== orderId) return [];
    // The function by the name the design gives it: the narration names the deployed one ("local-inventory").
    const fn = (match[1] ?? '').slice(stack().outputs.name_prefix.length);
    return [{ fn, level: match[2] ?? '', message: match[4] ?? '', line }];
  });
}

it('one order from every function, in the order the fan-out runs: order-api, order-publisher, then inventory / billing / notification, then order-status', async () => {
  const productId = await stockProduct(5);
  const placed = await placeOrder(orderRequest([{ productId, quantity: 1 }]));
  expect((await finalOrder(placed.orderId)).status).toBe('CONFIRMED');
  await sentNotifications(placed.orderId, ['ORDER_RECEIVED', 'ORDER_CONFIRMED']);

  // The last line of the fan-out: order-status applies the NotificationSent of the confirmation.
  const lines = await eventually(
    async () => {
      const found = linesOf(placed.orderId);
      const confirmedSent = found.findIndex(
        (l) =>
          l.fn === 'notification' && l.message.startsWith('notification sent') && l.message.includes('ORDER_CONFIRMED'),
      );
      return confirmedSent >= 0 &&
        found.slice(confirmedSent + 1).some((l) => l.fn === 'order-status' && l.message.startsWith('event applied'))
        ? found
        : undefined;
    },
    { timeoutMs: 30_000, what: `the narration of order ${placed.orderId}` },
  );
  const at = (fn: string, message: string): number =>
    lines.findIndex((l) => l.fn === fn && l.message.startsWith(message));
  const where = lines.map((l) => l.line).join('\n');

  expect(lines[0]).toMatchObject({
    fn: 'order-api',
    level: 'INFO',
    message: expect.stringMatching(/^request .*status=202/),
  });
  const announced = at('order-publisher', 'announced');
  const reserved = at('inventory', 'stock reserved');
  const charged = at('billing', 'payment decided');
  const received = lines.findIndex(
    (l) => l.fn === 'notification' && l.message.startsWith('notification sent') && l.message.includes('ORDER_RECEIVED'),
  );
  const confirmed = at('order-status', 'order CONFIRMED');
  const told = lines.findIndex(
    (l) =>
      l.fn === 'notification' && l.message.startsWith('notification sent') && l.message.includes('ORDER_CONFIRMED'),
  );
  for (const [what, index] of Object.entries({ announced, reserved, charged, received, confirmed, told }))
    expect({ what, found: index > 0, where }).toEqual({ what, found: true, where });
  // The three services react to OrderPlaced; order-status decides only once stock and payment are in,
  // and the confirmation email follows the decision. (order-publisher logs 'announced' after its
  // publish returns, by which time the services may have logged already: its place among them varies.)
  expect(confirmed).toBeGreaterThan(Math.max(reserved, charged));
  expect(told).toBeGreaterThan(confirmed);
  expect(new Set(lines.map((l) => l.fn))).toEqual(
    new Set(['order-api', 'order-publisher', 'inventory', 'billing', 'notification', 'order-status']),
  );
  expect(lines.filter((l) => l.level !== 'INFO')).toEqual([]);

  // And the runtime's own lines: the request, the stream batch, and a batch line per queue consumer.
  const all = narration();
  expect(all).toContainEqual(
    expect.stringMatching(new RegExp(`^${named('order-api')}\\s+│ \\S+ POST /orders → 202, [\\d.]+ m?s$`)),
  );
  expect(all).toContainEqual(
    expect.stringMatching(
      new RegExp(
        `^${named('order-publisher')}\\s+│ \\S+ batch stream:${stack().outputs.table_names.orders} \\d+ records?, 0 failed, [\\d.]+ m?s$`,
      ),
    ),
  );
  for (const fn of ['inventory', 'billing', 'notification', 'order-status']) {
    expect(all).toContainEqual(
      expect.stringMatching(
        new RegExp(`^${named(fn)}\\s+│ \\S+ batch sqs:${named(fn)}-queue \\d+ records?, 0 failed, [\\d.]+ m?s$`),
      ),
    );
  }
});
