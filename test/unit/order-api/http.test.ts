// The HTTP edge through the middy handler (header normalizer included), with in-memory ports.
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { apiEvent, customerClaims, getOrderEvent, postOrder } from '../../fixtures/api-gateway.js';
import { lambdaContext } from '../../fixtures/sqs.js';
import { setOrderApiEnv } from './env.js';
import { inMemoryDeps } from './fakes.js';

setOrderApiEnv();
const { createHandler } = await import('../../../functions/order-api/handler.js');

const valid = { items: [{ productId: 'p-001', quantity: 2 }] };

function setup() {
  const fakes = inMemoryDeps();
  const handler = createHandler(fakes.deps);
  const send = (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
    handler(event, lambdaContext('order-api'));
  return { ...fakes, send };
}

const parse = (result: APIGatewayProxyResult): Record<string, unknown> =>
  JSON.parse(result.body) as Record<string, unknown>;

describe('POST /orders', () => {
  it('answers 202 with the priced order and its Location', async () => {
    const { send } = setup();
    const result = await send(postOrder(valid));
    const body = parse(result);
    expect(result.statusCode).toBe(202);
    expect(result.headers).toMatchObject({
      'Content-Type': 'application/json',
      Location: `/orders/${String(body.orderId)}`,
    });
    expect(body).toMatchObject({
      status: 'PLACED',
      totalAmount: 2400,
      currency: 'JPY',
      items: [{ productId: 'p-001', quantity: 2, unitPrice: 1200, lineTotal: 2400 }],
    });
    expect(body).not.toHaveProperty('email');
    expect(body).not.toHaveProperty('paymentToken');
  });

  it('accepts a charset parameter and any header case; the key (any case) makes retries safe', async () => {
    const { send, db } = setup();
    const first = await send(
      postOrder(valid, { 'CONTENT-TYPE': 'Application/JSON; charset=utf-8', 'idempotency-KEY': 'k-1' }),
    );
    const retry = await send(postOrder(valid, { 'Idempotency-Key': 'k-1' }));
    expect([first.statusCode, retry.statusCode]).toEqual([202, 202]);
    expect(retry.body).toBe(first.body);
    expect(db.orders.size).toBe(1);
  });

  const tooBig = { ...valid, paymentToken: `tok_${'x'.repeat(40_000)}` };
  describe.each<[string, APIGatewayProxyEvent, number, string]>([
    ['malformed JSON', postOrder('{"items": '), 400, 'body'],
    ['no body', postOrder(''), 400, 'body'],
    ['text/plain', postOrder(valid, { 'Content-Type': 'text/plain' }), 415, 'Content-Type'],
    ['no content type', apiEvent({ method: 'POST', path: '/orders', body: valid }), 415, 'Content-Type'],
    [
      'a latin-1 charset',
      postOrder(valid, { 'Content-Type': 'application/json; charset=iso-8859-1' }),
      415,
      'Content-Type',
    ],
    ['a body over 32 KB', postOrder(tooBig), 413, 'body'],
    ['a JSON array', postOrder([valid]), 422, 'body'],
    ['an unknown field', postOrder({ ...valid, price: 1 }), 422, 'price'],
    ['an unknown field named " "', postOrder({ ...valid, ' ': {} }), 422, '" "'],
    [
      'an unknown item field',
      postOrder({ ...valid, items: [{ productId: 'p-001', quantity: 1, unitPrice: 1 }] }),
      422,
      'items/0/unitPrice',
    ],
    [
      'a customerId in the body (it comes from the token)',
      postOrder({ ...valid, customerId: 'c-1' }),
      422,
      'customerId',
    ],
    [
      'an email in the body (it comes from the token)',
      postOrder({ ...valid, email: 'jane@example.com' }),
      422,
      'email',
    ],
    ['no authorizer claims', postOrder(valid, {}, null), 401, 'Authorization'],
    ['claims without an email', postOrder(valid, {}, { sub: 'c-1', email_verified: 'true' }), 401, 'Authorization'],
    [
      'an unverified email',
      postOrder(valid, {}, customerClaims('c-1', 'jane@example.com', { email_verified: 'false' })),
      403,
      'Authorization',
    ],
    ['no items', postOrder({ ...valid, items: [] }), 422, 'items'],
    [
      '51 items',
      postOrder({ ...valid, items: Array.from({ length: 51 }, (_, i) => ({ productId: `p-${i}`, quantity: 1 })) }),
      422,
      'items',
    ],
    [
      'a fractional quantity',
      postOrder({ ...valid, items: [{ productId: 'p-001', quantity: 1.5 }] }),
      422,
      'items/0/quantity',
    ],
    [
      'a quantity of 1001',
      postOrder({ ...valid, items: [{ productId: 'p-001', quantity: 1001 }] }),
      422,
      'items/0/quantity',
    ],
    [
      'a duplicate product',
      postOrder({
        ...valid,
        items: [
          { productId: 'p-001', quantity: 1 },
          { productId: 'p-001', quantity: 1 },
        ],
      }),
      422,
      'items/1/productId',
    ],
    ['a bad payment token', postOrder({ ...valid, paymentToken: '4242424242424242' }), 422, 'paymentToken'],
    [
      'an unknown product',
      postOrder({ ...valid, items: [{ productId: 'p-999', quantity: 1 }] }),
      422,
      'items/0/productId',
    ],
    [
      'mixed currencies',
      postOrder({
        ...valid,
        items: [
          { productId: 'p-001', quantity: 1 },
          { productId: 'u-001', quantity: 1 },
        ],
      }),
      422,
      'items/1/productId',
    ],
    ['an empty Idempotency-Key', postOrder(valid, { 'Idempotency-Key': '' }), 422, 'Idempotency-Key'],
    [
      'a 256-character Idempotency-Key',
      postOrder(valid, { 'Idempotency-Key': 'k'.repeat(256) }),
      422,
      'Idempotency-Key',
    ],
    ['a non-ASCII Idempotency-Key', postOrder(valid, { 'Idempotency-Key': 'clé' }), 422, 'Idempotency-Key'],
    ['PUT', apiEvent({ method: 'PUT', path: '/orders', body: valid }), 405, 'method'],
  ])('with %s', (_name, event, status, field) => {
    it(`answers ${status} problem+json naming ${field} and writes nothing`, async () => {
      const { send, db } = setup();
      const result = await send(event);
      const body = parse(result);
      expect(result.statusCode).toBe(status);
      expect(result.headers?.['Content-Type']).toBe('application/problem+json');
      expect(body).toMatchObject({
        status,
        type: expect.stringMatching(/^https:\/\//),
        title: expect.any(String),
        detail: expect.any(String),
      });
      expect(body.errors).toEqual(expect.arrayContaining([{ field, message: expect.any(String) }]));
      expect(db.writes).toBe(0);
    });
  });

  it.each<[string, unknown, string]>([
    ['a quantity of "3"', '3', 'must be a whole number from 1 to 1000'],
    ['a quantity of null', null, 'must be a whole number from 1 to 1000'],
    ['no quantity', undefined, 'is required'],
  ])('names %s as what it is: wrong type or missing', async (_name, quantity, message) => {
    const { send } = setup();
    const result = await send(postOrder({ ...valid, items: [{ productId: 'p-001', quantity }] }));
    expect(result.statusCode).toBe(422);
    expect(parse(result).errors).toEqual([{ field: 'items/0/quantity', message }]);
  });

  it.each([
    ['a fraction', 1.5, [{ field: 'items/0/quantity', message: 'must be a whole number from 1 to 1000' }]],
    [
      'a fraction and a repeated product',
      1.5,
      [{ field: 'items/0/quantity', message: 'must be a whole number from 1 to 1000' }],
      [{ productId: 'p-001', quantity: 1 }],
    ],
    [
      'an out-of-range quantity and a repeated product',
      0,
      [
        { field: 'items/0/quantity', message: 'must be a whole number from 1 to 1000' },
        { field: 'items/1/productId', message: 'duplicate product p-001: list each product once' },
      ],
      [{ productId: 'p-001', quantity: 1 }],
    ],
  ])(
    'names %s once per field (a fraction is the wrong type: no duplicate check on it)',
    async (_name, quantity, errors, more = []) => {
      const { send } = setup();
      const result = await send(postOrder({ ...valid, items: [{ productId: 'p-001', quantity }, ...more] }));
      expect(parse(result).errors).toEqual(errors);
    },
  );

  it('names every unknown field of an item and of the body, beside the other problems', async () => {
    const { send } = setup();
    const result = await send(
      postOrder({ items: [{ productId: 'p-001', quantity: 1, size: 'L', colour: 'red' }], gift: true }),
    );
    expect(parse(result).errors).toEqual([
      { field: 'items/0/size', message: 'is not a known field' },
      { field: 'items/0/colour', message: 'is not a known field' },
      { field: 'gift', message: 'is not a known field' },
    ]);
  });

  it.each(['constructor', '__proto__', 'prototype'])(
    'refuses a body with a field named %s (never ignores it)',
    async (key) => {
      const { send, db } = setup();
      const result = await send({
        ...postOrder(valid),
        body: `{"items":[{"productId":"p-001","quantity":1}],"${key}":1}`,
      });
      expect(result.statusCode).toBe(422);
      expect(parse(result).errors).toEqual([{ field: key, message: 'is not a known field' }]);
      expect(db.writes).toBe(0);
    },
  );

  it('refuses an array where an object belongs, whatever it holds', async () => {
    const { send } = setup();
    const result = await send(postOrder({ items: [[{ productId: 'p-001', quantity: 1 }]] }));
    expect(parse(result).errors).toEqual([
      { field: 'items/0', message: 'must be an object with productId and quantity' },
    ]);
  });

  it('names unknown products in the detail', async () => {
    const { send } = setup();
    const result = await send(
      postOrder({
        ...valid,
        items: [
          { productId: 'p-998', quantity: 1 },
          { productId: 'p-999', quantity: 1 },
        ],
      }),
    );
    expect(parse(result).detail).toBe('Unknown products: p-998, p-999');
  });

  it('answers 409 problem+json when the key stays contended and nothing is stored under it', async () => {
    const { send, db } = setup();
    db.contendNext();

    const result = await send(postOrder(valid, { 'Idempotency-Key': 'k-1' }));

    expect(result.statusCode).toBe(409);
    expect(result.headers).toMatchObject({ 'Content-Type': 'application/problem+json', 'Retry-After': '1' });
    expect(parse(result).errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
  });

  it('takes the customer from the token: sub as customerId, email as the email', async () => {
    const { send, db } = setup();
    const result = await send(postOrder(valid, {}, customerClaims('sub-42', 'kim@example.com')));
    const orderId = String(parse(result).orderId);
    expect(parse(result)).toMatchObject({ customerId: 'sub-42' });
    expect(db.orders.get(orderId)).toMatchObject({ customerId: 'sub-42', email: 'kim@example.com' });
  });

  it('tells a client that still sends customerId and email where they come from now', async () => {
    const { send } = setup();
    const result = await send(postOrder({ ...valid, customerId: 'c-1', email: 'jane@example.com' }));
    expect(parse(result).errors).toEqual([
      { field: 'customerId', message: "is not taken from the body: the customer is the ID token's sub" },
      { field: 'email', message: "is not taken from the body: the email is the ID token's email" },
    ]);
  });

  it('answers 422 to the same key with another body', async () => {
    const { send } = setup();
    await send(postOrder(valid, { 'Idempotency-Key': 'k-1' }));
    const result = await send(
      postOrder({ ...valid, items: [{ productId: 'p-001', quantity: 3 }] }, { 'Idempotency-Key': 'k-1' }),
    );
    expect(result.statusCode).toBe(422);
    expect(parse(result).errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
  });

  it('answers 500 with a generic detail, never the raw error', async () => {
    const { send, productsAndKeys, log } = setup();
    productsAndKeys.readForOrder = () =>
      Promise.reject(new Error('AccessDeniedException: arn:aws:dynamodb:secret-table'));
    const result = await send(postOrder(valid));
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toMatch(/AccessDenied|arn:|secret/);
    expect(parse(result)).toMatchObject({
      status: 500,
      detail: 'Something went wrong on our side; please retry later',
      errors: [],
    });
    expect(log.errors).toEqual(['unexpected error']);
  });
});

describe('the access log', () => {
  it('writes one line per request: route, status, the order, and for a refusal the field names, never their values', async () => {
    const { send, log } = setup();
    const placed = parse(await send(postOrder(valid)));
    await send(getOrderEvent(String(placed.orderId)));
    await send(postOrder({ ...valid, paymentToken: 'jane@example.com' }));

    expect(log.infos).toEqual([
      expect.objectContaining({
        message: 'request',
        method: 'POST',
        route: 'place',
        status: 202,
        orderId: placed.orderId,
      }),
      expect.objectContaining({
        message: 'request',
        method: 'GET',
        route: 'get',
        status: 200,
        orderId: placed.orderId,
      }),
      expect.objectContaining({
        message: 'request',
        method: 'POST',
        route: 'place',
        status: 422,
        fields: ['paymentToken'],
      }),
    ]);
    expect(JSON.stringify(log.infos)).not.toContain('jane@example.com');
  });

  // Every refusal path (the envelope, the schema, identity, the method, the route) hands its fields to
  // the log line as the problem lists them; an answer that refuses nothing names none.
  it.each<[string, APIGatewayProxyEvent, number]>([
    ['malformed JSON', postOrder('{"items": '), 400],
    ['no ID token', postOrder(valid, {}, null), 401],
    [
      'an unverified email',
      postOrder(valid, {}, customerClaims('c-1', 'jane@example.com', { email_verified: 'false' })),
      403,
    ],
    ['an unknown resource', apiEvent({ method: 'GET', path: '/customers', resource: '/{proxy+}' }), 404],
    ['PUT', apiEvent({ method: 'PUT', path: '/orders', body: valid }), 405],
    ['text/plain', postOrder(valid, { 'Content-Type': 'text/plain' }), 415],
    ['two bad fields', postOrder({ items: [{ productId: '', quantity: 0 }], price: 1 }), 422],
  ])('names the refused fields of %s, those the problem lists', async (_name, event, status) => {
    const { send, log } = setup();
    const result = await send(event);
    const listed = (parse(result).errors as { field: string }[]).map((error) => error.field);
    expect(result.statusCode).toBe(status);
    expect(listed.length).toBeGreaterThan(0);
    expect(log.infos).toEqual([expect.objectContaining({ status, fields: listed })]);
  });

  it('names no fields for an error of its own (500)', async () => {
    const { send, productsAndKeys, log } = setup();
    productsAndKeys.readForOrder = () => Promise.reject(new Error('AccessDeniedException'));
    const result = await send(postOrder(valid));
    expect(result.statusCode).toBe(500);
    expect(log.infos).toEqual([expect.objectContaining({ status: 500 })]);
    expect(log.infos[0]).not.toHaveProperty('fields');
  });
});

describe('GET /orders/{orderId}', () => {
  it('answers 200 with the order, never its email or payment token', async () => {
    const { send } = setup();
    const placed = parse(await send(postOrder({ ...valid, paymentToken: 'tok_secret_1' })));
    const result = await send(getOrderEvent(String(placed.orderId)));
    expect(result.statusCode).toBe(200);
    expect(parse(result)).toEqual({
      ...placed,
      services: { inventory: 'PENDING', payment: 'PENDING', notification: 'PENDING' },
      history: [],
      updatedAt: placed.createdAt,
    });
    expect(result.body).not.toMatch(/jane@example.com|tok_secret_1/);
  });

  it('shows the reason and the history without internal fields', async () => {
    const { send, db } = setup();
    const placed = parse(await send(postOrder(valid)));
    const orderId = String(placed.orderId);
    const stored = db.orders.get(orderId);
    if (stored === undefined) throw new Error('not stored');
    db.orders.set(orderId, {
      ...stored,
      status: 'CANCELLED',
      reason: 'payment declined: card_declined',
      history: [
        {
          eventId: 'e-1',
          type: 'PaymentDeclined',
          time: '2026-11-25T09:00:01.000Z',
          reason: 'payment declined: card_declined',
        },
      ],
      appliedEventIds: new Set(['e-1']),
    });
    const body = parse(await send(getOrderEvent(orderId)));
    expect(body).toMatchObject({
      status: 'CANCELLED',
      reason: 'payment declined: card_declined',
      history: [{ eventId: 'e-1', type: 'PaymentDeclined', time: '2026-11-25T09:00:01.000Z' }],
    });
    expect(body).not.toHaveProperty('appliedEventIds');
    expect((body.history as object[])[0]).not.toHaveProperty('reason');
  });

  it("answers another customer's GET exactly as an unknown id: 404, same body (ids cannot be probed)", async () => {
    const { send } = setup();
    const placed = parse(await send(postOrder(valid, {}, customerClaims('owner'))));
    const unknownId = '00000000-0000-4000-8000-00000000ffff';

    const foreign = await send(
      getOrderEvent(String(placed.orderId), customerClaims('someone-else', 'eve@example.com')),
    );
    const unknown = await send(getOrderEvent(unknownId, customerClaims('someone-else', 'eve@example.com')));

    expect(foreign.statusCode).toBe(404);
    expect(foreign.body.replace(String(placed.orderId), unknownId)).toBe(unknown.body);
    expect((await send(getOrderEvent(String(placed.orderId), customerClaims('owner')))).statusCode).toBe(200);
  });

  it('answers 401 to a GET without authorizer claims', async () => {
    const { send } = setup();
    expect((await send(getOrderEvent('00000000-0000-4000-8000-00000000ffff', null))).statusCode).toBe(401);
  });

  it.each([
    ['an unknown order', '00000000-0000-4000-8000-00000000ffff', 404],
    ['a malformed id', 'not-an-order', 400],
    ['an upper-case id', '00000000-0000-4000-8000-00000000FFFF', 400],
  ])('answers problem+json for %s', async (_name, orderId, status) => {
    const { send } = setup();
    const result = await send(getOrderEvent(orderId));
    expect(result.statusCode).toBe(status);
    expect(result.headers?.['Content-Type']).toBe('application/problem+json');
    expect(parse(result).errors).toEqual([expect.objectContaining({ field: 'orderId' })]);
  });

  it('answers 404 for a resource it does not serve (a /{proxy+} route is not deployed)', async () => {
    const { send } = setup();
    const result = await send(apiEvent({ method: 'GET', path: '/customers', resource: '/{proxy+}' }));
    expect(result.statusCode).toBe(404);
  });
});

describe('CORS for the origins the deployment allows', () => {
  const ORIGIN = 'https://shop.example';
  const withOrigins = () => {
    const fakes = inMemoryDeps();
    const handler = createHandler(fakes.deps, [ORIGIN]);
    return (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => handler(event, lambdaContext('order-api'));
  };

  it("answers an allowed origin's preflight (no token: the API routes OPTIONS without the authorizer)", async () => {
    const send = withOrigins();
    const result = await send(
      apiEvent({
        method: 'OPTIONS',
        path: '/orders',
        claims: null,
        headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST' },
      }),
    );
    expect(result.statusCode).toBe(204);
    expect(result.headers).toMatchObject({
      'Access-Control-Allow-Origin': ORIGIN,
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Authorization, Content-Type, Idempotency-Key',
    });
  });

  it('gives any other origin no CORS header, so the browser refuses', async () => {
    const send = withOrigins();
    const result = await send(
      apiEvent({ method: 'OPTIONS', path: '/orders', claims: null, headers: { Origin: 'https://evil.example' } }),
    );
    expect(result.headers).not.toHaveProperty('Access-Control-Allow-Origin');
    const post = await send(postOrder(valid, { Origin: 'https://evil.example' }));
    expect(post.headers).not.toHaveProperty('Access-Control-Allow-Origin');
  });

  it("marks an allowed origin's responses readable, Location included", async () => {
    const send = withOrigins();
    const result = await send(postOrder(valid, { Origin: ORIGIN }));
    expect(result.statusCode).toBe(202);
    expect(result.headers).toMatchObject({
      'Access-Control-Allow-Origin': ORIGIN,
      'Access-Control-Expose-Headers': 'Location',
    });
  });
});
