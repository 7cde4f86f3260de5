// The ceiling: the AWS calls the pipeline made per order, replayed straight with the SDK against the
// same emulator, at the same number of orders in flight, with none of our code in between (no
// runtime, no workers, no handlers, no queue waits).
//
// The replay is driven by what was measured: for each function, the calls per order by API that the
// fault proxy counted during the pipeline run at this level. Each (function, API) pair has a request
// of the same shape the function sends (same table, similar item, same topic fan-out), so the
// emulator does the same work. Calls run in the saga's order: order-api, then inventory, billing and
// notification side by side, then order-status (see CRITICAL_ORDER_STATUS for what the next order waits for). SNS publishes go to a mirror of order-events whose
// subscriptions copy the real ones (same filter policies, raw delivery) onto mirror queues, so the
// emulator does the same fan-out; the mirror queues are drained with batches of 10 as the runtime's
// pollers would be, with the same number of receive loops per queue.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Clients } from './aws.js';
import { BENCH_PRODUCTS } from './load.js';
import { percentile, round } from './stats.js';

export type CallMix = Record<string, Record<string, number>>;

export interface CeilingSetup {
  topicArn: string;
  queueUrls: string[];
}

/** A topic that copies order-events' SQS subscriptions (filter policies included) onto mirror queues. */
export async function mirrorTopic(admin: Clients, sourceTopicArn: string): Promise<CeilingSetup> {
  const { TopicArn } = await admin.sns.send(new CreateTopicCommand({ Name: 'bench-ceiling-events' }));
  if (TopicArn === undefined) throw new Error('could not create the mirror topic');
  const { Subscriptions = [] } = await admin.sns.send(
    new ListSubscriptionsByTopicCommand({ TopicArn: sourceTopicArn }),
  );
  const queueUrls: string[] = [];
  for (const sub of Subscriptions) {
    if (sub.Protocol !== 'sqs' || sub.Endpoint === undefined || sub.SubscriptionArn === undefined) continue;
    const { Attributes = {} } = await admin.sns.send(
      new GetSubscriptionAttributesCommand({ SubscriptionArn: sub.SubscriptionArn }),
    );
    const name = `bench-ceiling-${sub.Endpoint.split(':').pop() ?? 'queue'}`;
    const { QueueUrl } = await admin.sqs.send(new CreateQueueCommand({ QueueName: name }));
    if (QueueUrl === undefined) throw new Error(`could not create ${name}`);
    queueUrls.push(QueueUrl);
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
  return { topicArn: TopicArn, queueUrls };
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

interface OrderContext {
  orderId: string;
  createdAt: string;
  productId: string;
  tables: Record<string, string>;
  topicArn: string;
  /** How many calls of this (function, API) the order has made so far: keeps keys unique. */
  k: number;
}

const EVENT_BY_FUNCTION: Record<string, string> = {
  'order-publisher': 'OrderPlaced',
  inventory: 'InventoryReserved',
  billing: 'PaymentCaptured',
  notification: 'NotificationSent',
  'order-status': 'OrderConfirmed',
};

const table = (ctx: OrderContext, name: string): string => ctx.tables[name] ?? name;

function orderItem(ctx: OrderContext): Record<string, unknown> {
  return {
    orderId: ctx.orderId,
    createdAt: ctx.createdAt,
    updatedAt: ctx.createdAt,
    status: 'PLACED',
    customerId: 'bench-ceiling',
    email: 'bench@example.com',
    items: [{ productId: ctx.productId, quantity: 1, unitPrice: 1000, lineTotal: 1000 }],
    totalAmount: 1000,
    currency: 'JPY',
    paymentToken: 'tok_visa',
    services: { inventory: 'PENDING', payment: 'PENDING', notification: 'PENDING' },
    history: [],
    idempotencyKey: `key-${ctx.orderId}`,
  };
}

function eventMessage(ctx: OrderContext, type: string): string {
  return JSON.stringify({
    version: 1,
    id: `${ctx.orderId}:${type}:${ctx.k}`,
    type,
    time: new Date().toISOString(),
    orderId: ctx.orderId,
    data: {
      customerId: 'bench-ceiling',
      email: 'bench@example.com',
      items: [{ productId: ctx.productId, quantity: 1, unitPrice: 1000, lineTotal: 1000 }],
      totalAmount: 1000,
      currency: 'JPY',
      paymentToken: 'tok_visa',
    },
  });
}

/** One call of `api` shaped as `fn` makes it; undefined for a pair the replay does not know. */
function call(c: Clients, fn: string, api: string, ctx: OrderContext): Promise<unknown> | undefined {
  const ownTable: Record<string, string> = {
    'order-api': table(ctx, 'orders'),
    inventory: table(ctx, 'inventory-reservations'),
    billing: table(ctx, 'billing'),
    notification: table(ctx, 'notifications'),
    'order-status': table(ctx, 'orders'),
  };
  const key = (fnName: string): Record<string, unknown> => {
    switch (fnName) {
      case 'billing':
        return { billingId: ctx.orderId, orderId: ctx.orderId };
      case 'notification':
        return { notificationId: `${ctx.orderId}:${ctx.k}`, createdAt: ctx.createdAt };
      case 'inventory':
        return { orderId: `${ctx.orderId}:${ctx.k}` };
      default:
        return { orderId: ctx.orderId, createdAt: ctx.createdAt };
    }
  };
  switch (api) {
    case 'DynamoDB.BatchGetItem':
      return c.db.send(
        new BatchGetCommand({
          RequestItems: {
            [table(ctx, 'inventory')]: {
              Keys: [{ productId: ctx.productId }],
              ProjectionExpression: 'productId, #name, unitPrice, currency',
              ExpressionAttributeNames: { '#name': 'name' },
            },
          },
        }),
      );
    case 'DynamoDB.Query':
      return c.db.send(
        new QueryCommand({
          TableName: table(ctx, 'orders'),
          KeyConditionExpression: 'orderId = :id',
          ExpressionAttributeValues: { ':id': ctx.orderId },
          Limit: 1,
          ConsistentRead: true,
        }),
      );
    case 'DynamoDB.GetItem':
      return c.db.send(
        new GetCommand({ TableName: ownTable[fn] ?? table(ctx, 'orders'), Key: key(fn), ConsistentRead: true }),
      );
    case 'DynamoDB.PutItem': {
      const item =
        fn === 'billing'
          ? { ...key(fn), status: 'PENDING', amount: 1000, currency: 'JPY', createdAt: ctx.createdAt }
          : fn === 'notification'
            ? {
                ...key(fn),
                orderId: ctx.orderId,
                kind: 'ORDER_RECEIVED',
                recipient: 'bench@example.com',
                subject: 'Order received',
                status: 'PENDING',
                claimedAt: ctx.createdAt,
              }
            : fn === 'inventory'
              ? {
                  ...key(fn),
                  status: 'REJECTED',
                  items: [{ productId: ctx.productId, quantity: 1 }],
                  shortages: [],
                  reason: 'bench',
                  decidedAt: ctx.createdAt,
                }
              : orderItem(ctx);
      const conditionKey = Object.keys(key(fn))[0] ?? 'orderId';
      return c.db.send(
        new PutCommand({
          TableName: ownTable[fn] ?? table(ctx, 'orders'),
          Item: item,
          ConditionExpression: `attribute_not_exists(${conditionKey})`,
        }),
      );
    }
    case 'DynamoDB.TransactWriteItems':
      if (fn === 'inventory') {
        return c.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table(ctx, 'inventory-reservations'),
                  Item: {
                    ...key(fn),
                    status: 'RESERVED',
                    items: [{ productId: ctx.productId, quantity: 1 }],
                    decidedAt: ctx.createdAt,
                  },
                  ConditionExpression: 'attribute_not_exists(orderId)',
                },
              },
              {
                Update: {
                  TableName: table(ctx, 'inventory'),
                  Key: { productId: ctx.productId },
                  UpdateExpression: 'SET #stock = #stock - :q',
                  ConditionExpression: 'attribute_exists(productId) AND #stock >= :q',
                  ExpressionAttributeNames: { '#stock': 'stock' },
                  ExpressionAttributeValues: { ':q': 1 },
                },
              },
            ],
          }),
        );
      }
      return c.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table(ctx, 'orders'),
                Item: { ...orderItem(ctx), ...(ctx.k > 0 ? { orderId: `${ctx.orderId}:${ctx.k}` } : {}) },
                ConditionExpression: 'attribute_not_exists(orderId)',
              },
            },
            {
              Put: {
                TableName: table(ctx, 'idempotency'),
                Item: {
                  idempotencyKey: `key-${ctx.orderId}:${ctx.k}`,
                  requestHash: 'x'.repeat(64),
                  orderId: ctx.orderId,
                  expiresAt: Math.floor(Date.now() / 1000) + 86_400,
                  response: { statusCode: 202, body: orderItem(ctx) },
                },
                ConditionExpression: 'attribute_not_exists(idempotencyKey) OR expiresAt < :now',
                ExpressionAttributeValues: { ':now': Math.floor(Date.now() / 1000) },
              },
            },
          ],
        }),
      );
    case 'DynamoDB.UpdateItem':
      if (fn === 'order-status') {
        return c.db.send(
          new UpdateCommand({
            TableName: table(ctx, 'orders'),
            Key: key(fn),
            UpdateExpression: 'SET #history = list_append(#history, :entry), updatedAt = :now ADD #applied :ids',
            ConditionExpression: 'attribute_exists(orderId) AND NOT contains(#applied, :id)',
            ExpressionAttributeNames: { '#history': 'history', '#applied': 'appliedEventIds' },
            ExpressionAttributeValues: {
              ':entry': [{ eventId: `${ctx.orderId}:e${ctx.k}`, type: 'InventoryReserved', time: ctx.createdAt }],
              ':now': new Date().toISOString(),
              ':ids': new Set([`${ctx.orderId}:e${ctx.k}`]),
              ':id': `${ctx.orderId}:e${ctx.k}`,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
      }
      if (fn === 'order-api') {
        return c.db.send(
          new UpdateCommand({
            TableName: table(ctx, 'idempotency'),
            Key: { idempotencyKey: `key-${ctx.orderId}:0` },
            UpdateExpression: 'SET #state = :completed, #response = :response',
            ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
            ExpressionAttributeValues: {
              ':completed': 'COMPLETED',
              ':response': { statusCode: 202, body: orderItem(ctx) },
            },
          }),
        );
      }
      return c.db.send(
        new UpdateCommand({
          TableName: ownTable[fn] ?? table(ctx, 'orders'),
          Key: key(fn),
          UpdateExpression: 'SET #status = :status, decidedAt = :now, messageId = :ref',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': 'DONE',
            ':now': new Date().toISOString(),
            ':ref': `ref-${ctx.orderId}`,
          },
        }),
      );
    case 'SNS.Publish': {
      const type = EVENT_BY_FUNCTION[fn] ?? 'OrderPlaced';
      return c.sns.send(
        new PublishCommand({
          TopicArn: ctx.topicArn,
          Message: eventMessage(ctx, type),
          MessageAttributes: { eventType: { DataType: 'String', StringValue: type } },
        }),
      );
    }
    case 'SESv2.SendEmail':
      return c.ses.send(
        new SendEmailCommand({
          FromEmailAddress: 'orders@example.com',
          Destination: { ToAddresses: ['bench@example.com'] },
          Content: {
            Simple: {
              Subject: { Data: 'Your order', Charset: 'UTF-8' },
              Body: { Text: { Data: 'Thank you for your order. '.repeat(8), Charset: 'UTF-8' } },
            },
          },
        }),
      );
    default:
      return undefined;
  }
}

/** The order in which each function makes its calls (round-robin over these, as many times as counted). */
const CALL_ORDER = [
  'DynamoDB.Query',
  'DynamoDB.BatchGetItem',
  'DynamoDB.GetItem',
  'DynamoDB.TransactWriteItems',
  'DynamoDB.PutItem',
  'SESv2.SendEmail',
  'DynamoDB.UpdateItem',
  'SNS.Publish',
];

/** Whole calls per order for a fractional count: floor, plus one more with the fraction's probability. */
const draw = (count: number): number => Math.floor(count) + (Math.random() < count - Math.floor(count) ? 1 : 0);

function sequenceFor(apis: Record<string, number>): string[] {
  const remaining = new Map(Object.entries(apis).map(([api, n]) => [api, draw(n)]));
  const ordered = [...remaining.keys()].sort(
    (a, b) => (CALL_ORDER.indexOf(a) + 1 || 99) - (CALL_ORDER.indexOf(b) + 1 || 99),
  );
  const out: string[] = [];
  while ([...remaining.values()].some((n) => n > 0)) {
    for (const api of ordered) {
      const n = remaining.get(api) ?? 0;
      if (n > 0) {
        out.push(api);
        remaining.set(api, n - 1);
      }
    }
  }
  return out;
}

/**
 * The happy path's critical path to the final status, as the saga runs it: order-api; then inventory
 * and billing side by side; then order-status applies their two results (a read and a conditional
 * write each), finalizes (one more write) and publishes the final event. Everything else (both emails
 * with their records, order-status projecting the NotificationSent events) happens beside or after
 * the final status, as in the pipeline: it runs in the background, loading the emulator, but the next
 * order does not wait for it.
 */
const CRITICAL_ORDER_STATUS: Record<string, number> = {
  'DynamoDB.Query': 2,
  'DynamoDB.UpdateItem': 3,
  'SNS.Publish': Number.POSITIVE_INFINITY,
};

function splitOrderStatus(sequence: string[]): { critical: string[]; tail: string[] } {
  const left = new Map(Object.entries(CRITICAL_ORDER_STATUS));
  const critical: string[] = [];
  const tail: string[] = [];
  for (const api of sequence) {
    const n = left.get(api) ?? 0;
    if (n > 0) {
      critical.push(api);
      left.set(api, n - 1);
    } else tail.push(api);
  }
  return { critical, tail };
}

export interface CeilingResult {
  concurrency: number;
  orders: number;
  wallSeconds: number;
  ordersPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number };
  skipped: string[];
  errors: number;
}

export async function runCeiling(options: {
  clients: Clients;
  mix: CallMix;
  concurrency: number;
  orders: number;
  tables: Record<string, string>;
  topicArn: string;
}): Promise<CeilingResult> {
  const { clients: c, mix, concurrency, orders } = options;
  const skipped = new Set<string>();
  const latencies: number[] = [];
  const tails: Promise<void>[] = [];
  let errors = 0;
  let next = 0;

  const one = async (i: number): Promise<void> => {
    const ctxBase = {
      orderId: `ceiling-${randomUUID()}`,
      createdAt: new Date().toISOString(),
      productId: BENCH_PRODUCTS[i % BENCH_PRODUCTS.length] ?? 'bench-p-001',
      tables: options.tables,
      topicArn: options.topicArn,
    };
    const seen = new Map<string, number>();
    const replay = async (fn: string, apis: string[]): Promise<void> => {
      for (const api of apis) {
        const k = seen.get(`${fn}:${api}`) ?? 0;
        seen.set(`${fn}:${api}`, k + 1);
        const pending = call(c, fn, api, { ...ctxBase, k });
        if (pending === undefined) {
          skipped.add(`${fn}:${api}`);
          continue;
        }
        try {
          await pending;
        } catch {
          errors += 1; // a refused condition still cost the emulator the same work
        }
      }
    };
    const seq = (fn: string): string[] => sequenceFor(mix[fn] ?? {});
    const notification = seq('notification');
    const half = Math.ceil(notification.length / 2);
    const status = splitOrderStatus(seq('order-status'));
    const known = new Set(['order-api', 'order-publisher', 'inventory', 'billing', 'notification', 'order-status']);
    const others = Object.keys(mix).filter((fn) => !known.has(fn));

    const t0 = Date.now();
    await replay('order-api', seq('order-api'));
    await replay('order-publisher', seq('order-publisher')); // OrderPlaced, from the orders stream
    const received = replay('notification', notification.slice(0, half)); // the "order received" email
    await Promise.all([
      replay('inventory', seq('inventory')),
      replay('billing', seq('billing')),
      ...others.map((fn) => replay(fn, seq(fn))),
    ]);
    await replay('order-status', status.critical);
    latencies.push(Date.now() - t0);
    tails.push(
      (async () => {
        await received;
        await replay('notification', notification.slice(half)); // the "order confirmed" email
        await replay('order-status', status.tail);
      })(),
    );
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
    skipped: [...skipped],
    errors,
  };
}
