// The API's front door: node:http requests → API Gateway REST proxy events → the integrated
// function → HTTP responses, with API Gateway's own answers for what never reaches a function.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildProxyEvent, gatewayError, readProxyResponse, type HttpResponse } from './api-event.js';
import { CognitoVerifier } from './authorizer.js';
import type { InvokeOutcome } from '../invoke/contract.js';
import type { DeployedApi } from '../discovery.js';
import { BadPathError, matchRoute, parseApiUrl, type Route } from './routes.js';

/** API Gateway's payload limit for REST APIs. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export interface FrontDoorOptions {
  apis: readonly DeployedApi[];
  invoke: (functionName: string, event: unknown) => Promise<InvokeOutcome>;
  /** Where a user pool's public keys are served (needed when a method has a COGNITO_USER_POOLS authorizer). */
  jwksUrl?: (userPoolId: string) => URL;
  accountId: string;
  /**
   * May API Gateway invoke this function for this request (its source ARN,
   * arn:aws:execute-api:region:account:apiId/stage/METHOD/path)? The function's resource policy
   * decides on AWS (aws_lambda_permission); without this option every route may.
   */
  mayInvoke?: (functionName: string, sourceArn: string) => Promise<boolean>;
  region?: string;
  host: string;
  port: number;
  onRequest?: (line: {
    method: string;
    url: string;
    functionName: string | undefined;
    statusCode: number;
    durationMs: number;
    note?: string;
  }) => void;
  /** Pages of the caller's own under a path no API uses (a console, say), answered before any API. */
  local?: LocalRoutes;
  /** The runtime's own paths (control.ts): an answer, or undefined to serve the request as an API call. */
  control?: (method: string, path: string) => Promise<HttpResponse | undefined>;
}

/** Pages served beside the APIs under one path prefix, e.g. a project's console at /_console. */
export interface LocalRoutes {
  prefix: string;
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** Ends what holds connections open (event streams) before the front door closes. */
  close?(): void;
}

export interface FrontDoor {
  server: Server;
  port: number;
  close(): Promise<void>;
}

class TooLargeError extends Error {}

/** The request body, up to API Gateway's limit; past it, rejects at once and discards the rest of the upload. */
function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(request.headers['content-length'] ?? 0) > MAX_REQUEST_BYTES) {
      request.resume();
      reject(new TooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        reject(new TooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, result: HttpResponse, requestId: string): void {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of result.headers) {
    const list = grouped.get(name) ?? [];
    list.push(value);
    grouped.set(name, list);
  }
  for (const [name, values] of grouped) response.setHeader(name, values.length === 1 ? (values[0] ?? '') : values);
  response.setHeader('x-amzn-RequestId', requestId);
  response.setHeader('Content-Length', result.body.length);
  response.writeHead(result.statusCode);
  response.end(result.body);
}

export async function startFrontDoor(options: FrontDoorOptions): Promise<FrontDoor> {
  const apis = new Map(options.apis.map((api) => [api.id, api]));
  // One verifier per authorizer for the front door's life: each caches its pools' keys.
  const verifiers = new Map<string, CognitoVerifier>();
  for (const api of options.apis) {
    for (const authorizer of api.authorizers) {
      if (options.jwksUrl === undefined)
        throw new Error(
          `API ${api.id} has authorizer ${authorizer.name}: the front door needs jwksUrl to verify its tokens`,
        );
      verifiers.set(`${api.id}/${authorizer.id}`, new CognitoVerifier(authorizer, { jwksUrl: options.jwksUrl }));
    }
  }
  /** The method's authorizer applied to the request: its claims, or why API Gateway would answer 401. */
  const authorize = async (
    apiId: string,
    route: Route,
    request: IncomingMessage,
  ): Promise<{ ok: true; claims?: Record<string, string> } | { ok: false; reason: string }> => {
    if (route.authorization === undefined) return { ok: true };
    const verifier = verifiers.get(`${apiId}/${route.authorization.authorizerId}`);
    if (verifier === undefined)
      return { ok: false, reason: `authorizer ${route.authorization.authorizerId} is not deployed` };
    const header = request.headers[verifier.authorizer.identityHeader.toLowerCase()];
    return verifier.verify(Array.isArray(header) ? header[0] : header, route.authorization.scopes);
  };

  const handle = async (
    request: IncomingMessage,
    requestId: string,
  ): Promise<{ result: HttpResponse; functionName?: string; note?: string }> => {
    const url = new URL(request.url ?? '/', 'http://front-door');
    const control = await options.control?.(request.method ?? 'GET', url.pathname);
    if (control !== undefined) return { result: control, note: 'runtime control' };
    const target = parseApiUrl(url.pathname, request.headers.host ?? '');
    const api = target === undefined ? undefined : apis.get(target.apiId);
    const stage = api?.stages.find((candidate) => candidate.name === target?.stage);
    if (target === undefined || api === undefined || stage === undefined) {
      // What API Gateway answers for an unknown API or stage.
      return { result: gatewayError(403, 'Forbidden', 'ForbiddenException'), note: 'no such API or stage' };
    }
    const method = (request.method ?? 'GET').toUpperCase();
    let matched: ReturnType<typeof matchRoute>;
    try {
      matched = matchRoute(api.routes, method, target.path);
    } catch (error) {
      if (error instanceof BadPathError)
        return { result: gatewayError(400, 'Bad Request', 'BadRequestException'), note: error.message };
      throw error;
    }
    if (matched === undefined) {
      // API Gateway's answer for a resource or method that does not exist.
      return {
        result: gatewayError(403, 'Missing Authentication Token', 'MissingAuthenticationTokenException'),
        note: 'no route',
      };
    }
    // API Gateway runs the authorizer before anything reaches the integration.
    const authorized = await authorize(api.id, matched.route, request);
    if (!authorized.ok) {
      request.resume(); // the body is never read: drain it so the connection can be reused
      return {
        result: gatewayError(401, 'Unauthorized', 'UnauthorizedException'),
        note: `unauthorized: ${authorized.reason}`,
      };
    }
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch (error) {
      if (error instanceof TooLargeError)
        return { result: gatewayError(413, 'Request Too Long', 'RequestTooLongException'), note: 'body over 10 MB' };
      throw error;
    }
    const event = buildProxyEvent(
      {
        method,
        path: target.path,
        query: url.search.replace(/^\?/, ''),
        rawHeaders: request.rawHeaders,
        body,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        protocol: `HTTP/${request.httpVersion}`,
      },
      {
        accountId: options.accountId,
        apiId: api.id,
        stage: stage.name,
        stageVariables: stage.variables,
        resourceId: matched.route.resourceId,
        resourcePath: matched.route.resourcePath,
        pathParameters: matched.pathParameters,
        requestId,
        binaryMediaTypes: api.binaryMediaTypes,
        domainName: request.headers.host ?? `${options.host}:${String(options.port)}`,
        now: new Date(),
        ...(authorized.claims === undefined ? {} : { claims: authorized.claims }),
      },
    );
    const functionName = matched.route.functionName;
    const sourceArn = `arn:aws:execute-api:${options.region ?? 'us-east-1'}:${options.accountId}:${api.id}/${stage.name}/${method}${target.path}`;
    if (options.mayInvoke !== undefined && !(await options.mayInvoke(functionName, sourceArn))) {
      // API Gateway's answer when the function's policy does not let it invoke: a 500, and in the
      // execution log "Invalid permissions on Lambda function".
      return {
        result: gatewayError(500, 'Internal server error', 'InternalServerErrorException'),
        functionName,
        note: `Execution failed due to configuration error: Invalid permissions on Lambda function (${sourceArn})`,
      };
    }
    const outcome = await options.invoke(functionName, event);
    if (!outcome.ok) {
      return {
        result: gatewayError(502, 'Internal server error', 'InternalServerErrorException'),
        functionName,
        note: `${outcome.kind}: ${outcome.message}`,
      };
    }
    const read = readProxyResponse(outcome.value);
    if (!read.ok) {
      return {
        result: gatewayError(502, 'Internal server error', 'InternalServerErrorException'),
        functionName,
        note: `malformed Lambda proxy response: ${read.reason}`,
      };
    }
    return { result: read.response, functionName };
  };

  const server = createServer((request, response) => {
    const { local } = options;
    const url = request.url ?? '';
    if (
      local !== undefined &&
      (url === local.prefix || url.startsWith(`${local.prefix}/`) || url.startsWith(`${local.prefix}?`))
    ) {
      local.handle(request, response);
      return;
    }
    const started = Date.now();
    const requestId = randomUUID();
    handle(request, requestId)
      .catch((error: unknown) => ({
        result: gatewayError(500, 'Internal server error', 'InternalServerErrorException'),
        functionName: undefined,
        note: `front door error: ${error instanceof Error ? error.message : String(error)}`,
      }))
      .then(({ result, functionName, note }) => {
        if (result.statusCode === 413) response.setHeader('Connection', 'close');
        send(response, result, requestId);
        options.onRequest?.({
          method: request.method ?? '?',
          url: request.url ?? '?',
          functionName,
          statusCode: result.statusCode,
          durationMs: Date.now() - started,
          ...(note === undefined ? {} : { note }),
        });
      })
      .catch(() => response.destroy());
  });
  server.requestTimeout = 0; // a slow function is bounded by its own timeout
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
