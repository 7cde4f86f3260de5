// The HTTP edge of order-api: route, check the request's envelope (method, media type, size, JSON,
// Idempotency-Key), parse the body with its schema, call the domain, and map every outcome to a
// response. Every refusal is a 4xx problem+json, thrown as one of errors.ts' errors before any
// write and answered by toProblem's table; a raw error never reaches the client. Expects lower-cased header names (the middy
// http-header-normalizer runs first).
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as v from 'valibot';
import type { Log } from '../shared/logger.js';
import {
  ConflictError,
  MalformedRequestError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
  UnverifiedEmailError,
  ValidationError,
} from './errors.js';
import { getOrder } from './get-order.js';
import { placeOrder, type PlaceOrderDeps } from './place-order.js';
import { problem, type Refusal } from './problem.js';
import {
  CustomerClaimsSchema,
  IDEMPOTENCY_KEY_PATTERN,
  MAX_BODY_BYTES,
  ORDER_ID_PATTERN,
  PlaceOrderRequestSchema,
  toFieldProblems,
  type Customer,
} from './request.js';

/** placeOrder's dependencies, and a log for the access log and the unexpected errors. */
export type ApiDeps = PlaceOrderDeps & { log: Pick<Log, 'info' | 'error'> };

type Route = { name: 'place' } | { name: 'get'; orderId: string } | { name: 'none' };

/** What a request was answered, and for a refusal the fields it refused (no fields: an answer that refuses none). */
type Answered = { response: APIGatewayProxyResult; fields?: readonly string[] };

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

function route(event: APIGatewayProxyEvent): Route {
  // REST proxy events carry the matched resource (the local front door's too); only these two are deployed.
  if (event.resource === '/orders') return { name: 'place' };
  if (event.resource === '/orders/{orderId}') return { name: 'get', orderId: event.pathParameters?.orderId ?? '' };
  return { name: 'none' };
}

const header = (event: APIGatewayProxyEvent, name: string): string | undefined => event.headers?.[name] ?? undefined;

function contentTypeIsJson(value: string | undefined): boolean {
  if (value === undefined) return false;
  const [mediaType, ...params] = value.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') return false;
  return params.every((param) => !param.startsWith('charset=') || /^charset="?utf-8"?$/.test(param));
}

function readBody(event: APIGatewayProxyEvent): unknown {
  if (!contentTypeIsJson(header(event, 'content-type'))) {
    throw new UnsupportedMediaTypeError('Send the order as application/json', [
      { field: 'Content-Type', message: 'must be application/json' },
    ]);
  }
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`The body must be at most ${MAX_BODY_BYTES} bytes`, [
      { field: 'body', message: `is ${bytes.length} bytes, over the ${MAX_BODY_BYTES}-byte limit` },
    ]);
  }
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new MalformedRequestError('The body is not valid JSON', [{ field: 'body', message: 'is not valid JSON' }]);
  }
}

function readIdempotencyKey(event: APIGatewayProxyEvent): string | undefined {
  const key = header(event, 'idempotency-key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new ValidationError('The Idempotency-Key header is invalid', [
      { field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' },
    ]);
  }
  return key;
}

/** The customer from the claims of the ID token API Gateway's Cognito authorizer accepted. */
function readCustomer(event: APIGatewayProxyEvent): Customer {
  const claims = v.safeParse(CustomerClaimsSchema, event.requestContext?.authorizer?.claims);
  if (!claims.success) throw new UnauthenticatedError('Sign in: send your ID token in the Authorization header');
  if (claims.output.email_verified !== 'true')
    throw new UnverifiedEmailError('Verify your email address before ordering');
  return { customerId: claims.output.sub, email: claims.output.email };
}

async function handlePlace(event: APIGatewayProxyEvent, deps: ApiDeps): Promise<APIGatewayProxyResult> {
  const customer = readCustomer(event);
  const body = readBody(event);
  const key = readIdempotencyKey(event);
  const parsed = v.safeParse(PlaceOrderRequestSchema, body);
  if (!parsed.success) {
    const problems = toFieldProblems(parsed.issues);
    throw new ValidationError(
      `The order is invalid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      problems,
    );
  }
  const result = await placeOrder(parsed.output, customer, key, deps);
  return json(result.statusCode, result.body, { Location: `/orders/${result.orderId}` });
}

async function handleGet(event: APIGatewayProxyEvent, orderId: string, deps: ApiDeps): Promise<APIGatewayProxyResult> {
  const customer = readCustomer(event);
  if (!ORDER_ID_PATTERN.test(orderId)) {
    throw new MalformedRequestError('The order id is malformed', [
      { field: 'orderId', message: 'must be an order id as returned by POST /orders (a UUID)' },
    ]);
  }
  return json(200, await getOrder(orderId, customer.customerId, deps.orders));
}

/** How one kind of error is answered. `respond` takes that kind (never: any answer fits the table). */
interface Answer {
  kind: abstract new (...args: never[]) => Error;
  respond: (error: never) => Refusal;
}
const answer = <E extends Error>(
  kind: abstract new (...args: never[]) => E,
  respond: (error: E) => Refusal,
): Answer => ({ kind, respond });

/** The one table from error to status and problem, the first kind that matches answering; anything else is a 500. */
const ANSWERS: Answer[] = [
  answer(MalformedRequestError, (error) => problem(400, error.message, error.problems)),
  answer(UnauthenticatedError, (error) =>
    problem(401, error.message, [{ field: 'Authorization', message: 'carries no ID token' }]),
  ),
  answer(UnverifiedEmailError, (error) =>
    problem(403, error.message, [{ field: 'Authorization', message: 'names an unverified email' }]),
  ),
  answer(NotFoundError, () => problem(404, 'No order with this id', [{ field: 'orderId', message: 'names no order' }])),
  answer(ConflictError, (error) =>
    problem(409, error.message, [{ field: 'Idempotency-Key', message: 'is in use by a request in progress' }], {
      'Retry-After': '1',
    }),
  ),
  answer(PayloadTooLargeError, (error) => problem(413, error.message, error.problems)),
  answer(UnsupportedMediaTypeError, (error) => problem(415, error.message, error.problems)),
  answer(ValidationError, (error) => problem(422, error.message, error.problems)),
];

function toProblem(error: unknown, deps: ApiDeps, where: Record<string, unknown>): Refusal {
  const known = ANSWERS.find(({ kind }) => error instanceof kind);
  // find() matched error's kind, the very type this answer's respond takes.
  if (known !== undefined) return known.respond(error as never);
  deps.log.error('unexpected error', {
    ...where,
    error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
  });
  return problem(500, 'Something went wrong on our side; please retry later');
}

/**
 * One line per request, as an access log: what was asked, the answer, the order it concerns, and
 * for a refusal the names of the offending fields (never their values: they may be an email).
 */
function accessLog(
  target: Route,
  event: APIGatewayProxyEvent,
  { response, fields }: Answered,
): Record<string, unknown> {
  const location = response.headers?.Location;
  const orderId =
    target.name === 'get'
      ? target.orderId
      : typeof location === 'string'
        ? location.replace('/orders/', '')
        : undefined;
  return {
    requestId: event.requestContext?.requestId,
    method: event.httpMethod,
    route: target.name,
    status: response.statusCode,
    ...(orderId === undefined ? {} : { orderId }),
    ...(fields === undefined || fields.length === 0 ? {} : { fields }),
  };
}

/** Each deployed resource takes one method; the others are refused naming it. */
const methodNotAllowed = (event: APIGatewayProxyEvent, allowed: string, resource: string): Refusal =>
  problem(405, `Use ${allowed} on ${resource}`, [{ field: 'method', message: `${event.httpMethod} is not allowed` }], {
    Allow: allowed,
  });

async function respond(target: Route, event: APIGatewayProxyEvent, deps: ApiDeps): Promise<Answered> {
  try {
    switch (target.name) {
      case 'place':
        if (event.httpMethod !== 'POST') return methodNotAllowed(event, 'POST', '/orders');
        return { response: await handlePlace(event, deps) };
      case 'get':
        if (event.httpMethod !== 'GET') return methodNotAllowed(event, 'GET', '/orders/{orderId}');
        return { response: await handleGet(event, target.orderId, deps) };
      case 'none':
        return problem(404, 'No such resource', [{ field: 'path', message: 'names no resource' }]);
    }
  } catch (error) {
    return toProblem(error, deps, { route: target.name });
  }
}

/** order-api's one handler: routes the request, answers it, and writes its access-log line. */
export async function handleRequest(event: APIGatewayProxyEvent, deps: ApiDeps): Promise<APIGatewayProxyResult> {
  const target = route(event);
  const answered = await respond(target, event, deps);
  deps.log.info('request', accessLog(target, event, answered));
  return answered.response;
}
