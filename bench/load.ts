// Load against the pipeline: POST /orders at a fixed number of orders in flight, each counted done
// when the orders service announces its final status.
//
// How "final" is seen: a queue of the benchmark's own, subscribed to order-events with a filter on
// OrderConfirmed/OrderCancelled (raw delivery), long-polled in batches of 10. order-status publishes
// that event right after its conditional write made the order final, and the event's `time` is the
// order's finalizedAt, so latency is POST → finalizedAt, with no polling of GET /orders/{id} (which
// would add order-api invocations and DynamoDB queries to the load being measured). The cost left on
// the emulator is one SQS delivery per order and about one ReceiveMessage per 10 orders.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { CustomerToken } from '../local/stack/token.js';
import { percentile, round } from './stats.js';

const BENCH_PRODUCTS = Array.from({ length: 8 }, (_, i) => `bench-p-${String(i + 1).padStart(3, '0')}`);

/** Products with enough stock for every order the run can place (pipeline and ceiling). */
export async function stockProducts(db: DynamoDBDocumentClient, table: string, stock: number): Promise<void> {
  for (const productId of BENCH_PRODUCTS) {
    await db.send(
      new PutCommand({
        TableName: table,
        Item: { productId, name: `Benchmark item ${productId}`, unitPrice: 1000, currency: 'JPY', stock },
      }),
    );
  }
}

const FinalEventSchema = z.object({
  type: z.enum(['OrderConfirmed', 'OrderCancelled']),
  orderId: z.string(),
  time: z.string(),
});

export interface FinalStatus {
  status: 'CONFIRMED' | 'CANCELLED';
  finalizedAt: number;
  seenAt: number;
}

/** Watches a queue subscribed to a topic's final events; resolves waiters by orderId. */
export class FinalWatcher {
  private readonly waiting = new Map<string, (status: FinalStatus) => void>();
  private readonly early = new Map<string, FinalStatus>();
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  duplicates = 0;

  private constructor(
    private readonly sqs: SQSClient,
    readonly queueUrl: string,
  ) {}

  static async create(sqs: SQSClient, sns: SNSClient, topicArn: string, name: string): Promise<FinalWatcher> {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    if (QueueUrl === undefined) throw new Error(`could not create ${name}`);
    const arn = `arn:aws:sqs:us-east-1:000000000000:${name}`;
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: arn,
        Attributes: {
          RawMessageDelivery: 'true',
          FilterPolicyScope: 'MessageAttributes',
          FilterPolicy: JSON.stringify({ eventType: ['OrderCancelled', 'OrderConfirmed'] }),
        },
      }),
    );
    return FinalWatcher.on(sqs, QueueUrl);
  }

  /** A watcher of a queue that is subscribed already (the ceiling's mirror of the benchmark's queue). */
  static on(sqs: SQSClient, queueUrl: string): FinalWatcher {
    return new FinalWatcher(sqs, queueUrl);
  }

  start(loops = 2): void {
    setMaxListeners(0, this.abort.signal); // every long poll listens for the abort
    this.loops = Array.from({ length: loops }, () => this.loop());
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.loops);
  }

  /** Resolves when the order's final event arrives (or already arrived). */
  private wait(orderId: string): Promise<FinalStatus> {
    const seen = this.early.get(orderId);
    if (seen !== undefined) {
      this.early.delete(orderId);
      return Promise.resolve(seen);
    }
    return new Promise((resolve) => this.waiting.set(orderId, resolve));
  }

  /** The order's final status, or undefined when it has not arrived within timeoutMs. */
  async waitFor(orderId: string, timeoutMs: number): Promise<FinalStatus | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const final = await Promise.race([
      this.wait(orderId),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (final === undefined) this.waiting.delete(orderId);
    return final;
  }

  private async loop(): Promise<void> {
    while (!this.abort.signal.aborted) {
      let messages: Message[] | undefined;
      try {
        ({ Messages: messages } = await this.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
          { abortSignal: this.abort.signal },
        ));
      } catch (error) {
        if (this.abort.signal.aborted) return;
        throw error;
      }
      const seenAt = Date.now();
      if (messages === undefined || messages.length === 0) continue;
      for (const message of messages) {
        const event = FinalEventSchema.parse(JSON.parse(message.Body ?? '{}'));
        const status: FinalStatus = {
          status: event.type === 'OrderConfirmed' ? 'CONFIRMED' : 'CANCELLED',
          finalizedAt: Date.parse(event.time),
          seenAt,
        };
        const resolve = this.waiting.get(event.orderId);
        if (resolve !== undefined) {
          this.waiting.delete(event.orderId);
          resolve(status);
        } else if (this.early.has(event.orderId)) {
          this.duplicates += 1;
        } else {
          this.early.set(event.orderId, status);
        }
      }
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
  }
}

export interface LevelResult {
  concurrency: number;
  orders: number;
  confirmed: number;
  cancelled: number;
  failed: number;
  failures: string[];
  wallSeconds: number;
  ordersPerSecond: number;
  /** POST → finalizedAt, milliseconds. */
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** POST → 202, milliseconds. */
  postMs: { p50: number; p95: number; p99: number };
  /** When each order was posted and finalized (ms since the level began), for the timeline. */
  startedAt: number;
  endedAt: number;
}

export interface LoadOptions {
  apiUrl: string;
  watcher: FinalWatcher;
  concurrency: number;
  orders: number;
  /** Give up on one order after this long (default 120 s). */
  orderTimeoutMs?: number;
  /** A customer's ID token (local/stack/token.ts's customerTokens: one sign-in per customer, cached). */
  tokenFor: (customer: string) => Promise<CustomerToken>;
}

/** How many customers the benchmark's orders spread over; order i is placed by benchCustomer(i). */
export const BENCH_CUSTOMERS = 97;
export const benchCustomer = (i: number): string => `bench-${i % BENCH_CUSTOMERS}`;

const orderBody = (i: number): string =>
  JSON.stringify({
    items: [{ productId: BENCH_PRODUCTS[i % BENCH_PRODUCTS.length], quantity: 1 }],
    paymentToken: 'tok_visa',
  });

/** One run of runLevel with its raw samples, so that rounds of one level can be combined (combineRounds). */
export interface LevelRun extends LevelResult {
  samples: { latencies: number[]; posts: number[]; failures: string[] };
}

/** The level's figures from its samples: percentiles, orders/s over the wall time from the first POST to the last final. */
function summarise(
  concurrency: number,
  orders: number,
  counts: { confirmed: number; cancelled: number },
  samples: LevelRun['samples'],
  wallMs: number,
  window: { startedAt: number; endedAt: number },
): LevelRun {
  const { latencies, posts, failures } = samples;
  const wallSeconds = wallMs / 1000;
  const done = counts.confirmed + counts.cancelled;
  return {
    concurrency,
    orders,
    confirmed: counts.confirmed,
    cancelled: counts.cancelled,
    failed: failures.length,
    failures: failures.slice(0, 10),
    wallSeconds: round(wallSeconds, 2),
    ordersPerSecond: wallSeconds > 0 ? round(done / wallSeconds, 2) : 0,
    latencyMs: {
      p50: Math.round(percentile(latencies, 50)),
      p95: Math.round(percentile(latencies, 95)),
      p99: Math.round(percentile(latencies, 99)),
      max: Math.round(percentile(latencies, 100)),
    },
    postMs: {
      p50: Math.round(percentile(posts, 50)),
      p95: Math.round(percentile(posts, 95)),
      p99: Math.round(percentile(posts, 99)),
    },
    startedAt: window.startedAt,
    endedAt: window.endedAt,
    samples,
  };
}

/**
 * One level from its rounds (the pipeline's rounds, run alternately with the ceiling's): the
 * percentiles of every order of every round, and orders/s as all the orders over the rounds' own
 * wall times summed (the ceiling's rounds and the drains between them are not the pipeline's time).
 */
export function combineRounds(rounds: readonly LevelRun[]): LevelRun {
  const first = rounds[0];
  if (first === undefined) throw new Error('combineRounds: no rounds');
  const samples = {
    latencies: rounds.flatMap((r) => r.samples.latencies),
    posts: rounds.flatMap((r) => r.samples.posts),
    failures: rounds.flatMap((r) => r.samples.failures),
  };
  const wallMs = rounds.reduce((sum, r) => sum + (r.endedAt - r.startedAt), 0);
  return summarise(
    first.concurrency,
    rounds.reduce((sum, r) => sum + r.orders, 0),
    {
      confirmed: rounds.reduce((sum, r) => sum + r.confirmed, 0),
      cancelled: rounds.reduce((sum, r) => sum + r.cancelled, 0),
    },
    samples,
    wallMs,
    { startedAt: first.startedAt, endedAt: rounds.at(-1)?.endedAt ?? first.endedAt },
  );
}

/** Places `orders` orders with `concurrency` in flight, each awaited to its final status. */
export async function runLevel(options: LoadOptions): Promise<LevelRun> {
  const { apiUrl, watcher, concurrency, orders } = options;
  const timeoutMs = options.orderTimeoutMs ?? 120_000;
  const latencies: number[] = [];
  const posts: number[] = [];
  const failures: string[] = [];
  let confirmed = 0;
  let cancelled = 0;
  let next = 0;
  let lastFinal = 0;
  const startedAt = Date.now();

  const one = async (i: number): Promise<void> => {
    const { token } = await options.tokenFor(benchCustomer(i)); // signed in before the clock starts
    const t0 = Date.now();
    const response = await fetch(`${apiUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), authorization: token },
      body: orderBody(i),
    });
    const text = await response.text();
    posts.push(Date.now() - t0);
    if (response.status !== 202) {
      failures.push(`POST ${response.status}: ${text.slice(0, 200)}`);
      return;
    }
    const { orderId } = z.object({ orderId: z.string() }).parse(JSON.parse(text));
    const final = await watcher.waitFor(orderId, timeoutMs);
    if (final === undefined) {
      failures.push(`${orderId}: no final status within ${timeoutMs} ms`);
      return;
    }
    if (final.status === 'CONFIRMED') confirmed += 1;
    else cancelled += 1;
    // finalizedAt has millisecond precision from the same clock; never earlier than the POST began.
    latencies.push(Math.max(0, final.finalizedAt - t0));
    lastFinal = Math.max(lastFinal, final.finalizedAt);
  };

  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < orders; i = next++) {
        try {
          await one(i);
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
  const endedAt = lastFinal === 0 ? Date.now() : lastFinal;
  return summarise(concurrency, orders, { confirmed, cancelled }, { latencies, posts, failures }, endedAt - startedAt, {
    startedAt,
    endedAt,
  });
}

/** Each queue's messages now, visible and in flight. */
export function queueMessages(sqs: SQSClient, queueUrls: readonly string[]): Promise<number[]> {
  return Promise.all(
    queueUrls.map(async (QueueUrl) => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
      );
    }),
  );
}

/** Resolves once every queue is empty (visible and in flight) twice in a row; returns the wait in ms. */
export async function drained(sqs: SQSClient, queueUrls: readonly string[], timeoutMs = 180_000): Promise<number> {
  const started = Date.now();
  let quietChecks = 0;
  while (Date.now() - started < timeoutMs) {
    const counts = await queueMessages(sqs, queueUrls);
    quietChecks = counts.every((c) => c === 0) ? quietChecks + 1 : 0;
    if (quietChecks >= 2) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`queues not drained within ${timeoutMs} ms`);
}

/** Messages waiting in a queue (e.g. the DLQ). */
export async function queueDepth(sqs: SQSClient, QueueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}
