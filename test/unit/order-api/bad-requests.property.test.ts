// Property: whatever bad request arrives, order-api answers a 4xx problem+json that names the
// offending field with a message of the right kind (missing, wrong type, out of range, unknown…),
// and writes nothing. ≥ 10,000 generated requests, each a valid request
// broken in exactly one way (so every one is bad by construction).
import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { apiEvent, getOrderEvent, postOrder } from '../../fixtures/api-gateway.js';
import { lambdaContext } from '../../fixtures/sqs.js';
import { setOrderApiEnv } from './env.js';
import { inMemoryDeps } from './fakes.js';

setOrderApiEnv();
const { createHandler } = await import('../../../functions/order-api/handler.js');

const NUM_RUNS = 10_000;
const TOP_LEVEL = ['items', 'paymentToken'];
/** The customer comes from the token now: a body that still names it is told so. */
const FROM_THE_TOKEN = new Map([
  ['customerId', /^is not taken from the body: the customer is the ID token's sub$/],
  ['email', /^is not taken from the body: the email is the ID token's email$/],
]);
const ID_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-'.split('');

// ── a valid request, the starting point of every mutation ─────────────────────────────────────
const id = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: min, maxLength: max });
const validItems = fc
  .subarray(['p-001', 'p-002', 'p-003'], { minLength: 1 })
  .chain((ids) =>
    fc.tuple(
      ...ids.map((productId) =>
        fc.record({ productId: fc.constant(productId), quantity: fc.integer({ min: 1, max: 1000 }) }),
      ),
    ),
  );
const validBody = fc.record(
  {
    items: validItems,
    paymentToken: fc.stringMatching(/^tok_[A-Za-z0-9_]{1,64}$/),
  },
  { requiredKeys: ['items'] },
);
type Body = Record<string, unknown>;

// ── values that break one rule each, with the message that must name the broken rule ──────────
// Each arbitrary yields [value, message]: the property checks the kind of each refusal (missing,
// wrong type, out of range, malformed, unknown), not only that it is a 4xx.
type Bad = readonly [value: unknown, message: string | RegExp];
const QUANTITY = 'must be a whole number from 1 to 1000';
const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.constant({}),
);
const wrongType = (message: string) => notAString.map((v): Bad => [v, message]);
const badIdentifier = fc.oneof(
  fc.constant<Bad>(['', 'must not be empty']),
  id(65, 100).map((v): Bad => [v, 'must be at most 64 characters']),
  fc
    .tuple(
      id(0, 30),
      fc.string({ minLength: 1, maxLength: 3 }).filter((s) => /[^A-Za-z0-9_-]/.test(s)),
      id(0, 30),
    )
    .map((parts): Bad => [parts.join(''), 'may contain only letters, digits, "_" and "-"']),
  wrongType('must be a string'),
);
// Out of range, fractional, a string ("3"), null: each is named as what a quantity must be, never "is required".
const badQuantity = fc
  .oneof(
    fc.integer({ max: 0 }),
    fc.integer({ min: 1001 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
    fc.string({ maxLength: 4 }),
    fc.integer({ min: 1, max: 1000 }).map(String),
    fc.constant(null),
  )
  .map((v): Bad => [v, QUANTITY]);
const badToken = fc.oneof(
  fc
    .string({ maxLength: 80 })
    .filter((s) => !/^tok_[A-Za-z0-9_]{1,64}$/.test(s))
    .map((v): Bad => [v, 'must look like tok_<letters, digits or _>']),
  wrongType('must be a string'),
);
/** How a field name appears in the problem: a blank one is quoted (see request.ts). */
const named = (key: string): string => (key.trim() === '' ? JSON.stringify(key) : key);

type Mutation = readonly [field: string, message: string | RegExp, mutate: (body: Body) => Body];
const m = (field: string, message: string | RegExp, mutate: (body: Body) => Body): Mutation => [field, message, mutate];

const schemaMutation: fc.Arbitrary<Mutation> = fc.oneof(
  badToken.map(([v, message]) => m('paymentToken', message, (b) => ({ ...b, paymentToken: v }))),
  fc.constant(m('items', 'is required', (b) => Object.fromEntries(Object.entries(b).filter(([k]) => k !== 'items')))),
  fc
    .tuple(
      fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !TOP_LEVEL.includes(k)),
      fc.jsonValue({ maxDepth: 2 }),
    )
    .map(([key, value]) =>
      m(named(key), FROM_THE_TOKEN.get(key) ?? 'is not a known field', (b) => ({ ...b, [key]: value })),
    ),
  fc
    .tuple(fc.constantFrom('customerId', 'email'), fc.jsonValue({ maxDepth: 1 }))
    .map(([key, value]) => m(key, FROM_THE_TOKEN.get(key) ?? '', (b) => ({ ...b, [key]: value }))),
  fc.constant(m('items', 'must list at least one item', (b) => ({ ...b, items: [] }))),
  notAString
    .filter((v) => !Array.isArray(v))
    .map((v) => m('items', 'must be a list of items', (b) => ({ ...b, items: v }))),
  fc.integer({ min: 51, max: 60 }).map((n) =>
    m('items', 'must list at most 50 items', (b) => ({
      ...b,
      items: Array.from({ length: n }, (_, i) => ({ productId: `p-${i}`, quantity: 1 })),
    })),
  ),
  fc.constant(
    m('items/1/productId', /^duplicate product p-001/, (b) => ({
      ...b,
      items: [
        { productId: 'p-001', quantity: 1 },
        { productId: 'p-001', quantity: 2 },
      ],
    })),
  ),
  badQuantity.map(([v, message]) =>
    m('items/0/quantity', message, (b) => ({ ...b, items: [{ productId: 'p-001', quantity: v }] })),
  ),
  fc.constant(m('items/0/quantity', 'is required', (b) => ({ ...b, items: [{ productId: 'p-001' }] }))),
  badIdentifier.map(([v, message]) =>
    m('items/0/productId', message, (b) => ({ ...b, items: [{ productId: v, quantity: 1 }] })),
  ),
  fc
    .string({ minLength: 1, maxLength: 10 })
    .filter((k) => k !== 'productId' && k !== 'quantity')
    .map((key) =>
      m(`items/0/${named(key)}`, 'is not a known field', (b) => ({
        ...b,
        items: [{ productId: 'p-001', quantity: 1, [key]: 1 }],
      })),
    ),
  fc
    .oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null))
    .map((v) => m('items/0', 'must be an object with productId and quantity', (b) => ({ ...b, items: [v] }))),
);

// ── whole bad requests ────────────────────────────────────────────────────────────────────────
interface BadRequest {
  kind: string;
  event: APIGatewayProxyEvent;
  /** The entry the problem's errors must hold: the offending field and the kind of its message. */
  expected: { field: string; message: string | RegExp };
}
const mediaType = { field: 'Content-Type', message: 'must be application/json' };
const withKey = (key: string | undefined): Record<string, string> =>
  key === undefined ? {} : { 'Idempotency-Key': key };
const validKey = fc.option(fc.stringMatching(/^[\x20-\x7E]{1,40}$/), { nil: undefined });
const isJsonMediaType = (value: string) => /^\s*application\/json\s*(;|$)/i.test(value);

const badRequests: fc.Arbitrary<BadRequest> = fc.oneof(
  // wrong or missing media type
  fc
    .tuple(
      validBody,
      fc
        .oneof(
          fc.constantFrom(
            'text/plain',
            'application/xml',
            'application/x-www-form-urlencoded',
            'application/jsonp',
            'json',
            '',
          ),
          fc.string(),
        )
        .filter((t) => !isJsonMediaType(t)),
    )
    .map(([body, type]) => ({
      kind: 'media type',
      event: postOrder(body, { 'Content-Type': type }),
      expected: mediaType,
    })),
  validBody.map((body) => ({
    kind: 'no media type',
    event: apiEvent({ method: 'POST', path: '/orders', body }),
    expected: mediaType,
  })),
  // too large (checked before parsing)
  fc.tuple(validBody, fc.integer({ min: 32 * 1024, max: 34 * 1024 })).map(([body, pad]) => ({
    kind: 'too large',
    event: postOrder({ ...body, paymentToken: `tok_${'x'.repeat(pad)}` }),
    expected: { field: 'body', message: /^is \d+ bytes, over the 32768-byte limit$/ },
  })),
  // not JSON
  fc
    .oneof(
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
    )
    .map((text) => ({
      kind: 'malformed JSON',
      event: postOrder(text),
      expected: { field: 'body', message: 'is not valid JSON' },
    })),
  // JSON but not an object
  fc
    .jsonValue({ maxDepth: 2 })
    .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
    .map((v) => ({
      kind: 'not an object',
      event: postOrder(JSON.stringify(v)),
      expected: { field: 'body', message: 'must be a JSON object' },
    })),
  // one schema rule broken
  fc.tuple(validBody, schemaMutation, validKey).map(([body, [field, message, mutate], key]) => ({
    kind: 'schema',
    event: postOrder(mutate(body), withKey(key)),
    expected: { field, message },
  })),
  // a bad Idempotency-Key
  fc
    .tuple(
      validBody,
      fc.oneof(
        fc.constant(''),
        fc.stringMatching(/^[\x20-\x7E]{256,300}$/),
        fc
          .tuple(
            fc.stringMatching(/^[\x20-\x7E]{0,10}$/),
            fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }).filter((s) => /[^\x20-\x7E]/.test(s)),
          )
          .map(([a, b]) => a + b),
      ),
    )
    .map(([body, key]) => ({
      kind: 'idempotency key',
      event: postOrder(body, { 'Idempotency-Key': key }),
      expected: { field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' },
    })),
  // valid shape, unknown products or mixed currencies (decided by the catalog, still before any write)
  fc
    .tuple(
      validBody,
      fc.uniqueArray(
        id(1, 60).map((s) => `zz${s}`.slice(0, 64)),
        { minLength: 1, maxLength: 5 },
      ),
      validKey,
    )
    .map(([body, ids, key]) => ({
      kind: 'unknown product',
      event: postOrder(
        { ...body, items: [...(body.items as object[]), ...ids.map((productId) => ({ productId, quantity: 1 }))] },
        withKey(key),
      ),
      expected: {
        field: `items/${(body.items as object[]).length}/productId`,
        message: `unknown product ${ids[0] ?? ''}`,
      },
    })),
  fc.tuple(validBody, validKey).map(([body, key]) => ({
    kind: 'mixed currency',
    event: postOrder(
      { ...body, items: [...(body.items as object[]), { productId: 'u-001', quantity: 1 }] },
      withKey(key),
    ),
    expected: { field: `items/${(body.items as object[]).length}/productId`, message: 'priced in USD, not JPY' },
  })),
  // reads of orders that do not exist, or ids that cannot name one; other methods
  fc.uuid().map((orderId) => ({
    kind: 'get',
    event: getOrderEvent(orderId),
    expected: { field: 'orderId', message: 'names no order' },
  })),
  fc.string({ maxLength: 40 }).map((orderId) => ({
    kind: 'get',
    event: getOrderEvent(orderId),
    expected: { field: 'orderId', message: /^must be an order id/ },
  })),
  fc.tuple(fc.constantFrom('PUT', 'DELETE', 'PATCH', 'GET'), validBody).map(([method, body]) => ({
    kind: 'method',
    event: { ...postOrder(body), httpMethod: method },
    expected: { field: 'method', message: `${method} is not allowed` },
  })),
);

/** Throws (with what is wrong) unless the response is a clean refusal; plain checks keep 10,000 runs fast. */
function assertCleanRefusal(
  result: { statusCode: number; headers?: Record<string, unknown>; body: string },
  expected: BadRequest['expected'],
): void {
  const fail = (what: string) => {
    throw new Error(`${what}: ${result.statusCode} ${result.body.slice(0, 300)}`);
  };
  if (result.statusCode < 400 || result.statusCode > 499) fail('not a 4xx');
  if (result.headers?.['Content-Type'] !== 'application/problem+json') fail('not problem+json');
  const problem = JSON.parse(result.body) as Partial<{
    type: unknown;
    title: unknown;
    status: unknown;
    detail: unknown;
    errors: unknown;
  }>;
  if (typeof problem.type !== 'string' || typeof problem.title !== 'string' || problem.status !== result.statusCode)
    fail('incomplete problem');
  if (typeof problem.detail !== 'string' || problem.detail.trim() === '') fail('no detail');
  if (!Array.isArray(problem.errors) || problem.errors.length === 0) fail('no offending field listed');
  for (const error of problem.errors as unknown[]) {
    const { field, message } = (error ?? {}) as { field?: unknown; message?: unknown };
    if (typeof field !== 'string' || field.trim() === '' || typeof message !== 'string' || message.trim() === '')
      fail('an error without field or message');
  }
  const named = (problem.errors as { field: string; message: string }[]).some(
    ({ field, message }) =>
      field === expected.field &&
      (typeof expected.message === 'string' ? message === expected.message : expected.message.test(message)),
  );
  if (!named) fail(`no error names ${expected.field} with "${String(expected.message)}"`);
}

describe('order-api refuses every bad request cleanly', () => {
  it(`answers ${NUM_RUNS.toLocaleString('en')} generated bad requests with 4xx problem+json naming the field and the kind of fault, no write`, async () => {
    const { deps, db } = inMemoryDeps();
    const handler = createHandler(deps);
    const context = lambdaContext('order-api');

    await fc.assert(
      fc.asyncProperty(badRequests, async ({ event, expected }) => {
        assertCleanRefusal(await handler(event, context), expected);
        if (db.writes !== 0 || db.orders.size + db.keys.size !== 0) throw new Error('something was written');
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000); // seconds alone; generous because the unit suites share 2 cores
});
