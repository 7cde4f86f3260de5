// What a million orders cost on AWS: a pure model from a call mix per order (what the bench measured,
// plus the inputs it cannot measure, stated) and the on-demand prices of bench/prices.json.
// Billing rules applied here, as AWS states them:
//   Lambda      one request per invocation; GB-seconds = duration rounded up to 1 ms × memory (GB)
//   SNS, SQS    one request per 64 KB chunk of a request's payload (a batch call is one request)
//   DynamoDB    writes: 1 unit per 1 KB of item, per item; reads: 1 unit per 4 KB strongly consistent,
//               0.5 eventually consistent; transactions 2× either; BatchGet/BatchWrite per item, a
//               Query on the sum of the items it returns
//   Streams     GetRecords by Lambda's event source mapping free, by anyone else per request
import { readFileSync } from 'node:fs';
import * as z from 'zod';

const PriceSchema = z.object({
  usd: z.number().nonnegative(),
  per: z.number().positive(),
  unit: z.string(),
  note: z.string(),
});
const PRICE_KEYS = [
  'lambdaRequests',
  'lambdaGbSeconds',
  'apiGatewayRestRequests',
  'snsPublishes',
  'snsSqsDeliveries',
  'sqsRequests',
  'dynamodbWriteRequestUnits',
  'dynamodbReadRequestUnits',
  'dynamodbStreamsReads',
  'dynamodbStreamsLambdaReads',
  'sesEmails',
  'cloudwatchLogsIngestion',
] as const;
type PriceKey = (typeof PRICE_KEYS)[number];
const PricesSchema = z.object({
  region: z.string(),
  date: z.string(),
  source: z.string(),
  prices: z.object(Object.fromEntries(PRICE_KEYS.map((k) => [k, PriceSchema])) as Record<PriceKey, typeof PriceSchema>),
});
export type Price = z.infer<typeof PriceSchema>;
export type Prices = z.infer<typeof PricesSchema>;

const PRICES_FILE = new URL('./prices.json', import.meta.url);
export const loadPrices = (file: URL | string = PRICES_FILE): Prices =>
  PricesSchema.parse(JSON.parse(readFileSync(file, 'utf8')));

/** One kind of DynamoDB call, per order: how often, how many items each touches, how big they are. */
export interface DynamoCall {
  /** The table, for the line item ("orders"). */
  table: string;
  /** What it is, for the record ("order-status UpdateItem: apply a result event"). */
  what: string;
  calls: number;
  kind: 'read' | 'write';
  /** Items per call (a transaction's items, a BatchGet's keys); a Query counts as one, of the returned bytes. */
  items: number;
  /** Bytes of each item (for an update, the larger of before and after). */
  itemBytes: number;
  consistency: 'eventual' | 'strong' | 'transactional';
}

/** Requests with a payload: billed per 64 KB chunk, at least one each. */
export interface PayloadRequests {
  /** What they are; SQS's line items are one per `what` ("ReceiveMessage"). */
  what: string;
  count: number;
  /** Payload bytes of each request (a receive: all the messages it returned). */
  payloadBytes: number;
}

/** Everything one order makes AWS bill, on average (fractions are retries, races and batching). */
export interface CostMix {
  /** Per function: invocations per order, billed milliseconds per order (each invocation rounded up to 1 ms), memory. */
  lambda: Record<string, { invocations: number; billedMs: number; memoryMB: number }>;
  apiRequests: number;
  snsPublishes: PayloadRequests[];
  snsSqsDeliveries: number;
  sqsRequests: PayloadRequests[];
  dynamodb: DynamoCall[];
  /** GetRecords per order: by Lambda's own stream polling (free), and by any other reader. */
  streamReads: { lambda: number; other: number };
  emails: number;
  logBytes: number;
}

export interface LineItem {
  name: string;
  /** Per million orders, in the price's unit. */
  quantity: number;
  price: Price;
  dollars: number;
}

export interface CostResult {
  region: string;
  date: string;
  items: LineItem[];
  total: number;
}

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');
/** An attribute value's size by DynamoDB's rules: strings UTF-8, numbers 1 byte per 2 significant digits + 1, lists and maps 3 bytes + 1 per element, sets their members. */
function valueBytes(value: unknown): number {
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number')
    return 1 + Math.ceil(String(Math.abs(value)).replace('.', '').replace(/^0+/, '').replace(/e.*$/, '').length / 2);
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Set) return [...value].reduce((s: number, v) => s + valueBytes(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((s: number, v) => s + 1 + valueBytes(v), 0);
  if (typeof value === 'object')
    return 3 + Object.entries(value).reduce((s, [k, v]) => (v === undefined ? s : s + 1 + utf8(k) + valueBytes(v)), 0);
  return 0;
}

/** An item's size as DynamoDB bills it: each attribute's name and value (undefined attributes are not stored). */
export const itemBytes = (item: object): number =>
  Object.entries(item).reduce((s, [k, v]) => (v === undefined ? s : s + utf8(k) + valueBytes(v)), 0);

const CHUNK = 64 * 1024;
/** Billed requests for one request of this payload: one per started 64 KB chunk, at least one. */
export const chunks = (payloadBytes: number): number => Math.max(1, Math.ceil(payloadBytes / CHUNK));

/** Request units of one call (all its items), by DynamoDB's rounding: per item, 1 KB writes, 4 KB reads. */
export function requestUnits(call: Pick<DynamoCall, 'kind' | 'items' | 'itemBytes' | 'consistency'>): number {
  const perItem =
    call.kind === 'write'
      ? Math.max(1, Math.ceil(call.itemBytes / 1024))
      : Math.max(1, Math.ceil(call.itemBytes / 4096));
  const factor =
    call.consistency === 'transactional' ? 2 : call.kind === 'read' && call.consistency === 'eventual' ? 0.5 : 1;
  return perItem * factor * call.items;
}

/** GB-seconds for this many billed milliseconds at this memory size. */
export const gbSeconds = (billedMs: number, memoryMB: number): number => (billedMs / 1000) * (memoryMB / 1024);

/** Billed milliseconds of one invocation: Lambda rounds each duration up to the next millisecond. */
export const billedMs = (durationMs: number): number => Math.ceil(durationMs);

const MILLION = 1_000_000;

export function costPerMillionOrders(mix: CostMix, prices: Prices): CostResult {
  const p = prices.prices;
  const items: LineItem[] = [];
  const add = (name: string, perOrder: number, price: Price): void => {
    const quantity = perOrder * MILLION;
    items.push({ name, quantity, price, dollars: (quantity / price.per) * price.usd });
  };
  const fns = Object.entries(mix.lambda).sort(([a], [b]) => a.localeCompare(b));
  add(
    'Lambda requests',
    fns.reduce((s, [, f]) => s + f.invocations, 0),
    p.lambdaRequests,
  );
  for (const [fn, f] of fns) add(`Lambda GB-seconds: ${fn}`, gbSeconds(f.billedMs, f.memoryMB), p.lambdaGbSeconds);
  add('API Gateway REST requests', mix.apiRequests, p.apiGatewayRestRequests);
  add(
    'SNS publishes',
    mix.snsPublishes.reduce((s, r) => s + r.count * chunks(r.payloadBytes), 0),
    p.snsPublishes,
  );
  add('SNS → SQS deliveries', mix.snsSqsDeliveries, p.snsSqsDeliveries);
  for (const what of [...new Set(mix.sqsRequests.map((r) => r.what))].sort()) {
    const requests = mix.sqsRequests.filter((r) => r.what === what);
    add(
      `SQS requests: ${what}`,
      requests.reduce((s, r) => s + r.count * chunks(r.payloadBytes), 0),
      p.sqsRequests,
    );
  }
  const tables = [...new Set(mix.dynamodb.map((c) => c.table))].sort();
  for (const kind of ['write', 'read'] as const) {
    for (const table of tables) {
      const calls = mix.dynamodb.filter((c) => c.kind === kind && c.table === table);
      if (calls.length === 0) continue;
      add(
        `DynamoDB ${kind}s: ${table}`,
        calls.reduce((s, c) => s + c.calls * requestUnits(c), 0),
        kind === 'write' ? p.dynamodbWriteRequestUnits : p.dynamodbReadRequestUnits,
      );
    }
  }
  add('DynamoDB Streams reads by Lambda', mix.streamReads.lambda, p.dynamodbStreamsLambdaReads);
  if (mix.streamReads.other > 0)
    add('DynamoDB Streams reads (other readers)', mix.streamReads.other, p.dynamodbStreamsReads);
  add('SES emails', mix.emails, p.sesEmails);
  add('CloudWatch Logs ingestion', mix.logBytes / 2 ** 30, p.cloudwatchLogsIngestion);
  items.sort((a, b) => b.dollars - a.dollars || a.name.localeCompare(b.name));
  return { region: prices.region, date: prices.date, items, total: items.reduce((s, i) => s + i.dollars, 0) };
}

/** The `count` most expensive items that cost anything, the biggest first. */
export const biggestItems = (result: CostResult, count = 3): LineItem[] =>
  result.items.filter((i) => i.dollars > 0).slice(0, count);
