// The ceiling: the requests the functions made during the pipeline run at this level, as the fault
// proxy recorded them (by function and API, emulation/fault-proxy.ts), replayed over HTTP against the same
// emulator, at the same number of orders in flight, with none of our code in between (no runtime, no
// workers, no handlers, no queue waits). Nothing is written out by hand: the emulator gets the very
// requests the functions sent, so it does the same work.
//
// A replayed order is one recorded order's requests with fresh ids (every UUID in them: the order's,
// its events', its idempotency key), so its conditions pass as the original's did. Two things are
// redirected, so that a replay never feeds the pipeline: writes to the orders table go to a mirror
// table (same keys, indexes and stream: the orders stream is what order-publisher reads), and
// publishes go to a mirror of order-events whose subscriptions copy the real ones (same filter
// policies, raw delivery) onto mirror queues, drained with batches of 10 by as many receive loops per
// queue as the runtime's pollers run. The saga's order is kept: order-api, order-publisher, then the
// consumers side by side up to order-status's final event; what the functions did after the final
// event (the confirmation email, later projections) runs in the background, as in the pipeline.
// A replayed order is done when the benchmark sees its final event on the mirror of its own queue,
// as a pipeline order is: both sides pay the same detection before their slot places the next order.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { CreateTableCommand, DescribeTableCommand, type GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { RecordedRequest } from '../emulation/fault-proxy.js';
import type { Clients } from './aws.js';
import type { FinalWatcher } from './load.js';
import { percentile, round } from './stats.js';

export type CallMix = Record<string, Record<string, number>>;

export interface CeilingSetup {
  /** The mirror of order-events. */
  topicArn: string;
  /** The mirrors of the functions' queues (drained as the runtime's pollers drain theirs). */
  queueUrls: string[];
  /** The mirror of the benchmark's queue of final events (bench/load.ts's FinalWatcher reads it). */
  finalQueueUrl: string;
  /** The mirror of the orders table. */
  ordersTable: string;
}

/** The mirror topic (order-events' SQS subscriptions copied onto mirror queues) and the mirror orders table. */
export async function mirrorStack(
  admin: Clients,
  source: { topicArn: string; ordersTable: string },
  finalQueue: string,
): Promise<CeilingSetup> {
  const { TopicArn } = await admin.sns.send(new CreateTopicCommand({ Name: 'bench-ceiling-events' }));
  if (TopicArn === undefined) throw new Error('could not create the mirror topic');
  const { Subscriptions = [] } = await admin.sns.send(
    new ListSubscriptionsByTopicCommand({ TopicArn: source.topicArn }),
  );
  const queueUrls: string[] = [];
  let finalQueueUrl: string | undefined;
  for (const sub of Subscriptions) {
    if (sub.Protocol !== 'sqs' || sub.Endpoint === undefined || sub.SubscriptionArn === undefined) continue;
    const { Attributes = {} } = await admin.sns.send(
      new GetSubscriptionAttributesCommand({ SubscriptionArn: sub.SubscriptionArn }),
    );
    const queue = sub.Endpoint.split(':').pop() ?? 'queue';
    const name = `bench-ceiling-${queue}`;
    const { QueueUrl } = await admin.sqs.send(new CreateQueueCommand({ QueueName: name }));
    if (QueueUrl === undefined) throw new Error(`could not create ${name}`);
    if (queue === finalQueue) finalQueueUrl = QueueUrl;
    else queueUrls.push(QueueUrl);
    const copied: Record<string, string> = { RawMessageDelivery: Attributes.RawMessageDelivery ?? 'false' };
    if (Attributes.FilterPolicy !== undefined) copied.FilterPolicy = Attributes.FilterPolicy;
    if (Attributes.FilterPolicyScope !== undefined) copied.FilterPolicyScope = Attributes.FilterPolicyScope;
    await admin.sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: `arn:aws:sqs:us-east-1:000000000000:${name}`,
        Attributes: copied,
      }),
    );
  }
  if (finalQueueUrl === undefined) throw new Error(`${finalQueue} is not subscribed to ${source.topicArn}`);
  return { topicArn: TopicArn, queueUrls, finalQueueUrl, ordersTable: await mirrorTable(admin, source.ordersTable) };
}

async function mirrorTable(admin: Clients, source: string): Promise<string> {
  const { Table } = await admin.db.send(new DescribeTableCommand({ TableName: source }));
  if (Table?.KeySchema === undefined) throw new Error(`could not describe ${source}`);
  const name = `bench-ceiling-${source}`;
  const indexes: GlobalSecondaryIndex[] = (Table.GlobalSecondaryIndexes ?? []).map((index) => ({
    IndexName: index.IndexName,
    KeySchema: index.KeySchema,
    Projection: index.Projection,
  }));
  await admin.db.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: Table.KeySchema,
      AttributeDefinitions: Table.AttributeDefinitions,
      ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
      ...(Table.StreamSpecification === undefined ? {} : { StreamSpecification: Table.StreamSpecification }),
    }),
  );
  return name;
}

/** Receive loops per mirror queue that delete what they receive, as the runtime's pollers do. */
export function startDrainers(
  sqs: Clients['sqs'],
  queueUrls: readonly string[],
  loopsPerQueue: number,
): () => Promise<void> {
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // every long poll listens for the abort
  const loop = async (QueueUrl: string): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        const { Messages } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 20,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
          }),
          { abortSignal: abort.signal },
        );
        if (Messages === undefined || Messages.length === 0) continue;
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
          }),
        );
      } catch (error) {
        if (abort.signal.aborted) return;
        throw error;
      }
    }
  };
  const loops = queueUrls.flatMap((url) => Array.from({ length: loopsPerQueue }, () => loop(url)));
  return async () => {
    abort.abort();
    await Promise.allSettled(loops);
  };
}

/**
 * The calls Lambda's pollers make, which the local runtime makes for each function through the
 * fault proxy under the function's name (the IAM gate authorises them with its role, as AWS does).
 * They are the runtime's, not the function's: the ceiling never replays them (a replayed 20 s long
 * poll would be a 20 s wait), and the bench counts them apart from the functions' calls.
 */
export const RUNTIME_ACTIONS: ReadonlySet<string> = new Set([
  'SQS.ReceiveMessage',
  'SQS.DeleteMessageBatch',
  'SQS.ChangeMessageVisibility',
  'SQS.ChangeMessageVisibilityBatch',
  'DynamoDB.GetRecords',
  'DynamoDB.GetShardIterator',
  'DynamoDB.DescribeStream',
  'DynamoDB.ListStreams',
]);

/** A function's own calls, without the runtime's pollers' (RUNTIME_ACTIONS). */
export const withoutRuntime = (counts: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(counts).filter(([api]) => !RUNTIME_ACTIONS.has(api)));

/** One order's requests, in the order the proxy received them. */
export interface RecordedOrder {
  orderId: string;
  requests: RecordedRequest[];
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The ids of the orders order-api stored (its TransactWriteItems puts the order into the orders table). */
function placedOrderIds(requests: readonly RecordedRequest[], ordersTable: string): string[] {
  const ids: string[] = [];
  for (const request of requests) {
    if (request.function !== 'order-api' || request.action !== 'DynamoDB.TransactWriteItems') continue;
    const body = JSON.parse(request.body) as {
      TransactItems?: { Put?: { TableName?: string; Item?: { orderId?: { S?: string } } } }[];
    };
    for (const item of body.TransactItems ?? []) {
      const id = item.Put?.TableName === ordersTable ? item.Put.Item?.orderId?.S : undefined;
      if (id !== undefined && !ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

/**
 * The recorded requests grouped by the order they name. A request that names none (order-api's
 * BatchGetItem of prices) goes with the next request of the same function that names one, as long
 * as that order has no request of its API from the function yet: calls per order stay as recorded.
 */
export function groupByOrder(
  requests: readonly RecordedRequest[],
  ordersTable: string,
): { orders: RecordedOrder[]; unassigned: number } {
  const own = requests.filter((r) => !RUNTIME_ACTIONS.has(r.action));
  const ids = placedOrderIds(own, ordersTable);
  const byId = new Map(ids.map((orderId) => [orderId, { orderId, requests: [] as RecordedRequest[] }]));
  const pending = new Map<string, RecordedRequest[]>();
  for (const request of own) {
    const order = ids.find((id) => request.body.includes(id));
    const group = order === undefined ? undefined : byId.get(order);
    if (group === undefined) {
      pending.set(request.function, [...(pending.get(request.function) ?? []), request]);
      continue;
    }
    const waiting = pending.get(request.function) ?? [];
    const has = (action: string) => group.requests.some((r) => r.function === request.function && r.action === action);
    const claimed = waiting.filter((r, i) => !has(r.action) && waiting.findIndex((o) => o.action === r.action) === i);
    pending.set(
      request.function,
      waiting.filter((r) => !claimed.includes(r)),
    );
    group.requests.push(...claimed, request);
  }
  const unassigned = [...pending.values()].reduce((sum, list) => sum + list.length, 0);
  return { orders: [...byId.values()], unassigned };
}

/** The final event's publish (OrderConfirmed or OrderCancelled): where an order's critical path ends. */
const isFinalPublish = (request: RecordedRequest): boolean =>
  request.action === 'SNS.Publish' && /Order(Confirmed|Cancelled)/.test(request.body);

interface Redirect {
  topicArn: { from: string; to: string };
  ordersTable: { from: string; to: string };
}

/** A recorded request with fresh ids (one map per replayed order) and the mirrors in place of the real topic and table. */
export function rewrite(request: RecordedRequest, fresh: Map<string, string>, redirect: Redirect): string {
  let body = request.body.replace(UUID, (id) => {
    const key = id.toLowerCase();
    let next = fresh.get(key);
    if (next === undefined) {
      next = randomUUID();
      fresh.set(key, next);
    }
    return next;
  });
  const { topicArn, ordersTable } = redirect;
  body = body
    .replaceAll(topicArn.from, topicArn.to)
    .replaceAll(encodeURIComponent(topicArn.from), encodeURIComponent(topicArn.to));
  return body.replaceAll(
    `"TableName":${JSON.stringify(ordersTable.from)}`,
    `"TableName":${JSON.stringify(ordersTable.to)}`,
  );
}

export interface CeilingResult {
  concurrency: number;
  orders: number;
  wallSeconds: number;
  ordersPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number };
  /** Recorded orders the replay drew from, and recorded requests that named no order (not replayed). */
  recordedOrders: number;
  unassigned: number;
  /** Answers ≥ 400 (a refused condition still cost the emulator its work). */
  errors: number;
  /** Replayed orders whose final event the benchmark did not see within the timeout. */
  unseen: number;
}

/** One run of runCeiling with its raw latencies, so that rounds of one level can be combined. */
export interface CeilingRun extends CeilingResult {
  latencies: number[];
}

/** One level's ceiling from its rounds: every replayed order's latency, orders/s over the rounds' own wall times summed. */
export function combineCeilingRounds(rounds: readonly CeilingRun[]): CeilingResult {
  const first = rounds[0];
  if (first === undefined) throw new Error('combineCeilingRounds: no rounds');
  const latencies = rounds.flatMap((r) => r.latencies);
  const orders = rounds.reduce((sum, r) => sum + r.orders, 0);
  const wallSeconds = rounds.reduce((sum, r) => sum + r.wallSeconds, 0);
  return {
    concurrency: first.concurrency,
    orders,
    wallSeconds: round(wallSeconds, 2),
    ordersPerSecond: wallSeconds > 0 ? round(orders / wallSeconds, 2) : 0,
    latencyMs: {
      p50: Math.round(percentile(latencies, 50)),
      p95: Math.round(percentile(latencies, 95)),
      p99: Math.round(percentile(latencies, 99)),
    },
    recordedOrders: rounds.reduce((sum, r) => sum + r.recordedOrders, 0),
    unassigned: rounds.reduce((sum, r) => sum + r.unassigned, 0),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    unseen: rounds.reduce((sum, r) => sum + r.unseen, 0),
  };
}

export async function runCeiling(options: {
  /** The fault proxy: the replay takes the functions' path (proxy → counter → emulator), attributed to each function. */
  proxyUrl: string;
  recorded: readonly RecordedRequest[];
  concurrency: number;
  orders: number;
  source: { topicArn: string; ordersTable: string };
  mirror: CeilingSetup;
  /** Reads mirror.finalQueueUrl. */
  watcher: FinalWatcher;
  /** Give up on seeing one order's final event after this long (default 30 s). */
  orderTimeoutMs?: number;
}): Promise<CeilingRun> {
  const { proxyUrl, concurrency, orders, source, mirror, watcher } = options;
  const timeoutMs = options.orderTimeoutMs ?? 30_000;
  const grouped = groupByOrder(options.recorded, source.ordersTable);
  if (grouped.orders.length === 0) throw new Error('the fault proxy recorded no order to replay');
  const redirect: Redirect = {
    topicArn: { from: source.topicArn, to: mirror.topicArn },
    ordersTable: { from: source.ordersTable, to: mirror.ordersTable },
  };
  const latencies: number[] = [];
  const tails: Promise<void>[] = [];
  let errors = 0;
  let unseen = 0;
  let next = 0;

  const send = async (request: RecordedRequest, fresh: Map<string, string>): Promise<void> => {
    const response = await fetch(`${proxyUrl}/fn/${encodeURIComponent(request.function)}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: rewrite(request, fresh, redirect),
    });
    await response.arrayBuffer();
    if (response.status >= 400) errors += 1;
  };
  /** Each function's requests one after another (as its invocations made them), the functions side by side. */
  const replay = async (requests: RecordedRequest[], fresh: Map<string, string>): Promise<void> => {
    const functions = [...new Set(requests.map((request) => request.function))];
    await Promise.all(
      functions.map(async (fn) => {
        for (const request of requests.filter((r) => r.function === fn)) await send(request, fresh);
      }),
    );
  };

  const one = async (i: number): Promise<void> => {
    const order = grouped.orders[i % grouped.orders.length] ?? { orderId: '', requests: [] };
    const fresh = new Map<string, string>();
    const finalAt = order.requests.find(isFinalPublish)?.at ?? Number.POSITIVE_INFINITY;
    const critical = order.requests.filter((r) => r.at <= finalAt);
    const of = (fn: string) => critical.filter((r) => r.function === fn);
    const consumers = critical.filter((r) => !['order-api', 'order-publisher', 'order-status'].includes(r.function));
    const t0 = Date.now();
    await replay(of('order-api'), fresh);
    await replay(of('order-publisher'), fresh); // OrderPlaced, from the orders stream
    await replay(consumers, fresh);
    await replay(of('order-status'), fresh);
    latencies.push(Date.now() - t0);
    tails.push(
      replay(
        order.requests.filter((r) => r.at > finalAt),
        fresh,
      ),
    );
    const orderId = fresh.get(order.orderId.toLowerCase()) ?? order.orderId;
    if ((await watcher.waitFor(orderId, timeoutMs)) === undefined) unseen += 1;
  };

  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < orders; i = next++) await one(i);
    }),
  );
  const wallSeconds = (Date.now() - started) / 1000;
  await Promise.all(tails);
  return {
    concurrency,
    orders,
    wallSeconds: round(wallSeconds, 2),
    ordersPerSecond: round(orders / wallSeconds, 2),
    latencyMs: {
      p50: Math.round(percentile(latencies, 50)),
      p95: Math.round(percentile(latencies, 95)),
      p99: Math.round(percentile(latencies, 99)),
    },
    recordedOrders: grouped.orders.length,
    unassigned: grouped.unassigned,
    errors,
    unseen,
    latencies,
  };
}
