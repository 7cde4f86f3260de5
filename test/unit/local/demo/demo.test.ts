import { describe, expect, it } from '@jest/globals';
import { chooseLang, messages, money, type Lang } from '../../../../local/demo/messages.js';
import { runDemo, settled, type DemoStack, type OrderAnswer } from '../../../../local/demo/scenarios.js';

const products = {
  normal: { productId: 'p-n', name: 'Sencha', stock: 10 },
  scarce: { productId: 'p-s', name: 'Teapot', stock: 2 },
  rush: { productId: 'p-r', name: 'Soap', stock: 12 },
};
const PRICE = 500;

/**
 * A pipeline in memory that keeps the rules (an order is confirmed when its stock is reserved, else
 * cancelled with the shortage, its charge voided), or breaks one of them, to see the demo notice.
 */
class FakeStack implements DemoStack {
  readonly stock = new Map<string, number>([
    ['p-n', 0],
    ['p-s', 0],
    ['p-r', 99],
  ]);
  private readonly orders = new Map<string, OrderAnswer>();
  private readonly charges = new Map<string, { status: string; amount: number; currency: string }>();
  private n = 0;
  constructor(private readonly broken?: 'oversell' | 'keeps-charge') {}

  async place(items: { productId: string; quantity: number }[]): Promise<OrderAnswer> {
    const [line] = items;
    if (line === undefined) throw new Error('no items');
    this.n += 1;
    const orderId = `o-${this.n}`;
    const time = new Date(Date.UTC(2026, 11, 1, 8, 0, this.n)).toISOString();
    const totalAmount = line.quantity * PRICE;
    const available = this.stock.get(line.productId) ?? 0;
    const reserve = available >= line.quantity || this.broken === 'oversell';
    if (reserve) this.stock.set(line.productId, available - line.quantity);
    this.charges.set(orderId, {
      status: reserve ? 'CAPTURED' : this.broken === 'keeps-charge' ? 'CAPTURED' : 'VOIDED',
      amount: totalAmount,
      currency: 'JPY',
    });
    const final: OrderAnswer = {
      orderId,
      status: reserve ? 'CONFIRMED' : 'CANCELLED',
      ...(reserve
        ? {}
        : {
            reason: `out of stock: ${line.productId} (requested ${line.quantity}, available ${available})`,
          }),
      totalAmount,
      currency: 'JPY',
      createdAt: time,
      updatedAt: new Date(Date.parse(time) + 700).toISOString(),
      services: {
        inventory: reserve ? 'RESERVED' : 'REJECTED',
        payment: this.charges.get(orderId)?.status ?? '',
        notification: reserve ? 'ORDER_CONFIRMED' : 'ORDER_CANCELLED',
      },
    };
    this.orders.set(orderId, final);
    return {
      ...final,
      status: 'PLACED',
      services: { inventory: 'PENDING', payment: 'PENDING', notification: 'PENDING' },
    };
  }
  async get(orderId: string): Promise<OrderAnswer> {
    const order = this.orders.get(orderId);
    if (order === undefined) throw new Error(`no ${orderId}`);
    return order;
  }
  async stockOf(productId: string): Promise<number> {
    return this.stock.get(productId) ?? Number.NaN;
  }
  async resetStock(reset: readonly { productId: string; stock: number }[]): Promise<void> {
    for (const product of reset) this.stock.set(product.productId, product.stock);
  }
  async billing(orderId: string) {
    return this.charges.get(orderId);
  }
  async sentNotifications(orderId: string): Promise<string[]> {
    const order = await this.get(orderId);
    return ['ORDER_RECEIVED', order.status === 'CONFIRMED' ? 'ORDER_CONFIRMED' : 'ORDER_CANCELLED'];
  }
  consoleUrl(orderId?: string): string {
    return `http://127.0.0.1:4567/_console${orderId === undefined ? '' : `#${orderId}`}`;
  }
}

async function run(stack: FakeStack, lang: Lang = 'en'): Promise<{ failures: number; said: string }> {
  const lines: string[] = [];
  const failures = await runDemo({
    stack,
    say: (line) => lines.push(line),
    text: messages[lang],
    money: (amount, currency) => money(amount, currency, lang),
    products,
    pollMs: 1,
    timeoutMs: { order: 50, rush: 50 },
  });
  return { failures, said: lines.join('\n') };
}

describe('runDemo', () => {
  it('resets the stock, runs the three scenarios and says what each service did', async () => {
    const { failures, said } = await run(new FakeStack());
    expect(failures).toBe(0);
    expect(said).not.toContain('✗');
    expect(said).toContain('✓ inventory reserved the stock (10 → 8)');
    expect(said).toContain('✓ billing charged ¥1,000');
    expect(said).toContain('✓ inventory refused: out of stock: p-s (requested 5, available 2)');
    expect(said).toContain('✓ 12 orders CONFIRMED and 8 CANCELLED');
    expect(said).toContain('✓ Stock: 12 → 0');
    expect(said).toMatch(/All three scenarios ended as the brief says/);
  });

  it.each([
    ['oversold stock', 'oversell' as const, /✗ confirmed \/ cancelled: expected \[12,8\], got \[20,0\]/],
    // A cancelled order whose charge is never undone never settles: the demo stops waiting and says so.
    ['a charge kept on a cancelled order', 'keeps-charge' as const, /✗ gave up waiting for o-2 \(CANCELLED\)/],
  ])('counts an outcome that differs from the brief: %s', async (_case, broken, line) => {
    const { failures, said } = await run(new FakeStack(broken));
    expect(failures).toBeGreaterThan(0);
    expect(said).toMatch(line);
    expect(said).toMatch(/outcome\(s\) differed from the brief/);
  });

  it('gives up on an order that never settles, and says so', async () => {
    const stack = new FakeStack();
    stack.get = async (orderId) => ({
      orderId,
      status: 'PLACED',
      totalAmount: 1,
      currency: 'JPY',
      createdAt: '',
      updatedAt: '',
      services: { inventory: 'PENDING', payment: 'PENDING', notification: 'PENDING' },
    });
    const { failures, said } = await run(stack);
    expect(failures).toBe(3);
    expect(said).toMatch(/✗ gave up waiting for o-1 \(PLACED\)/);
  });

  it('narrates in Japanese', async () => {
    const { failures, said } = await run(new FakeStack(), 'ja');
    expect(failures).toBe(0);
    expect(said).toContain('在庫サービス (inventory) が在庫を引き当て (10 → 8)');
    expect(said).toContain('12 件が CONFIRMED、8 件が CANCELLED');
    expect(said).toContain('3 つのシナリオはすべて依頼書のとおりに終わりました');
    expect(said).toContain('「注文受付」、続いて「注文確定」');
    // No English sentence: only the names of services, events and states, and the reason the order carries.
    expect(said).not.toMatch(/\b(the|and|with|was|were|every|each|from)\b/);
  });
});

describe('settled: every service has said its last word', () => {
  const order = (status: OrderAnswer['status'], services: Partial<OrderAnswer['services']>): OrderAnswer => ({
    orderId: 'o',
    status,
    totalAmount: 0,
    currency: 'JPY',
    createdAt: '',
    updatedAt: '',
    services: { inventory: 'PENDING', payment: 'PENDING', notification: 'PENDING', ...services },
  });
  it.each([
    [order('PLACED', { notification: 'ORDER_RECEIVED' }), false],
    [order('CONFIRMED', { inventory: 'RESERVED', payment: 'CAPTURED', notification: 'ORDER_RECEIVED' }), false],
    [order('CONFIRMED', { inventory: 'RESERVED', payment: 'CAPTURED', notification: 'ORDER_CONFIRMED' }), true],
    [order('CANCELLED', { inventory: 'REJECTED', payment: 'CAPTURED', notification: 'ORDER_CANCELLED' }), false],
    [order('CANCELLED', { inventory: 'REJECTED', payment: 'REFUNDED', notification: 'ORDER_CANCELLED' }), true],
  ])('%# %j → %s', (answer, expected) => {
    expect(settled(answer)).toBe(expected);
  });
});

describe('chooseLang', () => {
  it.each([
    [{}, 'en'],
    [{ DEMO_LANG: 'ja' }, 'ja'],
    [{ DEMO_LANG: 'en', LANG: 'ja_JP.UTF-8' }, 'en'],
    [{ LANG: 'ja_JP.UTF-8' }, 'ja'],
    [{ LC_ALL: 'ja_JP.UTF-8', LANG: 'en_US.UTF-8' }, 'ja'],
    [{ LC_ALL: 'C.UTF-8', LANG: 'ja_JP.UTF-8' }, 'en'],
    [{ LC_MESSAGES: 'ja_JP', LANG: 'C' }, 'ja'],
  ])('%j → %s', (env, lang) => {
    expect(chooseLang(env)).toBe(lang);
  });
});

it('money is in minor units, as the currency writes it', () => {
  expect(money(2400, 'JPY', 'en')).toBe('¥2,400');
  expect(money(1999, 'USD', 'en')).toBe('$19.99');
  expect(money(2400, 'JPY', 'ja')).toBe('￥2,400');
});
