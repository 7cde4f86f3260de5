// One structured JSON logger per function (Powertools). The service name and level come from the
// environment (POWERTOOLS_SERVICE_NAME; LOG_LEVEL, which Powertools reads after POWERTOOLS_LOG_LEVEL).
//
// Every line logged while a record is processed carries that record's keys (orderId, eventId,
// eventType, messageId): `withLogKeys` runs the record's work with a child logger held in
// AsyncLocalStorage, so records processed concurrently (Promise.allSettled) never mix their keys,
// and domain modules keep importing `logger` without passing it around.
//
// No email address or payment token ever reaches a log line: every message and attribute is
// scrubbed here, whatever the caller passed (an SES error message can quote an address).
import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';

export type LogAttributes = Record<string, unknown>;
type LogFn = (message: string, ...attributes: LogAttributes[]) => void;
/** The one logger interface: the shared `logger` implements it; a domain asks for the methods it calls (Pick<Log, …>). */
export interface Log {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

export const rootLogger = new Logger();
const scope = new AsyncLocalStorage<Logger>();
const current = (): Logger => scope.getStore() ?? rootLogger;

const EMAIL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
const TOKEN = /\btok_[A-Za-z0-9_]+/g;
/** Attributes whose value is personal or secret whatever it looks like. */
const SECRET_KEYS = new Set(['email', 'recipient', 'paymenttoken', 'to', 'toaddresses']);

export const scrubText = (text: string): string => text.replace(EMAIL, '[email]').replace(TOKEN, '[payment-token]');

/** A deep copy with emails and payment tokens replaced; errors become plain { name, message, stack }. */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
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

const emit =
  (level: keyof Log): LogFn =>
  (message, ...attributes) => {
    current()[level](scrubText(message), ...attributes.map((a) => scrub(a) as LogAttributes));
  };

/** The logger every module imports: it writes through the current record's child logger, if any. */
export const logger: Log = { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };

/** Runs `work` so that every line it logs (across awaits) carries `keys`. Scopes nest. */
export function withLogKeys<T>(keys: LogAttributes, work: () => Promise<T>): Promise<T> {
  const child = current().createChild({ persistentKeys: scrub(keys) as LogAttributes });
  return scope.run(child, work);
}
