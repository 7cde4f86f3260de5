import { ConflictError, ValidationError } from '../../../functions/shared/errors.js';
import { ServiceUnavailableError } from '../../../functions/order-api/errors.js';
import { IDEMPOTENCY_LOCK_MS, IDEMPOTENCY_TTL_SECONDS, placeOrder } from '../../../functions/order-api/place-order.js';
import { PlaceOrderRequestSchema, type PlaceOrderRequest } from '../../../functions/order-api/request.js';
import { inMemoryDeps } from './fakes.js';

const request = (overrides: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest =>
  PlaceOrderRequestSchema.parse({
    customerId: 'c-123',
    email: 'jane@example.com',
    items: [
      { productId: 'p-001', quantity: 2 },
      { productId: 'p-002', quantity: 1 },
    ],
    ...overrides,
  });

describe('placeOrder', () => {
  it('prices lines from the catalog (one read), stores the order and publishes its OrderPlaced', async () => {
    const { deps, db, catalog, publisher } = inMemoryDeps();

    const result = await placeOrder(request(), undefined, deps);

    expect(catalog.calls).toBe(1);
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
    expect(publisher.events).toEqual([
      {
        version: 1,
        id: `${orderId}:OrderPlaced`,
        type: 'OrderPlaced',
        time: '2026-11-25T09:00:00.000Z',
        orderId,
        data: {
          customerId: 'c-123',
          email: 'jane@example.com',
          items: result.body['items'],
          totalAmount: 11200,
          currency: 'JPY',
          paymentToken: 'tok_visa',
        },
      },
    ]);
  });

  describe.each([
    ['an unknown product', [{ productId: 'p-404', quantity: 1 }, { productId: 'p-001', quantity: 1 }], /Unknown product: p-404/, ['items/0/productId']],
    ['two unknown products', [{ productId: 'p-404', quantity: 1 }, { productId: 'p-405', quantity: 1 }], /Unknown products: p-404, p-405/, ['items/0/productId', 'items/1/productId']],
    ['lines in two currencies', [{ productId: 'p-001', quantity: 1 }, { productId: 'u-001', quantity: 1 }], /one currency/, ['items/1/productId']],
  ])('with %s', (_name, items, detail, fields) => {
    it('refuses with 422, writes nothing and publishes nothing', async () => {
      expect.assertions(5);
      const { deps, db, publisher } = inMemoryDeps();
      try {
        await placeOrder(request({ items }), 'key-1', deps);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).message).toMatch(detail);
        expect((error as ValidationError).problems.map((p) => p.field)).toEqual(fields);
      }
      expect(db.writes).toBe(0);
      expect(publisher.events).toHaveLength(0);
    });
  });

  it('without a key, answers 503 when the publish fails (the client is told)', async () => {
    expect.assertions(3);
    const { deps, db, publisher } = inMemoryDeps();
    publisher.failNext();
    await expect(placeOrder(request(), undefined, deps)).rejects.toThrow(ServiceUnavailableError);
    expect(db.orders.size).toBe(1);
    expect(publisher.events).toHaveLength(0);
  });

  describe('with an Idempotency-Key', () => {
    it('answers a retry with the same body from the stored response, creating and publishing nothing more', async () => {
      const { deps, db, publisher, clock } = inMemoryDeps();
      const first = await placeOrder(request(), 'key-1', deps);
      clock.advance(60_000);

      const retry = await placeOrder(request({ paymentToken: 'tok_visa' }), 'key-1', deps); // the default, spelt out: the same request

      expect(retry).toEqual(first);
      expect(db.orders.size).toBe(1);
      expect(publisher.events).toHaveLength(1);
      expect(db.keys.get('key-1')).toMatchObject({ state: 'COMPLETED', orderId: first.orderId, response: { statusCode: 202, body: first.body } });
    });

    it('refuses the same key with a different body (422) and writes nothing', async () => {
      expect.assertions(4);
      const { deps, db, publisher } = inMemoryDeps();
      await placeOrder(request(), 'key-1', deps);
      const writes = db.writes;
      try {
        await placeOrder(request({ items: [{ productId: 'p-001', quantity: 3 }] }), 'key-1', deps);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).problems).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
      }
      expect(db.writes).toBe(writes);
      expect(publisher.events).toHaveLength(1);
    });

    it('answers 409 to a second request while the first holds the key, and the first still completes', async () => {
      expect.assertions(5);
      const { deps, db, publisher } = inMemoryDeps();
      // Hold the first request inside its publish, as a slow SNS call would.
      let releasePublish: () => void = () => undefined;
      const publishing = new Promise<void>((resolve) => (releasePublish = resolve));
      const publish = publisher.publish.bind(publisher);
      publisher.publish = async (event) => {
        await publishing;
        return publish(event);
      };
      const first = placeOrder(request(), 'key-1', deps);
      await new Promise((resolve) => setImmediate(resolve));

      await expect(placeOrder(request(), 'key-1', deps)).rejects.toThrow(ConflictError);

      releasePublish();
      await expect(first).resolves.toMatchObject({ statusCode: 202 });
      expect(db.orders.size).toBe(1);
      expect(publisher.events).toHaveLength(1);
      expect(db.keys.get('key-1')?.state).toBe('COMPLETED');
    });

    it('after a failed publish answers 503, frees the key, and the retry republishes the identical event', async () => {
      expect.assertions(6);
      const { deps, db, publisher, clock } = inMemoryDeps();
      publisher.failNext();

      await expect(placeOrder(request(), 'key-1', deps)).rejects.toThrow(/retry with the same Idempotency-Key/);
      expect(db.keys.get('key-1')).toMatchObject({ state: 'IN_PROGRESS', lockedUntil: clock.now().getTime() });

      clock.advance(10); // well inside the original lock: only the release lets the retry in
      const retry = await placeOrder(request(), 'key-1', deps);

      expect(db.orders.size).toBe(1);
      expect(retry.orderId).toBe([...db.orders.keys()][0]);
      expect(publisher.events.map((e) => [e.id, e.time])).toEqual([[`${retry.orderId}:OrderPlaced`, '2026-11-25T09:00:00.000Z']]);
      expect(db.keys.get('key-1')?.state).toBe('COMPLETED');
    });

    it('takes over a key whose holder died once its lock expires, and republishes that order (not a new one)', async () => {
      expect.assertions(7);
      const { deps, db, publisher, clock } = inMemoryDeps();
      // The first attempt stores the order and dies before publishing (nothing releases its lock).
      db.beforeOperation = (name) => {
        if (name === 'release') throw new Error('the process died');
      };
      publisher.failNext();
      await expect(placeOrder(request(), 'key-1', deps)).rejects.toThrow(ServiceUnavailableError);
      db.beforeOperation = () => undefined;
      const [orderId] = [...db.orders.keys()];

      clock.advance(IDEMPOTENCY_LOCK_MS - 1);
      await expect(placeOrder(request(), 'key-1', deps)).rejects.toThrow(ConflictError);

      clock.advance(1);
      const retry = await placeOrder(request(), 'key-1', deps);

      expect(retry.orderId).toBe(orderId);
      expect(retry.body['createdAt']).toBe('2026-11-25T09:00:00.000Z');
      expect(db.orders.size).toBe(1);
      expect(publisher.events.map((e) => e.id)).toEqual([`${orderId}:OrderPlaced`]);
      expect(db.keys.get('key-1')?.state).toBe('COMPLETED');
    });

    it('lets only one of two simultaneous takeovers republish', async () => {
      const { deps, db, publisher, clock } = inMemoryDeps();
      db.beforeOperation = (name) => {
        if (name === 'release') throw new Error('the process died');
      };
      publisher.failNext();
      await placeOrder(request(), 'key-1', deps).catch(() => undefined);
      db.beforeOperation = () => undefined;
      clock.advance(IDEMPOTENCY_LOCK_MS);

      const results = await Promise.allSettled([placeOrder(request(), 'key-1', deps), placeOrder(request(), 'key-1', deps)]);

      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: expect.any(ConflictError) });
      expect(publisher.events).toHaveLength(1);
    });

    it('frees a key once it expires (24 h): the same key then places a new order', async () => {
      const { deps, db, publisher, clock } = inMemoryDeps();
      const first = await placeOrder(request(), 'key-1', deps);
      expect(db.keys.get('key-1')?.expiresAt).toBe(Date.parse('2026-11-25T09:00:00.000Z') / 1000 + IDEMPOTENCY_TTL_SECONDS);

      clock.advance(IDEMPOTENCY_TTL_SECONDS * 1000 + 1000);
      const second = await placeOrder(request({ items: [{ productId: 'p-003', quantity: 1 }] }), 'key-1', deps);

      expect(second.orderId).not.toBe(first.orderId);
      expect(db.orders.size).toBe(2);
      expect(publisher.events).toHaveLength(2);
    });

    it('still answers 202 when marking the key completed fails after the publish (the order is announced)', async () => {
      const { deps, db, publisher, log } = inMemoryDeps();
      db.beforeOperation = (name) => {
        if (name === 'complete') throw new Error('throttled');
      };

      const result = await placeOrder(request(), 'key-1', deps);

      expect(result.statusCode).toBe(202);
      expect(publisher.events).toHaveLength(1);
      expect(log.warnings).toEqual(['could not mark the idempotency key completed']);
    });
  });
});
