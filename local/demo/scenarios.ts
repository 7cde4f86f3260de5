// The brief's three scenarios, as `make demo` runs them: what it does, what it says, and what it
// checks. It talks to the stack through DemoStack (demo.ts: the API as the demo customer, the tables
// as an operator), waits for outcomes by polling with a deadline, and counts every outcome that
// differs from the brief: the caller exits non-zero when any does.
import type { Messages } from './messages.js';

export interface DemoProduct {
  productId: string;
  name: string;
  /** The stock the demo resets it to before it runs. */
  stock: number;
}

/** An order as GET /orders/{orderId} answers it (the part the demo reads). */
export interface OrderAnswer {
  orderId: string;
  status: 'PLACED' | 'CONFIRMED' | 'CANCELLED';
  reason?: string;
  totalAmount: number;
  currency: string;
  createdAt: string;
  updatedAt: string;
  services: { inventory: string; payment: string; notification: string };
}

export interface DemoStack {
  /** POST /orders as the demo customer: the 202's body. */
  place(items: { productId: string; quantity: number }[]): Promise<OrderAnswer>;
  /** GET /orders/{orderId} as the demo customer. */
  get(orderId: string): Promise<OrderAnswer>;
  /** The inventory table: the product's stock now, and a reset (a Put of the product as seeded). */
  stockOf(productId: string): Promise<number>;
  resetStock(products: readonly DemoProduct[]): Promise<void>;
  /** The billing table's record of an order: its status and amount. */
  billing(orderId: string): Promise<{ status: string; amount: number; currency: string } | undefined>;
  /** The notification kinds the notifications table records as SENT for an order. */
  sentNotifications(orderId: string): Promise<string[]>;
  /** The console's page for an order. */
  consoleUrl(orderId?: string): string;
}

export interface Demo {
  stack: DemoStack;
  say: (line: string) => void;
  text: Messages;
  money: (amount: number, currency: string) => string;
  products: { normal: DemoProduct; scarce: DemoProduct; rush: DemoProduct };
  /** How long one order may take to settle, and the twenty (default 90 s and 180 s). */
  timeoutMs?: { order: number; rush: number };
  /** Between two polls (default 250 ms). */
  pollMs?: number;
}

const FINAL_NOTIFICATIONS = ['ORDER_CONFIRMED', 'ORDER_CANCELLED', 'FAILED'];
const UNDONE_PAYMENTS = ['VOIDED', 'REFUNDED', 'DECLINED'];

/** Every service has said its last word on the order: it is final, and so are the payment, the stock and the last email. */
export function settled(order: OrderAnswer): boolean {
  if (order.status === 'PLACED' || !FINAL_NOTIFICATIONS.includes(order.services.notification)) return false;
  if (order.status === 'CONFIRMED') return true;
  return UNDONE_PAYMENTS.includes(order.services.payment) && order.services.inventory !== 'PENDING';
}

class Checks {
  failures = 0;
  constructor(private readonly demo: Demo) {}
  /** Says ✓ line when equal, else the difference (and counts it). */
  expect<T>(what: string, got: T, wanted: T, ok: string | undefined): void {
    if (JSON.stringify(got) === JSON.stringify(wanted)) {
      if (ok !== undefined) this.demo.say(`  ✓ ${ok}`);
      return;
    }
    this.failures += 1;
    this.demo.say(`  ${this.demo.text.expected(what, JSON.stringify(wanted), JSON.stringify(got))}`);
  }
}

async function until<T>(
  demo: Demo,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<{ value: T; ok: boolean }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return { value, ok: true };
    if (Date.now() > deadline) return { value, ok: false };
    await new Promise((resolve) => setTimeout(resolve, demo.pollMs ?? 250));
  }
}

const elapsedMs = (order: OrderAnswer): number => Date.parse(order.updatedAt) - Date.parse(order.createdAt);

/** What notification sent, in the order a customer reads them. */
const notified = (demo: Demo, kinds: string[]): string[] =>
  ['ORDER_RECEIVED', 'ORDER_CONFIRMED', 'ORDER_CANCELLED']
    .filter((kind) => kinds.includes(kind))
    .map((kind) => demo.text.notify[kind] ?? kind);

/** Scenario 1: every service succeeds, the order is CONFIRMED. */
async function normalOrder(demo: Demo, checks: Checks): Promise<void> {
  const { stack, text, products } = demo;
  const product = products.normal;
  const quantity = 2;
  demo.say(text.scenario(1, text.normalTitle));
  demo.say(text.normalWhat(quantity, product.name, product.stock));
  const placed = await stack.place([{ productId: product.productId, quantity }]);
  const total = demo.money(placed.totalAmount, placed.currency);
  demo.say(`  ${text.accepted(placed.orderId, total)}`);
  demo.say(`  ${text.fanOut}`);
  const { value: order, ok } = await until(demo, () => stack.get(placed.orderId), settled, timeout(demo).order);
  if (!ok) {
    checks.failures += 1;
    demo.say(`  ${text.waiting(`${placed.orderId} (${order.status})`)}`);
    return;
  }
  const stock = await stack.stockOf(product.productId);
  checks.expect(
    'inventory',
    [order.services.inventory, stock],
    ['RESERVED', product.stock - quantity],
    text.inventoryReserved(product.stock, stock),
  );
  const charge = await stack.billing(order.orderId);
  checks.expect(
    'billing',
    [charge?.status, charge?.amount],
    ['CAPTURED', placed.totalAmount],
    text.paymentCaptured(demo.money(charge?.amount ?? 0, charge?.currency ?? placed.currency)),
  );
  const kinds = await stack.sentNotifications(order.orderId);
  checks.expect(
    'notification',
    kinds.sort(),
    ['ORDER_CONFIRMED', 'ORDER_RECEIVED'],
    text.notified(notified(demo, kinds)),
  );
  checks.expect('order-status', order.status, 'CONFIRMED', text.final(order.status, elapsedMs(order)));
  demo.say(`  ${text.lookNormal(stack.consoleUrl(order.orderId))}`);
}

/** Scenario 2: more than the stock. Inventory rejects, billing undoes its charge, notification tells why, CANCELLED. */
async function scarceOrder(demo: Demo, checks: Checks): Promise<void> {
  const { stack, text, products } = demo;
  const product = products.scarce;
  const quantity = product.stock + 3;
  demo.say(text.scenario(2, text.scarceTitle));
  demo.say(text.scarceWhat(quantity, product.name, product.stock));
  const placed = await stack.place([{ productId: product.productId, quantity }]);
  demo.say(`  ${text.accepted(placed.orderId, demo.money(placed.totalAmount, placed.currency))}`);
  demo.say(`  ${text.fanOut}`);
  const { value: order, ok } = await until(demo, () => stack.get(placed.orderId), settled, timeout(demo).order);
  if (!ok) {
    checks.failures += 1;
    demo.say(`  ${text.waiting(`${placed.orderId} (${order.status})`)}`);
    return;
  }
  const reason = `out of stock: ${product.productId} (requested ${quantity}, available ${product.stock})`;
  checks.expect(
    'inventory',
    [order.services.inventory, order.reason],
    ['REJECTED', reason],
    text.inventoryRejected(reason),
  );
  const charge = await stack.billing(order.orderId);
  const undone = charge?.status === 'REFUNDED' ? 'REFUNDED' : 'VOIDED';
  checks.expect('billing', [charge?.status], [undone], text.paymentVoided(undone));
  const kinds = await stack.sentNotifications(order.orderId);
  checks.expect(
    'notification',
    kinds.sort(),
    ['ORDER_CANCELLED', 'ORDER_RECEIVED'],
    text.notified(notified(demo, kinds)),
  );
  checks.expect('order-status', order.status, 'CANCELLED', text.final(order.status, elapsedMs(order), order.reason));
  checks.expect(
    'stock',
    await stack.stockOf(product.productId),
    product.stock,
    text.stockAfter(product.stock, product.stock),
  );
  demo.say(`  ${text.carriedOn}`);
  demo.say(`  ${text.lookScarce(stack.consoleUrl(order.orderId))}`);
}

/** Scenario 3: 20 orders at once for a product with 12: exactly 12 CONFIRMED, stock 0 and never below, the rest CANCELLED. */
async function rush(demo: Demo, checks: Checks, count = 20): Promise<void> {
  const { stack, text, products } = demo;
  const product = products.rush;
  demo.say(text.scenario(3, text.rushTitle));
  demo.say(text.rushWhat(count, product.name, product.stock));
  const started = Date.now();
  const placed = await Promise.all(
    Array.from({ length: count }, () => stack.place([{ productId: product.productId, quantity: 1 }])),
  );
  demo.say(`  ${text.acceptedMany(placed.length, Date.now() - started)}`);
  demo.say(`  ${text.fanOut}`);
  // The lowest stock seen while the orders settle: a reservation that oversold would show below 0.
  let lowest = product.stock;
  const { value: orders, ok } = await until(
    demo,
    async () => {
      lowest = Math.min(lowest, await stack.stockOf(product.productId));
      return Promise.all(placed.map((order) => stack.get(order.orderId)));
    },
    (all) => all.every(settled),
    timeout(demo).rush,
  );
  if (!ok) {
    checks.failures += 1;
    demo.say(`  ${text.waiting(`${orders.filter((o) => !settled(o)).length}/${count}`)}`);
    return;
  }
  const confirmed = orders.filter((o) => o.status === 'CONFIRMED');
  const cancelled = orders.filter((o) => o.status === 'CANCELLED');
  const lastFinal = Math.max(...orders.map((o) => Date.parse(o.updatedAt)));
  checks.expect(
    'confirmed / cancelled',
    [confirmed.length, cancelled.length],
    [product.stock, count - product.stock],
    text.rushResult(confirmed.length, cancelled.length, lastFinal - Date.parse(placed[0]?.createdAt ?? '')),
  );
  const stock = await stack.stockOf(product.productId);
  lowest = Math.min(lowest, stock);
  checks.expect(
    'stock (now, lowest seen)',
    [stock, lowest >= 0],
    [0, true],
    text.rushStock(product.stock, stock, confirmed.length),
  );
  const charges = await Promise.all(orders.map((o) => stack.billing(o.orderId)));
  const kept = charges.filter((c) => c?.status === 'CAPTURED');
  const keptTotal = kept.reduce((sum, c) => sum + (c?.amount ?? 0), 0);
  checks.expect(
    'charges kept',
    [kept.length, keptTotal],
    [confirmed.length, confirmed.reduce((sum, o) => sum + o.totalAmount, 0)],
    text.rushCharged(kept.length, demo.money(keptTotal, placed[0]?.currency ?? 'JPY')),
  );
  const undone = cancelled.filter((o) => UNDONE_PAYMENTS.includes(o.services.payment)).length;
  const told = cancelled.filter((o) => o.services.notification === 'ORDER_CANCELLED').length;
  const outOfStock = cancelled.filter((o) => o.reason?.startsWith('out of stock') === true).length;
  checks.expect(
    'cancelled: out of stock, payment undone, customer told',
    [outOfStock, undone, told],
    [cancelled.length, cancelled.length, cancelled.length],
    text.rushCancelled(cancelled.length, undone, told),
  );
  demo.say(`  ${text.lookRush(stack.consoleUrl(cancelled[0]?.orderId))}`);
}

const timeout = (demo: Demo) => demo.timeoutMs ?? { order: 90_000, rush: 180_000 };

/** Resets the demo products, runs the three scenarios one after another; the number of outcomes that differed. */
export async function runDemo(demo: Demo): Promise<number> {
  const started = Date.now();
  const checks = new Checks(demo);
  await demo.stack.resetStock(Object.values(demo.products));
  await normalOrder(demo, checks);
  await scarceOrder(demo, checks);
  await rush(demo, checks);
  demo.say(checks.failures === 0 ? demo.text.passed(Date.now() - started) : demo.text.failed(checks.failures));
  return checks.failures;
}
