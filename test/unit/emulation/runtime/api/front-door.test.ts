// The front door on a loopback port with a fake invoke (no emulator, no network beyond 127.0.0.1).
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { InvokeOutcome } from '../../../../../emulation/runtime/invoke/contract.js';
import type { DeployedApi } from '../../../../../emulation/runtime/discovery.js';
import { MAX_REQUEST_BYTES, startFrontDoor, type FrontDoor } from '../../../../../emulation/runtime/api/front-door.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

const api: DeployedApi = {
  id: 'api1',
  name: 'orders',
  binaryMediaTypes: [],
  stages: [{ name: 'local', variables: {} }],
  routes: [
    { resourceId: 'r1', resourcePath: '/orders', httpMethod: 'POST', functionName: 'order-api' },
    { resourceId: 'r2', resourcePath: '/orders/{orderId}', httpMethod: 'GET', functionName: 'order-api' },
  ],
  authorizers: [],
};

let door: FrontDoor | undefined;
afterEach(async () => {
  await door?.close();
  door = undefined;
});

async function serve(
  respond: (event: APIGatewayProxyEvent) => InvokeOutcome,
): Promise<{ base: string; events: APIGatewayProxyEvent[] }> {
  const events: APIGatewayProxyEvent[] = [];
  door = await startFrontDoor({
    apis: [api],
    accountId: '000000000000',
    host: '127.0.0.1',
    port: 0,
    invoke: async (_name, event) => {
      events.push(event as APIGatewayProxyEvent);
      return respond(event as APIGatewayProxyEvent);
    },
  });
  return { base: `http://127.0.0.1:${door.port}/_aws/execute-api/api1/local`, events };
}

describe('front door', () => {
  it('passes the request as a proxy event and returns the function response', async () => {
    const { base, events } = await serve(() => ({
      ok: true,
      value: {
        statusCode: 202,
        multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
        headers: { Location: '/orders/o-1' },
        body: '{"orderId":"o-1"}',
      },
    }));

    const response = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k1' },
      body: '{"x":1}',
    });

    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toBe('/orders/o-1');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.text()).toBe('{"orderId":"o-1"}');
    expect(events[0]).toMatchObject({
      resource: '/orders',
      path: '/orders',
      httpMethod: 'POST',
      body: '{"x":1}',
      headers: { 'idempotency-key': 'k1' },
      requestContext: { stage: 'local', apiId: 'api1' },
    });
  });

  it.each([
    ['a function error', { ok: false, kind: 'error', message: 'boom' } as InvokeOutcome],
    ['a timeout', { ok: false, kind: 'timeout', message: 'Task timed out' } as InvokeOutcome],
    ['a crash', { ok: false, kind: 'crash', message: 'exited' } as InvokeOutcome],
    ['a malformed response', { ok: true, value: { body: 'no status' } } as InvokeOutcome],
  ])('answers 502 Internal server error for %s', async (_case, outcome) => {
    const { base } = await serve(() => outcome);

    const response = await fetch(`${base}/orders/o-1`);

    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ message: 'Internal server error' });
  });

  it.each([
    ['an unknown resource', '/_aws/execute-api/api1/local/customers', 403, 'Missing Authentication Token'],
    ['a method the resource lacks', '/_aws/execute-api/api1/local/orders', 403, 'Missing Authentication Token'],
    ['an unknown stage', '/_aws/execute-api/api1/prod/orders/o-1', 403, 'Forbidden'],
    ['an unknown API', '/_aws/execute-api/nope/local/orders/o-1', 403, 'Forbidden'],
    ['a path outside any API URL form', '/orders/o-1', 403, 'Forbidden'],
  ])('answers as API Gateway does for %s', async (_case, path, status, message) => {
    const { events } = await serve(() => ({ ok: true, value: { statusCode: 200 } }));

    const response = await fetch(`http://127.0.0.1:${door?.port ?? 0}${path}`);

    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ message });
    expect(events).toEqual([]);
  });

  it('refuses a body over 10 MB with 413 and never invokes the function', async () => {
    const { events } = await serve(() => ({ ok: true, value: { statusCode: 200 } }));

    const status = await new Promise<number>((resolve, reject) => {
      const outgoing = request(
        {
          host: '127.0.0.1',
          port: door?.port,
          method: 'POST',
          path: '/_aws/execute-api/api1/local/orders',
          headers: { 'transfer-encoding': 'chunked' },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      outgoing.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024, 97);
      for (let i = 0; i <= MAX_REQUEST_BYTES / chunk.length; i += 1) outgoing.write(chunk);
      outgoing.end();
    });

    expect(status).toBe(413);
    expect(events).toEqual([]);
  });

  it('accepts a body of exactly 10 MB', async () => {
    const { events } = await serve(() => ({ ok: true, value: { statusCode: 200, body: '' } }));

    const response = await fetch(`${door ? `http://127.0.0.1:${door.port}` : ''}/_aws/execute-api/api1/local/orders`, {
      method: 'POST',
      body: Buffer.alloc(MAX_REQUEST_BYTES, 97),
    });

    expect(response.status).toBe(200);
    expect(events[0]?.body).toHaveLength(MAX_REQUEST_BYTES);
  });
});

describe('front door with a COGNITO_USER_POOLS authorizer', () => {
  const POOL_ID = 'us-east-1_pool1';
  const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`;
  const secured: DeployedApi = {
    ...api,
    routes: api.routes.map((route) => ({ ...route, authorization: { authorizerId: 'az1', scopes: [] } })),
    authorizers: [
      {
        id: 'az1',
        name: 'customers',
        identityHeader: 'Authorization',
        userPools: [{ id: POOL_ID, issuer: ISSUER, clientIds: ['client-a'] }],
      },
    ],
  };
  let key: CryptoKey;
  let keys: Server;
  let keysUrl = '';

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    key = pair.privateKey;
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'dummy', alg: 'RS256' }] });
    keys = createServer((_request, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(jwks),
    );
    await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve));
    keysUrl = `http://127.0.0.1:${(keys.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => keys.close(resolve));
  });

  const token = (claims: Record<string, unknown> = {}) =>
    new SignJWT({
      iss: ISSUER,
      sub: 'sub-1',
      aud: 'client-a',
      token_use: 'id',
      email: 'jane@example.com',
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 3600,
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'dummy' })
      .sign(key);

  async function serveSecured(): Promise<{ base: string; events: APIGatewayProxyEvent[] }> {
    const events: APIGatewayProxyEvent[] = [];
    door = await startFrontDoor({
      apis: [secured],
      accountId: '000000000000',
      host: '127.0.0.1',
      port: 0,
      jwksUrl: (id) => new URL(`/${id}/.well-known/jwks.json`, keysUrl),
      invoke: async (_name, event) => {
        events.push(event as APIGatewayProxyEvent);
        return { ok: true, value: { statusCode: 202, body: '{}' } };
      },
    });
    return { base: `http://127.0.0.1:${door.port}/_aws/execute-api/api1/local`, events };
  }

  it('passes a valid ID token through with its claims in requestContext.authorizer.claims, every value a string', async () => {
    const { base, events } = await serveSecured();

    const response = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { authorization: await token({ email_verified: true }) },
      body: '{}',
    });

    expect(response.status).toBe(202);
    expect(events[0]?.requestContext.authorizer).toEqual({
      claims: expect.objectContaining({
        sub: 'sub-1',
        email: 'jane@example.com',
        email_verified: 'true',
        token_use: 'id',
        exp: expect.stringMatching(/^\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/),
      }),
    });
  });

  it.each([
    ['without a token', async (): Promise<Record<string, string>> => ({})],
    ['with a token for another app client', async () => ({ authorization: await token({ aud: 'client-b' }) })],
    [
      'with an expired token',
      async () => ({ authorization: await token({ exp: Math.floor(Date.now() / 1000) - 10 }) }),
    ],
  ])("answers API Gateway's 401 %s and never invokes the function", async (_case, headers) => {
    const { base, events } = await serveSecured();

    const response = await fetch(`${base}/orders/o-1`, { headers: await headers() });

    expect(response.status).toBe(401);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(events).toEqual([]);
  });

  it('refuses to start without a way to fetch the keys', async () => {
    expect.assertions(1);
    await expect(
      startFrontDoor({
        apis: [secured],
        accountId: '0',
        host: '127.0.0.1',
        port: 0,
        invoke: async () => ({ ok: true, value: {} }),
      }),
    ).rejects.toThrow(/jwksUrl/);
  });
});
