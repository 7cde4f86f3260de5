// CORS at order-api's edge: the user pool's app client is meant for browsers, and a browser asks
// before a cross-origin POST with Authorization (a preflight OPTIONS, no token: the API routes it
// to this function without the authorizer). Origins come from the deployment (CORS_ALLOWED_ORIGINS);
// an allowed origin gets its preflight answered and its responses marked readable, any other gets
// no CORS header at all (the browser then refuses, as it must). No SDK: plain request and response.
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

type Handler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** What a preflight may ask for: the API's methods and the headers its requests carry. */
const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key';
/** Browsers cache an answered preflight this long (Chromium caps it at 2 h). */
const MAX_AGE_SECONDS = '7200';

/** The comma-separated origins of CORS_ALLOWED_ORIGINS ("" or unset: none). */
export const parseOrigins = (value: string | undefined): readonly string[] =>
  (value ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');

const originOf = (event: APIGatewayProxyEvent): string | undefined => {
  const headers = event.headers ?? {};
  const key = Object.keys(headers).find((name) => name.toLowerCase() === 'origin');
  return key === undefined ? undefined : (headers[key] ?? undefined);
};

export function withCors(handler: Handler, allowedOrigins: readonly string[]): Handler {
  const allowed = new Set(allowedOrigins);
  return async (event) => {
    const origin = originOf(event);
    const permitted = origin !== undefined && allowed.has(origin);
    if (event.httpMethod === 'OPTIONS') {
      // 204 either way; only an allowed origin gets the headers that let the browser go on.
      return {
        statusCode: 204,
        headers: permitted
          ? {
              'Access-Control-Allow-Origin': origin,
              'Access-Control-Allow-Methods': ALLOWED_METHODS,
              'Access-Control-Allow-Headers': ALLOWED_HEADERS,
              'Access-Control-Max-Age': MAX_AGE_SECONDS,
              Vary: 'Origin',
            }
          : { Vary: 'Origin' },
        body: '',
      };
    }
    const response = await handler(event);
    if (!permitted) return response;
    return {
      ...response,
      headers: {
        ...response.headers,
        'Access-Control-Allow-Origin': origin,
        // The client reads Location (the new order's URL) from a 202.
        'Access-Control-Expose-Headers': 'Location',
        Vary: 'Origin',
      },
    };
  };
}
