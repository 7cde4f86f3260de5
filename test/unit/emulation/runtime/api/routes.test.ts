import { describe, expect, it } from '@jest/globals';
import { BadPathError, matchRoute, parseApiUrl, type Route } from '../../../../../emulation/runtime/api/routes.js';

const route = (httpMethod: string, resourcePath: string, functionName = 'fn'): Route => ({
  resourceId: resourcePath,
  resourcePath,
  httpMethod,
  functionName,
});

describe('parseApiUrl', () => {
  it.each([
    ['/_aws/execute-api/abc123/local/orders/o-1', '', { apiId: 'abc123', stage: 'local', path: '/orders/o-1' }],
    ['/_aws/execute-api/abc123/local', '', { apiId: 'abc123', stage: 'local', path: '/' }],
    ['/_aws/execute-api/abc123/local/', '', { apiId: 'abc123', stage: 'local', path: '/' }],
    ['/restapis/abc123/local/_user_request_/orders', '', { apiId: 'abc123', stage: 'local', path: '/orders' }],
    ['/restapis/abc123/local/_user_request_', '', { apiId: 'abc123', stage: 'local', path: '/' }],
    [
      '/local/orders',
      'abc123.execute-api.localhost.localstack.cloud:4566',
      { apiId: 'abc123', stage: 'local', path: '/orders' },
    ],
  ])('%s (host %s)', (pathname, host, expected) => {
    expect(parseApiUrl(pathname, host)).toEqual(expected);
  });

  it.each(['/orders', '/_aws/execute-api/abc123', '/restapis/abc123/local/orders'])(
    'does not take %s for an API URL',
    (pathname) => {
      expect(parseApiUrl(pathname, '127.0.0.1:4567')).toBeUndefined();
    },
  );
});

describe('matchRoute', () => {
  const routes = [
    route('POST', '/orders', 'order-api'),
    route('GET', '/orders/{orderId}', 'order-api'),
    route('GET', '/orders/special', 'special'),
    route('ANY', '/files/{proxy+}', 'files'),
    route('GET', '/files/{proxy+}', 'files-get'),
    route('GET', '/', 'root'),
  ];

  it('extracts path parameters, percent-decoded', () => {
    expect(matchRoute(routes, 'GET', '/orders/o%201')).toEqual({
      route: routes[1],
      pathParameters: { orderId: 'o 1' },
    });
  });

  it('prefers a literal segment to a path parameter', () => {
    expect(matchRoute(routes, 'GET', '/orders/special')?.route.functionName).toBe('special');
  });

  it('matches a greedy parameter over several segments and prefers the exact method to ANY', () => {
    expect(matchRoute(routes, 'GET', '/files/a/b/c.txt')).toEqual({
      route: routes[4],
      pathParameters: { proxy: 'a/b/c.txt' },
    });
    expect(matchRoute(routes, 'DELETE', '/files/a')?.route.functionName).toBe('files');
  });

  it('does not match a greedy parameter with nothing after it', () => {
    expect(matchRoute(routes, 'GET', '/files')).toBeUndefined();
  });

  it('matches the root resource and ignores a trailing slash', () => {
    expect(matchRoute(routes, 'GET', '/')?.route.functionName).toBe('root');
    expect(matchRoute(routes, 'POST', '/orders/')?.route.functionName).toBe('order-api');
  });

  it.each([
    ['GET', '/orders'],
    ['DELETE', '/orders/o-1'],
    ['GET', '/orders/o-1/items'],
    ['GET', '/customers'],
  ])('finds no route for %s %s', (method, path) => {
    expect(matchRoute(routes, method, path)).toBeUndefined();
  });

  it('refuses malformed percent-encoding', () => {
    expect(() => matchRoute(routes, 'GET', '/orders/%E0%A4%A')).toThrow(BadPathError);
  });
});
