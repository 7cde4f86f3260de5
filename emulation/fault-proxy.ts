// A fault-injecting HTTP proxy between the functions and the AWS emulator. It forwards every call,
// counts it by API ("DynamoDB.PutItem", "SNS.Publish", …) and caller, and, when told to, fails a
// share of them the way AWS does: throttling, 5xx, a lost response after the effect happened, a
// transaction cancelled by a conflict with another (DynamoDB's TransactionConflict, which the
// emulator, serialising every write, never answers), an email SES refuses (MessageRejected), or
// SES refusing every email for the account (sending paused, suspended, sender not verified, quota).
//
// Each function talks to <proxy>/fn/<functionName>, so the proxy knows the caller; the prefix is
// stripped before forwarding. Tests and the benchmark steer it over HTTP:
//   PUT  /_fault-proxy/rules  { "seed": 42, "rules": [ { "action": "SNS.Publish", "rate": 1, "fault": "500", "times": 3 } ] }
//   GET  /_fault-proxy/stats  → { calls, injected, byFunction }
//   PUT  /_fault-proxy/recording { "on": true }  → keeps every function's request from now on (a new recording)
//   GET  /_fault-proxy/requests → the requests kept, oldest first (the benchmark's ceiling replays them)
//   POST /_fault-proxy/reset  → clears rules, counters and the requests kept
// With an IAM gate (emulation/iam/gate.ts), every function's call is authorised first, and:
//   GET  /_fault-proxy/iam → { observed: (role, action, resource, allowed, denied)[], roles, expectedDenials }
//   GET  /_fault-proxy/iam/role?arn=<role ARN> → the role's statements as the gate holds them now
//   PUT  /_fault-proxy/iam/expected-denial { role, action, resource } → a denial a test provokes on purpose
import { createHash, randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod';
import type { IamGate } from './iam/gate.js';
import { signedCallOf, type SignedCall } from './iam/requests.js';

const FaultRuleSchema = z.object({
  /** "Service.Action", "Service.*" or "*". */
  action: z.string().min(1),
  rate: z.number().min(0).max(1),
  /**
   * throttle: the service's throttling error; 500/503: a server error; after: forward, then answer 500;
   * conflict: TransactWriteItems cancelled with one TransactionConflict reason (other calls pass);
   * rejected: SESv2 SendEmail refused with MessageRejected (other calls pass); SESv2 SendEmail
   * refused for the account (other calls pass): ses-paused (SendingPausedException), ses-suspended
   * (AccountSuspendedException), ses-sender-unverified (MessageRejected naming the request's
   * sender), ses-daily-quota (TooManyRequestsException, "Daily message quota exceeded");
   * lost: SNS Publish answered with success and a MessageId but delivered nowhere (other calls pass).
   */
  fault: z.enum([
    'throttle',
    '500',
    '503',
    'after',
    'conflict',
    'rejected',
    'ses-paused',
    'ses-suspended',
    'ses-sender-unverified',
    'ses-daily-quota',
    'lost',
  ]),
  /** Stop after this many injections. */
  times: z.number().int().positive().optional(),
  /** Stop after this many injections per distinct request body: each publish of one event (an SDK retry, a redelivery) fails that often. */
  timesEach: z.number().int().positive().optional(),
  /** Only calls from this function. */
  function: z.string().min(1).optional(),
});
export type FaultRule = z.infer<typeof FaultRuleSchema>;

const RulesRequestSchema = z.object({ seed: z.number().int().optional(), rules: z.array(FaultRuleSchema) });
const RecordingRequestSchema = z.object({ on: z.boolean() });
const ExpectedDenialSchema = z.object({
  role: z.string().min(1),
  action: z.string().min(1),
  resource: z.string().min(1),
});

/** The headers a replay sends as recorded: the rest belong to the connection or to the original body. */
const NOT_REPLAYED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'expect']);

function replayableHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) =>
      NOT_REPLAYED.has(name) || value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]],
    ),
  );
}

export interface FaultStats {
  calls: Record<string, number>;
  injected: Record<string, number>;
  /** Calls the IAM gate refused, by API. */
  denied: Record<string, number>;
  byFunction: Record<string, Record<string, number>>;
}

/** One call a function made, as it reached the proxy: what the benchmark's ceiling replays. */
export interface RecordedRequest {
  function: string;
  action: string;
  method: string;
  /** The path after /fn/<function>. */
  path: string;
  /** As sent, without host, connection and length (a replay's body differs). */
  headers: Record<string, string>;
  body: string;
  /** When the proxy received it (ms since the epoch). */
  at: number;
}

export interface FaultProxy {
  url: string;
  /** The endpoint a function should use so the proxy knows the caller. */
  functionUrl(functionName: string): string;
  setRules(rules: FaultRule[], seed?: number): void;
  stats(): FaultStats;
  /** true: a new recording (the last one is dropped) of every request a function makes; false: stop, keeping what was recorded. */
  record(on: boolean): void;
  recorded(): RecordedRequest[];
  reset(): void;
  stop(): Promise<void>;
}

type Protocol = SignedCall['protocol'];

interface Call {
  action: string;
  protocol: Protocol;
  signed: SignedCall;
}

const SERVICE_NAMES: Record<string, string> = {
  dynamodb: 'DynamoDB',
  sns: 'SNS',
  sqs: 'SQS',
  ses: 'SESv2',
  email: 'SESv2',
  lambda: 'Lambda',
  sts: 'STS',
};

/** "DynamoDB.PutItem" from X-Amz-Target (JSON protocols), the query Action, or the REST path. */
function classify(method: string, path: string, headers: IncomingHttpHeaders, body: string): Call {
  const signed = signedCallOf(method, path, headers, body);
  // The emulator's own endpoints (no AWS API).
  if (path.startsWith('/_aws/')) return { action: `Local.${method} ${path.split('?')[0]}`, protocol: 'rest', signed };
  const service = SERVICE_NAMES[signed.service] ?? (signed.service === 'unknown' ? 'Unknown' : signed.service);
  return { action: `${service}.${signed.operation}`, protocol: signed.protocol, signed };
}

type Answer = { status: number; headers: Record<string, string>; body: string };

/** The faults that only some calls can meet: a conflict needs a transaction, a refusal an email. */
const ONLY_FOR: Partial<Record<FaultRule['fault'], string>> = {
  conflict: 'DynamoDB.TransactWriteItems',
  rejected: 'SESv2.SendEmail',
  'ses-paused': 'SESv2.SendEmail',
  'ses-suspended': 'SESv2.SendEmail',
  'ses-sender-unverified': 'SESv2.SendEmail',
  'ses-daily-quota': 'SESv2.SendEmail',
  lost: 'SNS.Publish',
};

type SesAccountFault = 'ses-paused' | 'ses-suspended' | 'ses-sender-unverified' | 'ses-daily-quota';
const SES_ACCOUNT_FAULTS = new Set<string>(['ses-paused', 'ses-suspended', 'ses-sender-unverified', 'ses-daily-quota']);
const isSesAccountFault = (fault: string): fault is SesAccountFault => SES_ACCOUNT_FAULTS.has(fault);

/**
 * DynamoDB's answer to a transaction that touched an item another transaction holds: one reason
 * per item of the request, in its order, `TransactionConflict` for the contended one and `None`
 * for the rest, and a message listing the codes.
 */
function conflictResponse(itemCount: number, conflicted: number): Answer {
  const reasons = Array.from({ length: itemCount }, (_, i) =>
    i === conflicted
      ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
      : { Code: 'None' },
  );
  const type = 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException';
  return {
    status: 400,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify({
      __type: type,
      CancellationReasons: reasons,
      Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    }),
  };
}

/** SESv2's refusal of an email (REST-JSON: the error type in x-amzn-ErrorType, the message in the body). */
function rejectedResponse(): Answer {
  return {
    status: 400,
    headers: {
      'content-type': 'application/json',
      'x-amzn-requestid': randomUUID(),
      'x-amzn-errortype': 'MessageRejected',
    },
    body: JSON.stringify({
      message:
        'Email address is not verified. The following identities failed the check in region US-EAST-1 (injected)',
    }),
  };
}

/** The sender a SESv2 SendEmail request names (its JSON body's FromEmailAddress), if it can be read. */
function senderOf(body: string): string | undefined {
  const parsed = z.object({ FromEmailAddress: z.string() }).safeParse(JSON.parse(body || '{}'));
  return parsed.success ? parsed.data.FromEmailAddress : undefined;
}

/**
 * SESv2's refusals of SendEmail that concern the account or the sender, in its REST-JSON shape (the
 * error type in x-amzn-ErrorType, the message in the body; 400, or 429 for TooManyRequestsException,
 * as the SESv2 model declares them).
 */
function sesAccountRefusalResponse(fault: SesAccountFault, requestBody: string): Answer {
  const [status, type, message] =
    fault === 'ses-paused'
      ? [400, 'SendingPausedException', 'Sending is paused for this account. (injected)']
      : fault === 'ses-suspended'
        ? [400, 'AccountSuspendedException', "This account's ability to send email has been suspended. (injected)"]
        : fault === 'ses-daily-quota'
          ? [429, 'TooManyRequestsException', 'Daily message quota exceeded. (injected)']
          : [
              400,
              'MessageRejected',
              `Email address is not verified. The following identities failed the check in region US-EAST-1: ${senderOf(requestBody) ?? 'unknown'}`,
            ];
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), 'x-amzn-errortype': type },
    body: JSON.stringify({ message }),
  };
}

/** SNS's answer to a publish it accepted (a new MessageId), in the protocol the caller speaks: what a lost announcement looks like. */
function acceptedPublishResponse(protocol: Protocol): Answer {
  const [messageId, requestId] = [randomUUID(), randomUUID()];
  if (protocol === 'query')
    return {
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
    };
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId },
    body: JSON.stringify({ MessageId: messageId }),
  };
}

/** The error AWS would answer, in the protocol the caller speaks, so the SDK treats it as AWS's own. */
function faultResponse(protocol: Protocol, fault: 'throttle' | '500' | '503'): Answer {
  const requestId = randomUUID();
  const [status, code, message] =
    fault === 'throttle'
      ? [400, 'ThrottlingException', 'Rate exceeded (injected)']
      : fault === '503'
        ? [503, 'ServiceUnavailable', 'Service unavailable (injected)']
        : [500, 'InternalFailure', 'Internal failure (injected)'];
  if (protocol === 'query') {
    const queryCode = fault === 'throttle' ? 'Throttling' : code;
    return {
      status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: `<ErrorResponse><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${queryCode}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  // JSON and REST-JSON protocols; REST throttling is 429 TooManyRequestsException.
  const restThrottle = protocol === 'rest' && fault === 'throttle';
  const type = restThrottle ? 'TooManyRequestsException' : code;
  return {
    status: restThrottle ? 429 : status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': type,
      'x-amzn-query-error': `${type};${status >= 500 ? 'Receiver' : 'Sender'}`,
    },
    body: JSON.stringify({ __type: type, message }),
  };
}

/** A small seeded generator (mulberry32): the same seed gives the same sequence of decisions. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const matches = (pattern: string, action: string): boolean =>
  pattern === '*' || pattern === action || (pattern.endsWith('.*') && action.startsWith(pattern.slice(0, -1)));

const increment = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** How many items a TransactWriteItems request holds (at least one: DynamoDB refuses an empty transaction). */
function transactItemCount(body: Buffer): number {
  const parsed = z
    .object({ TransactItems: z.array(z.unknown()).min(1) })
    .safeParse(JSON.parse(body.toString('utf8') || '{}'));
  return parsed.success ? parsed.data.TransactItems.length : 1;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startFaultProxy(options: {
  target: string;
  port?: number;
  host?: string;
  /** Authorises every function's call as AWS would (emulation/iam/gate.ts) before anything else happens to it. */
  gate?: IamGate;
}): Promise<FaultProxy> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true });
  let rules: (FaultRule & { injected: number; injectedByBody: Map<string, number> })[] = [];
  let random = seededRandom(1);
  let stats: FaultStats = { calls: {}, injected: {}, denied: {}, byFunction: {} };
  const gate = options.gate;
  let recording = false;
  let requests: RecordedRequest[] = [];

  const setRules = (next: FaultRule[], seed = 1): void => {
    rules = next.map((rule) => ({ ...rule, injected: 0, injectedByBody: new Map<string, number>() }));
    random = seededRandom(seed);
  };
  const record = (on: boolean): void => {
    if (on) requests = [];
    recording = on;
  };
  const reset = (): void => {
    rules = [];
    stats = { calls: {}, injected: {}, denied: {}, byFunction: {} };
    recording = false;
    requests = [];
  };

  const pickFault = (call: Call, caller: string | undefined, body: string): FaultRule['fault'] | undefined => {
    for (const rule of rules) {
      if (!matches(rule.action, call.action)) continue;
      if (rule.function !== undefined && rule.function !== caller) continue;
      if (rule.times !== undefined && rule.injected >= rule.times) continue;
      const only = ONLY_FOR[rule.fault];
      if (only !== undefined && only !== call.action) continue;
      const key = rule.timesEach === undefined ? '' : createHash('sha256').update(body).digest('hex');
      if (rule.timesEach !== undefined && (rule.injectedByBody.get(key) ?? 0) >= rule.timesEach) continue;
      if (random() >= rule.rate) continue;
      rule.injected += 1;
      if (rule.timesEach !== undefined) rule.injectedByBody.set(key, (rule.injectedByBody.get(key) ?? 0) + 1);
      return rule.fault;
    }
    return undefined;
  };

  const forward = (
    req: IncomingMessage,
    path: string,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path,
          headers: { ...req.headers, host: target.host },
          agent,
        },
        (res) => {
          readBody(res).then(
            (data) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: data }),
            reject,
          );
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  const send = (
    res: ServerResponse,
    status: number,
    headers: Record<string, string | string[] | undefined>,
    body: string | Buffer,
  ): void => {
    res.writeHead(status, headers);
    res.end(body);
  };

  const control = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const json = { 'content-type': 'application/json' };
    if (req.method === 'GET' && path === '/_fault-proxy/stats') return send(res, 200, json, JSON.stringify(stats));
    if (req.method === 'GET' && path === '/_fault-proxy/requests')
      return send(res, 200, json, JSON.stringify(requests));
    if (req.method === 'PUT' && path === '/_fault-proxy/recording') {
      const parsed = RecordingRequestSchema.safeParse(JSON.parse((await readBody(req)).toString() || '{}'));
      if (!parsed.success) return send(res, 400, json, JSON.stringify({ message: z.prettifyError(parsed.error) }));
      record(parsed.data.on);
      return send(res, 204, {}, '');
    }
    if (req.method === 'GET' && path === '/_fault-proxy/iam') {
      if (gate === undefined)
        return send(res, 404, json, JSON.stringify({ message: 'no IAM gate: IAM is not enforced' }));
      return send(res, 200, json, JSON.stringify(gate.report()));
    }
    if (req.method === 'PUT' && path === '/_fault-proxy/iam/expected-denial' && gate !== undefined) {
      const parsed = ExpectedDenialSchema.safeParse(JSON.parse((await readBody(req)).toString() || '{}'));
      if (!parsed.success) return send(res, 400, json, JSON.stringify({ message: z.prettifyError(parsed.error) }));
      gate.expectDenial(parsed.data);
      return send(res, 204, {}, '');
    }
    if (req.method === 'GET' && path === '/_fault-proxy/iam/role' && gate !== undefined) {
      const arn = new URL(req.url ?? '/', 'http://proxy').searchParams.get('arn') ?? '';
      return send(res, 200, json, JSON.stringify(await gate.rolePolicy(arn)));
    }
    if (req.method === 'POST' && path === '/_fault-proxy/reset') {
      reset();
      return send(res, 204, {}, '');
    }
    if (req.method === 'PUT' && path === '/_fault-proxy/rules') {
      const parsed = RulesRequestSchema.safeParse(JSON.parse((await readBody(req)).toString() || '{}'));
      if (!parsed.success) return send(res, 400, json, JSON.stringify({ message: z.prettifyError(parsed.error) }));
      setRules(parsed.data.rules, parsed.data.seed);
      return send(res, 204, {}, '');
    }
    return send(res, 404, json, JSON.stringify({ message: `unknown control path ${req.method} ${path}` }));
  };

  const server = createServer((req, res) => {
    void (async () => {
      const rawPath = req.url ?? '/';
      if (rawPath.startsWith('/_fault-proxy/')) return control(req, res, rawPath.split('?')[0] ?? rawPath);
      const fn = /^\/fn\/([^/?]+)(.*)$/.exec(rawPath);
      const caller = fn?.[1];
      const path = fn ? fn[2] || '/' : rawPath;
      const body = await readBody(req);
      const call = classify(req.method ?? 'GET', path, req.headers, body.toString('utf8'));
      increment(stats.calls, call.action);
      if (caller !== undefined) {
        const byCaller = stats.byFunction[caller] ?? {};
        stats.byFunction[caller] = byCaller;
        increment(byCaller, call.action);
        if (recording)
          requests.push({
            function: caller,
            action: call.action,
            method: req.method ?? 'POST',
            path,
            headers: replayableHeaders(req.headers),
            body: body.toString('utf8'),
            at: Date.now(),
          });
      }

      if (gate !== undefined && caller !== undefined && !call.action.startsWith('Local.')) {
        const denied = await gate.authorize(call.signed, {
          authorization: String(req.headers.authorization ?? ''),
          securityToken: String(req.headers['x-amz-security-token'] ?? ''),
        });
        if (denied !== undefined) {
          increment(stats.denied, call.action);
          return send(res, denied.status, denied.headers, denied.body);
        }
      }
      const fault = pickFault(call, caller, body.toString('utf8'));
      if (fault !== undefined) increment(stats.injected, call.action);
      if (fault === 'conflict') {
        const items = transactItemCount(body);
        const failure = conflictResponse(items, Math.floor(random() * items));
        return send(res, failure.status, failure.headers, failure.body);
      }
      if (fault === 'rejected') {
        const failure = rejectedResponse();
        return send(res, failure.status, failure.headers, failure.body);
      }
      if (fault === 'lost') {
        // Accepted, as far as the caller can tell; nothing reaches the topic.
        const accepted = acceptedPublishResponse(call.protocol);
        return send(res, accepted.status, accepted.headers, accepted.body);
      }
      if (fault !== undefined && isSesAccountFault(fault)) {
        const failure = sesAccountRefusalResponse(fault, body.toString('utf8'));
        return send(res, failure.status, failure.headers, failure.body);
      }
      if (fault !== undefined && fault !== 'after') {
        const failure = faultResponse(call.protocol, fault);
        return send(res, failure.status, failure.headers, failure.body);
      }
      const upstream = await forward(req, path, body);
      gate?.learn(call.signed, upstream.status, upstream.body.toString('utf8'));
      if (fault === 'after') {
        // The effect happened upstream; the caller never learns it did.
        const failure = faultResponse(call.protocol, '500');
        return send(res, failure.status, failure.headers, failure.body);
      }
      const { connection: _connection, 'transfer-encoding': _te, ...headers } = upstream.headers;
      send(res, upstream.status, headers, upstream.body);
    })().catch((error: unknown) => {
      if (!res.headersSent)
        send(
          res,
          502,
          { 'content-type': 'text/plain' },
          `fault proxy: ${error instanceof Error ? error.message : String(error)}`,
        );
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;

  return {
    url,
    functionUrl: (name) => `${url}/fn/${encodeURIComponent(name)}`,
    setRules,
    stats: () => stats,
    record,
    recorded: () => requests,
    reset,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
