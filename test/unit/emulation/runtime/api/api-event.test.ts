import { describe, expect, it } from '@jest/globals';
import {
  buildProxyEvent,
  readProxyResponse,
  requestTime,
  type IncomingRequest,
  type ProxyTarget,
} from '../../../../../emulation/runtime/api/api-event.js';

const request = (overrides: Partial<IncomingRequest> = {}): IncomingRequest => ({
  method: 'POST',
  path: '/orders/o%2D1',
  query: 'tag=a&tag=b&q=x%20y',
  rawHeaders: ['Content-Type', 'application/json', 'X-Trace', 'one', 'X-Trace', 'two', 'User-Agent', 'jest'],
  body: Buffer.from('{"a":1}'),
  sourceIp: '127.0.0.1',
  protocol: 'HTTP/1.1',
  ...overrides,
});

const target = (overrides: Partial<ProxyTarget> = {}): ProxyTarget => ({
  accountId: '000000000000',
  apiId: 'abc123',
  stage: 'local',
  stageVariables: {},
  resourceId: 'res1',
  resourcePath: '/orders/{orderId}',
  pathParameters: { orderId: 'o-1' },
  requestId: 'req-1',
  binaryMediaTypes: [],
  domainName: '127.0.0.1:4567',
  now: new Date(Date.UTC(2026, 10, 25, 9, 7, 41)),
  ...overrides,
});

describe('buildProxyEvent (API Gateway REST, payload 1.0)', () => {
  it('builds the proxy event a Lambda integration receives', () => {
    const event = buildProxyEvent(request(), target());

    expect(event).toMatchObject({
      resource: '/orders/{orderId}',
      path: '/orders/o%2D1',
      httpMethod: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Trace': 'two', 'User-Agent': 'jest' },
      multiValueHeaders: { 'Content-Type': ['application/json'], 'X-Trace': ['one', 'two'], 'User-Agent': ['jest'] },
      queryStringParameters: { tag: 'b', q: 'x y' },
      multiValueQueryStringParameters: { tag: ['a', 'b'], q: ['x y'] },
      pathParameters: { orderId: 'o-1' },
      stageVariables: null,
      body: '{"a":1}',
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'abc123',
        resourceId: 'res1',
        resourcePath: '/orders/{orderId}',
        httpMethod: 'POST',
        stage: 'local',
        requestId: 'req-1',
        path: '/local/orders/o%2D1',
        protocol: 'HTTP/1.1',
        requestTime: '25/Nov/2026:09:07:41 +0000',
        requestTimeEpoch: Date.UTC(2026, 10, 25, 9, 7, 41),
        identity: { sourceIp: '127.0.0.1', userAgent: 'jest' },
      },
    });
  });

  it('uses null for an empty body, no query string, no path parameters and stage variables', () => {
    const event = buildProxyEvent(
      request({ method: 'GET', query: '', body: Buffer.alloc(0) }),
      target({ pathParameters: {}, stageVariables: { env: 'local' } }),
    );

    expect(event).toMatchObject({
      body: null,
      isBase64Encoded: false,
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      stageVariables: { env: 'local' },
    });
  });

  it('base64-encodes a body whose content type is one of the API binary media types', () => {
    const body = Buffer.from([0xff, 0x00, 0x01]);
    const event = buildProxyEvent(
      request({ rawHeaders: ['content-type', 'image/png'], body }),
      target({ binaryMediaTypes: ['image/*'] }),
    );

    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe(body.toString('base64'));
  });

  it('formats requestTime as API Gateway does', () => {
    expect(requestTime(new Date(Date.UTC(2026, 0, 5, 3, 4, 5)))).toBe('05/Jan/2026:03:04:05 +0000');
  });
});

describe('readProxyResponse', () => {
  it('reads status, headers and body, adding the default JSON content type', () => {
    const read = readProxyResponse({
      statusCode: 202,
      headers: { Location: '/orders/o-1', 'X-Count': 2 },
      body: '{"ok":true}',
    });

    expect(read).toEqual({
      ok: true,
      response: {
        statusCode: 202,
        headers: [
          ['Location', '/orders/o-1'],
          ['X-Count', '2'],
          ['Content-Type', 'application/json'],
        ],
        body: Buffer.from('{"ok":true}'),
      },
    });
  });

  it('lets multiValueHeaders win over headers for the same name', () => {
    const read = readProxyResponse({
      statusCode: 200,
      headers: { 'Set-Cookie': 'x=0', 'Content-Type': 'text/plain' },
      multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
    });

    expect(read.ok && read.response.headers).toEqual([
      ['Content-Type', 'text/plain'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);
  });

  it('decodes a base64 body', () => {
    const read = readProxyResponse({
      statusCode: 200,
      body: Buffer.from([1, 2, 3]).toString('base64'),
      isBase64Encoded: true,
    });

    expect(read.ok && read.response.body).toEqual(Buffer.from([1, 2, 3]));
  });

  it('accepts a response without a body', () => {
    expect(readProxyResponse({ statusCode: 204 })).toMatchObject({
      ok: true,
      response: { statusCode: 204, body: Buffer.alloc(0) },
    });
  });

  it.each([
    ['no response', undefined],
    ['a string', 'ok'],
    ['a list', [200]],
    ['no statusCode', { body: 'x' }],
    ['a string statusCode', { statusCode: '200', body: 'x' }],
    ['a fractional statusCode', { statusCode: 200.5 }],
    ['an out-of-range statusCode', { statusCode: 99 }],
    ['an object body', { statusCode: 200, body: { a: 1 } }],
    ['a header that is an object', { statusCode: 200, headers: { a: { b: 1 } } }],
    ['multiValueHeaders that are not lists', { statusCode: 200, multiValueHeaders: { a: 'b' } }],
    ['isBase64Encoded not a boolean', { statusCode: 200, body: 'x', isBase64Encoded: 'yes' }],
  ])('refuses %s (API Gateway answers 502)', (_case, value) => {
    expect(readProxyResponse(value).ok).toBe(false);
  });
});
