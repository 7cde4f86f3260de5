// One structured JSON logger per function: one line per entry, in the shape Powertools Logger
// writes (level, message, timestamp, service, xray_trace_id, then the scope's keys and the entry's
// attributes), DEBUG and INFO on stdout, WARN and ERROR on stderr. The service name and level come
// from the environment as Powertools reads them (POWERTOOLS_SERVICE_NAME; POWERTOOLS_LOG_LEVEL, then
// LOG_LEVEL; Lambda's own AWS_LAMBDA_LOG_LEVEL wins when set). Our own, not Powertools Logger: these
// ~60 lines are what the functions use of it, and it cost every bundle 20 KB (logger + commons), a
// third of what the bundles may carry beyond the SDK.
//
// Every line logged while a record is processed carries that record's keys (orderId, eventId,
// eventType, messageId): `withLogKeys` runs the record's work with its keys held in
// AsyncLocalStorage, so records processed concurrently (Promise.allSettled) never mix their keys,
// whoever holds the logger: each handler.ts hands `logger` to its domain and adapters as their
// required `log` dependency, typed as the methods they call (Pick<Log, …>).
//
// No email address or payment token ever reaches a log line: every message and attribute is
// scrubbed here, whatever the caller passed (an SES error message can quote an address).
import { AsyncLocalStorage } from 'node:async_hooks';

export type LogAttributes = Record<string, unknown>;
type LogFn = (message: string, ...attributes: LogAttributes[]) => void;
/** The one logger interface: the shared `logger` implements it; a module asks for the methods it calls (Pick<Log, …>). */
export interface Log {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

/** Powertools' thresholds: a line is written when its level's is at least the logger's. */
const THRESHOLDS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
export type LogLevel = keyof typeof THRESHOLDS;
const isLevel = (name: string | undefined): name is LogLevel => name !== undefined && Object.hasOwn(THRESHOLDS, name);

const levelFromEnv = (): LogLevel => {
  const names = [process.env.AWS_LAMBDA_LOG_LEVEL, process.env.POWERTOOLS_LOG_LEVEL, process.env.LOG_LEVEL];
  return names.map((name) => name?.toUpperCase()).find(isLevel) ?? 'INFO';
};
let threshold: number = THRESHOLDS[levelFromEnv()];

/** Changes the level of every line from now on (tests silence the logger or open it to DEBUG). */
export function setLogLevel(level: LogLevel): void {
  threshold = THRESHOLDS[level];
}

const service = process.env.POWERTOOLS_SERVICE_NAME || 'service_undefined';
/** Keys the logger writes itself: an attribute of the same name is dropped rather than let overwrite them. */
const RESERVED = new Set(['level', 'message', 'timestamp', 'service', 'xray_trace_id']);

const scope = new AsyncLocalStorage<LogAttributes>();

const EMAIL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
const TOKEN = /\btok_[A-Za-z0-9_]+/g;
/** Attributes whose value is personal or secret whatever it looks like. */
const SECRET_KEYS = new Set(['email', 'recipient', 'paymenttoken', 'to', 'toaddresses']);

export const scrubText = (text: string): string => text.replace(EMAIL, '[email]').replace(TOKEN, '[payment-token]');

/** A deep copy with emails and payment tokens replaced; errors become plain { name, message, stack }. */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  // JSON has no bigint: written as its digits, as Powertools does.
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[too deep]';
  if (value instanceof Error) {
    return {
      name: value.name,
      message: scrubText(value.message),
      ...(value.stack === undefined ? {} : { stack: scrubText(value.stack) }),
    };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (value instanceof Set) return [...value].map((v) => scrub(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.has(k.toLowerCase()) ? '[redacted]' : scrub(v, depth + 1)]),
  );
}

/** The X-Ray trace id of the invocation (Lambda sets _X_AMZN_TRACE_ID per invocation): "Root=1-…;Parent=…" → "1-…". */
const traceId = (): string | undefined => /(?:^|;)Root=([^;]+)/.exec(process.env._X_AMZN_TRACE_ID ?? '')?.[1];

function write(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR', message: string, attributes: LogAttributes[]): void {
  if (THRESHOLDS[level] < threshold) return;
  const line: LogAttributes = {
    level,
    message: scrubText(message),
    timestamp: new Date().toISOString(),
    service,
    xray_trace_id: traceId(),
  };
  for (const source of [scope.getStore() ?? {}, ...attributes.map((a) => scrub(a) as LogAttributes)]) {
    for (const [key, value] of Object.entries(source)) if (!RESERVED.has(key)) line[key] = value;
  }
  const stream = level === 'WARN' || level === 'ERROR' ? process.stderr : process.stdout;
  stream.write(`${JSON.stringify(line)}\n`);
}

/** The logger every module imports: its lines carry the keys of the scope they are logged in, if any. */
export const logger: Log = {
  debug: (message, ...attributes) => write('DEBUG', message, attributes),
  info: (message, ...attributes) => write('INFO', message, attributes),
  warn: (message, ...attributes) => write('WARN', message, attributes),
  error: (message, ...attributes) => write('ERROR', message, attributes),
};

/** Runs `work` so that every line it logs (across awaits) carries `keys`. Scopes nest. */
export function withLogKeys<T>(keys: LogAttributes, work: () => Promise<T>): Promise<T> {
  return scope.run({ ...scope.getStore(), ...(scrub(keys) as LogAttributes) }, work);
}
