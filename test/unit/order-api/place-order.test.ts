// placeOrder with in-memory ports that keep the tables' conditions: pricing, the one write of a new
// order (with its key and answer, atomically), and every case of the Idempotency-Key. Nothing is
// published here: the orders table's stream announces each stored order (order-publisher).
import * as v from 'valibot';
import { ConflictError, ValidationError } from '../../../functions/order-api/errors.js';
import {
  IDEMPOTENCY_TTL_SECONDS,
  placeOrder,
  type PlaceOrderResult,
} from '../../../functions/order-api/place-order.js';
import {
  PlaceOrderRequestSchema,
  type Customer,
  type PlaceOrderRequest,
} from '../../../functions/order-api/request.js';
import { inMemoryDeps } from './fakes.js';

/** Who the ID token says places the order (order-api's HTTP edge reads it from the claims). */
const customer: Customer = { customerId: 'c-123', email: 'jane@example.com' };

/** Two requests race: neither reads the key and the catalogue until both have, so each sees the key free. */
function readTogether(db: ReturnType<typeof inMemoryDeps>['db']): void {
  let reads = 0;
  let bothRead: () => void = () => undefined;
  const barrier = new Promise<void>((resolve) => (bothRead = resolve));
  db.beforeOperation = async (name) => {
    if (name !== 'readForOrder') return;
    reads += 1;
    if (reads === 2) bothRead();
    await barrier;
  };
}

const request = (overrides: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest =>
  v.parse(PlaceOrderRequestSchema, {
    items: [
      { productId: 'p-001', quantity: 2 },
      { productId: 'p-002', quantity: 1 },
    ],
    ...overrides,
  });

describe('placeOrder', () => {
  it('prices lines from the catalog (one read) and stores the order PLACED (one write)', async () => {
    const { deps, db, productsAndKeys } = inMemoryDeps();

    const result = await placeOrder(request(), customer, undefined, deps);

    expect(productsAndKeys.calls).toBe(1);
    expect(db.writes).toBe(1);
    expect(result.statusCode).toBe(202);
    const orderId = result.orderId;
    expect(result.body).toEqual({
      orderId,
      status: 'PLACED',
      customerId: 'c-123',
      items: [
        { productId: 'p-001', quantity: 2, unitPrice: 1200, lineTotal: 2400 },
        { productId: 'p-002', quantity: 1, unitPrice: 8800, lineTotal: 8800 },
      ],
      totalAmount: 11200,
      currency: 'JPY',
      createdAt: '2026-11-25T09:00:00.000Z',
    });
    expect(db.orders.get(orderId)).toEqual({
      ...result.body,
      email: 'jane@example.com',
      paymentToken: 'tok_visa',
      updatedAt: '2026-11-25T09:00:00.000Z',
      services: { inventory: 'PENDING', payment: 'PENDING', notification: 'PENDING' },
      history: [],
    });
  });

  describe.each([
    [
      'an unknown product',
      [
        { productId: 'p-404', quantity: 1 },
        { productId: 'p-001', quantity: 1 },
      ],
      /Unknown product: p-404/,
      ['items/0/productId'],
    ],
    [
      'two unknown products',
      [
        { productId: 'p-404', quantity: 1 },
        { productId: 'p-405', quantity: 1 },
      ],
      /Unknown products: p-404, p-405/,
      ['items/0/productId', 'items/1/productId'],
    ],
    [
      'lines in two currencies',
      [
        { productId: 'p-001', quantity: 1 },
        { productId: 'u-001', quantity: 1 },
      ],
      /one currency/,
      ['items/1/productId'],
    ],
  ])('with %s', (_name, items, detail, fields) => {
    it('refuses with 422 and writes nothing', async () => {
      expect.assertions(4);
      const { deps, db } = inMemoryDeps();
      try {
        await placeOrder(request({ items }), customer, 'key-1', deps);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).message).toMatch(detail);
        expect((error as ValidationError).problems.map((p) => p.field)).toEqual(fields);
      }
      expect(db.writes).toBe(0);
    });
  });

  it("a failed write is the client's 5xx with nothing stored: no order exists that nobody will announce", async () => {
    expect.assertions(2);
    const { deps, db } = inMemoryDeps();
    db.beforeOperation = (name) => {
      if (name === 'createOrder') throw new Error('DynamoDB is unavailable');
    };
    await expect(placeOrder(request(), customer, undefined, deps)).rejects.toThrow('DynamoDB is unavailable');
    expect(db.orders.size).toBe(0);
  });

  describe('with an Idempotency-Key', () => {
    it('writes the key with its answer in the same write as the order: one read, one write', async () => {
      const { deps, db, productsAndKeys } = inMemoryDeps();
      const first = await placeOrder(request(), customer, 'key-1', deps);
      expect(productsAndKeys.calls).toBe(1);
      expect(db.writes).toBe(1);
      expect(db.keys.get('key-1')).toEqual({
        idempotencyKey: 'key-1',
        requestHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        orderId: first.orderId,
        expiresAt: Date.parse('2026-11-25T09:00:00.000Z') / 1000 + IDEMPOTENCY_TTL_SECONDS,
        response: { statusCode: 202, body: first.body },
      });
      expect(db.orders.get(first.orderId)?.idempotencyKey).toBe('key-1');
    });

    it('answers a retry with the same body from the stored response, writing nothing more', async () => {
      const { deps, db, clock } = inMemoryDeps();
      const first = await placeOrder(request(), customer, 'key-1', deps);
      clock.advance(60_000);

      const retry = await placeOrder(request({ paymentToken: 'tok_visa' }), customer, 'key-1', deps); // the default, spelt out: the same request

      expect(retry).toEqual(first);
      expect(db.orders.size).toBe(1);
      expect(db.writes).toBe(1);
    });

    // Item 8: the stored answer wins over the live catalogue (before, the retry re-priced first and
    // a withdrawn product turned the stored 202 into a 422).
    it('answers a retry from the stored result even when a product was withdrawn since', async () => {
      const { deps, db, productsAndKeys } = inMemoryDeps();
      const first = await placeOrder(request(), customer, 'key-1', deps);
      productsAndKeys.withdraw('p-002');

      await expect(placeOrder(request(), customer, 'key-1', deps)).resolves.toEqual(first);
      expect(db.writes).toBe(1);
      await expect(placeOrder(request(), customer, 'key-2', deps)).rejects.toThrow(/Unknown product: p-002/);
    });

    it('refuses the same key with a different body (422) and writes nothing', async () => {
      expect.assertions(3);
      const { deps, db } = inMemoryDeps();
      await placeOrder(request(), customer, 'key-1', deps);
      const writes = db.writes;
      try {
        await placeOrder(request({ items: [{ productId: 'p-001', quantity: 3 }] }), customer, 'key-1', deps);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).problems).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
      }
      expect(db.writes).toBe(writes);
    });

    it("refuses another customer's request under a key already used, even with the same body: never answers with the first customer's order", async () => {
      expect.assertions(3);
      const { deps, db } = inMemoryDeps();
      await placeOrder(request(), customer, 'key-1', deps);
      try {
        await placeOrder(request(), { customerId: 'c-other', email: 'other@example.com' }, 'key-1', deps);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).problems).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
      }
      expect(db.orders.size).toBe(1);
    });

    it('of two requests racing with one key, one writes; the other answers what it stored (key taken)', async () => {
      const { deps, db } = inMemoryDeps();
      readTogether(db);

      const [a, b] = await Promise.all([
        placeOrder(request(), customer, 'key-1', deps),
        placeOrder(request(), customer, 'key-1', deps),
      ]);

      expect(b).toEqual(a);
      expect(db.orders.size).toBe(1);
    });

    it('the loser of a race with another body is refused with 422, not given the other order', async () => {
      expect.assertions(2);
      const { deps, db } = inMemoryDeps();
      readTogether(db);
      const results = await Promise.allSettled([
        placeOrder(request(), customer, 'key-1', deps),
        placeOrder(request({ items: [{ productId: 'p-003', quantity: 1 }] }), customer, 'key-1', deps),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
      expect(results[1]).toMatchObject({ reason: expect.any(ValidationError) });
    });

    // Item 3: a key claim that keeps conflicting (TransactionConflict, retried with backoff in the
    // adapter) answers the stored result if the other request committed, else 409: never a 5xx.
    it('after a contended claim, answers what the other request stored', async () => {
      const { deps, db } = inMemoryDeps();
      let winner: PlaceOrderResult | undefined;
      db.beforeOperation = async (name) => {
        if (name !== 'createOrder') return;
        db.beforeOperation = () => undefined;
        winner = await placeOrder(request(), customer, 'key-1', deps); // the other request commits first…
        db.contendNext(); // …and this one's transaction keeps conflicting with it
      };

      const loser = await placeOrder(request(), customer, 'key-1', deps);

      expect(winner).toMatchObject({ statusCode: 202 });
      expect(loser).toEqual(winner);
      expect(db.orders.size).toBe(1);
    });

    it('after a contended claim with nothing stored, answers 409 (retry shortly with the same key) and writes nothing', async () => {
      expect.assertions(3);
      const { deps, db, log } = inMemoryDeps();
      db.contendNext();
      await expect(placeOrder(request(), customer, 'key-1', deps)).rejects.toThrow(ConflictError);
      expect(db.orders.size).toBe(0);
      expect(log.warnings).toEqual(['the Idempotency-Key is contended']);
    });

    it('frees a key once it expires (24 h): the same key then places a new order', async () => {
      const { deps, db, clock } = inMemoryDeps();
      const first = await placeOrder(request(), customer, 'key-1', deps);

      clock.advance(IDEMPOTENCY_TTL_SECONDS * 1000 + 1000);
      const second = await placeOrder(
        request({ items: [{ productId: 'p-003', quantity: 1 }] }),
        customer,
        'key-1',
        deps,
      );

      expect(second.orderId).not.toBe(first.orderId);
      expect(db.orders.size).toBe(2);
      expect(db.keys.get('key-1')?.orderId).toBe(second.orderId);
    });
  });
});
