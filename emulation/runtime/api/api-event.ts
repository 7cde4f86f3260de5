// API Gateway REST (v1) Lambda proxy integration: the event sent to the function and the reading of
// its response (pure).
import type { APIGatewayProxyEvent } from 'aws-lambda';

export interface IncomingRequest {
  method: string;
  /** Path after the stage, still percent-encoded, e.g. /orders/o-1. */
  path: string;
  /** The raw query string without "?", or ''. */
  query: string;
  /** Node's rawHeaders: [name, value, name, value, …] with the client's casing. */
  rawHeaders: readonly string[];
  body: Buffer;
  sourceIp: string;
  protocol: string;
}

export interface ProxyTarget {
  accountId: string;
  apiId: string;
  stage: string;
  stageVariables: Record<string, string> | undefined;
  resourceId: string;
  resourcePath: string;
  pathParameters: Record<string, string>;
  requestId: string;
  /** API-level binaryMediaTypes: bodies of these content types are passed base64-encoded. */
  binaryMediaTypes: readonly string[];
  domainName: string;
  now: Date;
  /** The claims of the token a method's COGNITO_USER_POOLS authorizer accepted (every value a string). */
  claims?: Record<string, string>;
}

const nonEmpty = <T extends object>(value: T): T | null => (Object.keys(value).length === 0 ? null : value);

function parseQuery(query: string): { single: Record<string, string>; multi: Record<string, string[]> } {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, value] of new URLSearchParams(query)) {
    single[key] = value; // API Gateway keeps the last value in queryStringParameters
    multi[key] = [...(multi[key] ?? []), value];
  }
  return { single, multi };
}

function mediaTypeMatches(contentType: string, patterns: readonly string[]): boolean {
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return patterns.some((pattern) => {
    const p = pattern.toLowerCase();
    if (p === '*/*') return true;
    if (p.endsWith('/*')) return type.startsWith(p.slice(0, -1));
    return p === type;
  });
}

/** CLF-style time as API Gateway writes requestTime: 25/Nov/2026:09:07:41 +0000. */
export function requestTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()] ?? ''}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

export function buildProxyEvent(request: IncomingRequest, target: ProxyTarget): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i] ?? '';
    const value = request.rawHeaders[i + 1] ?? '';
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  const header = (name: string): string | undefined => {
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
    return key === undefined ? undefined : headers[key];
  };
  const query = parseQuery(request.query);
  const binary = request.body.length > 0 && mediaTypeMatches(header('content-type') ?? '', target.binaryMediaTypes);
  const path = request.path === '' ? '/' : request.path;
  return {
    resource: target.resourcePath,
    path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: nonEmpty(query.single),
    multiValueQueryStringParameters: nonEmpty(query.multi),
    pathParameters: nonEmpty(target.pathParameters),
    stageVariables: target.stageVariables === undefined ? null : nonEmpty(target.stageVariables),
    requestContext: {
      resourceId: target.resourceId,
      resourcePath: target.resourcePath,
      httpMethod: request.method,
      extendedRequestId: target.requestId,
      requestTime: requestTime(target.now),
      path: `/${target.stage}${path}`,
      accountId: target.accountId,
      protocol: request.protocol,
      stage: target.stage,
      domainPrefix: target.domainName.split('.')[0] ?? target.domainName,
      requestTimeEpoch: target.now.getTime(),
      requestId: target.requestId,
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp: request.sourceIp,
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: header('user-agent') ?? null,
        user: null,
        apiKey: null,
        apiKeyId: null,
        clientCert: null,
      },
      domainName: target.domainName,
      apiId: target.apiId,
      authorizer: target.claims === undefined ? undefined : { claims: target.claims },
    },
    body: request.body.length === 0 ? null : binary ? request.body.toString('base64') : request.body.toString('utf8'),
    isBase64Encoded: binary,
  };
}

export interface HttpResponse {
  statusCode: number;
  /** In order; a name may repeat (multiValueHeaders). */
  headers: [string, string][];
  body: Buffer;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isScalar = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/**
 * Reads a proxy integration response the way API Gateway does: an object with an integer
 * statusCode, optional headers (scalars) and multiValueHeaders (lists of scalars; on a name
 * present in both, multiValueHeaders wins), an optional string body and an optional boolean
 * isBase64Encoded. Anything else is a malformed response (API Gateway answers 502).
 */
export function readProxyResponse(
  value: unknown,
): { ok: true; response: HttpResponse } | { ok: false; reason: string } {
  if (!isRecord(value)) return { ok: false, reason: 'response is not an object' };
  const { statusCode, headers, multiValueHeaders, body, isBase64Encoded } = value;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return { ok: false, reason: 'statusCode is not an integer HTTP status' };
  }
  if (headers !== undefined && headers !== null && !(isRecord(headers) && Object.values(headers).every(isScalar))) {
    return { ok: false, reason: 'headers is not a map of strings' };
  }
  if (
    multiValueHeaders !== undefined &&
    multiValueHeaders !== null &&
    !(
      isRecord(multiValueHeaders) &&
      Object.values(multiValueHeaders).every((list) => Array.isArray(list) && list.every(isScalar))
    )
  ) {
    return { ok: false, reason: 'multiValueHeaders is not a map of lists of strings' };
  }
  if (body !== undefined && body !== null && typeof body !== 'string')
    return { ok: false, reason: 'body is not a string' };
  if (isBase64Encoded !== undefined && isBase64Encoded !== null && typeof isBase64Encoded !== 'boolean') {
    return { ok: false, reason: 'isBase64Encoded is not a boolean' };
  }
  const out: [string, string][] = [];
  const multi = isRecord(multiValueHeaders) ? multiValueHeaders : {};
  const multiNames = new Set(Object.keys(multi).map((name) => name.toLowerCase()));
  for (const [name, single] of Object.entries(isRecord(headers) ? headers : {})) {
    if (!multiNames.has(name.toLowerCase())) out.push([name, String(single)]);
  }
  for (const [name, list] of Object.entries(multi)) {
    for (const item of list as unknown[]) out.push([name, String(item)]);
  }
  if (!out.some(([name]) => name.toLowerCase() === 'content-type')) out.push(['Content-Type', 'application/json']);
  const text = typeof body === 'string' ? body : '';
  return {
    ok: true,
    response: {
      statusCode,
      headers: out,
      body: isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
    },
  };
}

/** API Gateway's own error responses. */
export function gatewayError(statusCode: number, message: string, errorType: string): HttpResponse {
  return {
    statusCode,
    headers: [
      ['Content-Type', 'application/json'],
      ['x-amzn-ErrorType', errorType],
    ],
    body: Buffer.from(JSON.stringify({ message })),
  };
}
