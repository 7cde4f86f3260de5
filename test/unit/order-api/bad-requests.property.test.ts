// Property: whatever bad request arrives, order-api answers a 4xx problem+json that names the
// offending fields, and writes nothing and publishes nothing. ≥ 10,000 generated requests, each
// a valid request broken in exactly one way (so every one is bad by construction).
import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { apiEvent, getOrderEvent, postOrder } from '../../fixtures/api-gateway.js';
import { lambdaContext } from '../../fixtures/sqs.js';
import { setOrderApiEnv } from './env.js';
import { inMemoryDeps } from './fakes.js';

setOrderApiEnv();
const { createHandler } = await import('../../../functions/order-api/handler.js');

const NUM_RUNS = 10_000;
const TOP_LEVEL = ['customerId', 'email', 'items', 'paymentToken'];
const ID_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-'.split('');

// ── a valid request, the starting point of every mutation ─────────────────────────────────────
const id = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: min, maxLength: max });
const validItems = fc
  .subarray(['p-001', 'p-002', 'p-003'], { minLength: 1 })
  .chain((ids) => fc.tuple(...ids.map((productId) => fc.record({ productId: fc.constant(productId), quantity: fc.integer({ min: 1, max: 1000 }) }))));
const validBody = fc.record(
  {
    customerId: id(1, 64),
    email: fc.constantFrom('jane@example.com', 'o.brien+orders@mail.example.co.jp', 'x@y.io'),
    items: validItems,
    paymentToken: fc.stringMatching(/^tok_[A-Za-z0-9_]{1,64}$/),
  },
  { requiredKeys: ['customerId', 'email', 'items'] },
);
type Body = Record<string, unknown>;

// ── values that break one rule each ───────────────────────────────────────────────────────────
const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }), fc.constant({}));
const badIdentifier = fc.oneof(
  fc.constant(''),
  id(65, 100),
  fc.tuple(id(0, 30), fc.string({ minLength: 1, maxLength: 3 }).filter((s) => /[^A-Za-z0-9_-]/.test(s)), id(0, 30)).map((parts) => parts.join('')),
  notAString,
);
const badEmail = fc.oneof(
  fc.string({ maxLength: 40 }).filter((s) => !s.includes('@')),
  fc.constantFrom('jane@', '@example.com', 'jane@@example.com', 'jane doe@example.com', 'jane@example'),
  fc.integer({ min: 250, max: 300 }).map((n) => `${'a'.repeat(n)}@example.com`),
  notAString,
);
const badQuantity = fc.oneof(
  fc.integer({ max: 0 }),
  fc.integer({ min: 1001 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
  fc.string({ maxLength: 4 }),
  fc.constant(null),
);
const badToken = fc.oneof(fc.string({ maxLength: 80 }).filter((s) => !/^tok_[A-Za-z0-9_]{1,64}$/.test(s)), notAString);

type Mutation = readonly [field: string, mutate: (body: Body) => Body];
const m = (field: string, mutate: (body: Body) => Body): Mutation => [field, mutate];

const schemaMutation: fc.Arbitrary<Mutation> = fc.oneof(
  badIdentifier.map((v) => m('customerId', (b) => ({ ...b, customerId: v }))),
  badEmail.map((v) => m('email', (b) => ({ ...b, email: v }))),
  badToken.map((v) => m('paymentToken', (b) => ({ ...b, paymentToken: v }))),
  fc.constantFrom(...TOP_LEVEL.slice(0, 3)).map((field) => m(field, (b) => Object.fromEntries(Object.entries(b).filter(([k]) => k !== field)))),
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !TOP_LEVEL.includes(k)), fc.jsonValue({ maxDepth: 2 }))
    .map(([key, value]) => m(key, (b) => ({ ...b, [key]: value }))),
  fc.oneof(fc.constant([]), notAString.filter((v) => !Array.isArray(v))).map((v) => m('items', (b) => ({ ...b, items: v }))),
  fc.integer({ min: 51, max: 60 }).map((n) => m('items', (b) => ({ ...b, items: Array.from({ length: n }, (_, i) => ({ productId: `p-${i}`, quantity: 1 })) }))),
  fc.constant(m('items/1/productId', (b) => ({ ...b, items: [{ productId: 'p-001', quantity: 1 }, { productId: 'p-001', quantity: 2 }] }))),
  badQuantity.map((v) => m('items/0/quantity', (b) => ({ ...b, items: [{ productId: 'p-001', quantity: v }] }))),
  badIdentifier.map((v) => m('items/0/productId', (b) => ({ ...b, items: [{ productId: v, quantity: 1 }] }))),
  fc
    .string({ minLength: 1, maxLength: 10 })
    .filter((k) => k !== 'productId' && k !== 'quantity')
    .map((key) => m(`items/0/${key}`, (b) => ({ ...b, items: [{ productId: 'p-001', quantity: 1, [key]: 1 }] }))),
  fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null)).map((v) => m('items/0', (b) => ({ ...b, items: [v] }))),
);

// ── whole bad requests ────────────────────────────────────────────────────────────────────────
interface BadRequest {
  kind: string;
  event: APIGatewayProxyEvent;
}
const withKey = (key: string | undefined): Record<string, string> => (key === undefined ? {} : { 'Idempotency-Key': key });
const validKey = fc.option(fc.stringMatching(/^[\x20-\x7E]{1,40}$/), { nil: undefined });
const isJsonMediaType = (value: string) => /^\s*application\/json\s*(;|$)/i.test(value);

const badRequests: fc.Arbitrary<BadRequest> = fc.oneof(
  // wrong or missing media type
  fc.tuple(validBody, fc.oneof(fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'application/jsonp', 'json', ''), fc.string()).filter((t) => !isJsonMediaType(t))).map(([body, type]) => ({
    kind: 'media type',
    event: postOrder(body, { 'Content-Type': type }),
  })),
  validBody.map((body) => ({ kind: 'no media type', event: apiEvent({ method: 'POST', path: '/orders', body }) })),
  // too large (checked before parsing)
  fc.tuple(validBody, fc.integer({ min: 32 * 1024, max: 34 * 1024 })).map(([body, pad]) => ({ kind: 'too large', event: postOrder({ ...body, customerId: 'x'.repeat(pad) }) })),
  // not JSON
  fc.oneof(
    fc.string({ maxLength: 50 }).filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    }),
    fc.tuple(validBody, fc.nat()).map(([body, n]) => {
      const text = JSON.stringify(body);
      return text.slice(0, n % text.length);
    }),
  ).map((text) => ({ kind: 'malformed JSON', event: postOrder(text) })),
  // JSON but not an object
  fc.jsonValue({ maxDepth: 2 }).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)).map((v) => ({ kind: 'not an object', event: postOrder(JSON.stringify(v)) })),
  // one schema rule broken
  fc.tuple(validBody, schemaMutation, validKey).map(([body, [, mutate], key]) => ({ kind: 'schema', event: postOrder(mutate(body), withKey(key)) })),
  // a bad Idempotency-Key
  fc.tuple(
    validBody,
    fc.oneof(
      fc.constant(''),
      fc.stringMatching(/^[\x20-\x7E]{256,300}$/),
      fc.tuple(fc.stringMatching(/^[\x20-\x7E]{0,10}$/), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }).filter((s) => /[^\x20-\x7E]/.test(s))).map(([a, b]) => a + b),
    ),
  ).map(([body, key]) => ({ kind: 'idempotency key', event: postOrder(body, { 'Idempotency-Key': key }) })),
  // valid shape, unknown products or mixed currencies (decided by the catalog, still before any write)
  fc.tuple(validBody, fc.uniqueArray(id(1, 60).map((s) => `zz${s}`.slice(0, 64)), { minLength: 1, maxLength: 5 }), validKey).map(([body, ids, key]) => ({
    kind: 'unknown product',
    event: postOrder({ ...body, items: [...(body['items'] as object[]), ...ids.map((productId) => ({ productId, quantity: 1 }))] }, withKey(key)),
  })),
  fc.tuple(validBody, validKey).map(([body, key]) => ({
    kind: 'mixed currency',
    event: postOrder({ ...body, items: [...(body['items'] as object[]), { productId: 'u-001', quantity: 1 }] }, withKey(key)),
  })),
  // reads of orders that do not exist, or ids that cannot name one; other methods
  fc.oneof(fc.uuid(), fc.string({ maxLength: 40 })).map((orderId) => ({ kind: 'get', event: getOrderEvent(orderId) })),
  fc.tuple(fc.constantFrom('PUT', 'DELETE', 'PATCH', 'GET'), validBody).map(([method, body]) => ({ kind: 'method', event: { ...postOrder(body), httpMethod: method } })),
);

/** Throws (with what is wrong) unless the response is a clean refusal; plain checks keep 10,000 runs fast. */
function assertCleanRefusal(result: { statusCode: number; headers?: Record<string, unknown>; body: string }): void {
  const fail = (what: string) => {
    throw new Error(`${what}: ${result.statusCode} ${result.body.slice(0, 300)}`);
  };
  if (result.statusCode < 400 || result.statusCode > 499) fail('not a 4xx');
  if (result.headers?.['Content-Type'] !== 'application/problem+json') fail('not problem+json');
  const problem = JSON.parse(result.body) as Partial<{ type: unknown; title: unknown; status: unknown; detail: unknown; errors: unknown }>;
  if (typeof problem.type !== 'string' || typeof problem.title !== 'string' || problem.status !== result.statusCode) fail('incomplete problem');
  if (typeof problem.detail !== 'string' || problem.detail.trim() === '') fail('no detail');
  if (!Array.isArray(problem.errors) || problem.errors.length === 0) fail('no offending field listed');
  for (const error of problem.errors as unknown[]) {
    const { field, message } = (error ?? {}) as { field?: unknown; message?: unknown };
    if (typeof field !== 'string' || field.trim() === '' || typeof message !== 'string' || message.trim() === '') fail('an error without field or message');
  }
}

describe('order-api refuses every bad request cleanly', () => {
  it(`answers ${NUM_RUNS.toLocaleString('en')} generated bad requests with 4xx problem+json, no write, no publish`, async () => {
    const { deps, db, publisher } = inMemoryDeps();
    const handler = createHandler(deps);
    const context = lambdaContext('order-api');

    await fc.assert(
      fc.asyncProperty(badRequests, async ({ event }) => {
        assertCleanRefusal(await handler(event, context));
        if (db.writes !== 0 || db.orders.size + db.keys.size !== 0) throw new Error('something was written');
        if (publisher.events.length !== 0) throw new Error('something was published');
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000); // seconds alone; generous because the unit suites share 2 cores
});
