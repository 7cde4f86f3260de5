// What the end-to-end tests share: stocking products of their own, signing customers in, placing
// and following orders through the API (each request with its customer's ID token), reading each service's table for one order, publishing events straight
// to the topic, tapping the topic with a queue of the test's own, counting the emails SES accepted,
// and waiting until the pipeline is quiet. Every read goes to the emulator directly (never through
// the fault proxy), and every wait polls with a deadline.
import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { PublishCommand, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import type { OrderEvent } from '../../../functions/shared/events.js';
import type { OrderRecord } from '../../../functions/shared/order-record.js';
import { customerTokens, type CustomerToken } from '../../../local/stack/token.js';
import { deservedNotifications } from './effects.js';
import { clients, eventually, http, stack, type HttpResult } from './stack.js';

import { deservedStates, notificationStates } from './effects.js';
export { deservedStates, notificationStates };

const aws = clients();
export const { db, sns, sqs } = aws;
export const tables = () =>
  stack().outputs.table_names as Record<
    'orders' | 'inventory' | 'notifications' | 'billing' | 'idempotency' | 'inventory-reservations',
    string
  > &
    Record<string, string>;

type OrderStatus = 'PLACED' | 'CONFIRMED' | 'CANCELLED';
export interface OrderView {
  orderId: string;
  status: OrderStatus;
  reason?: string;
  customerId: string;
  totalAmount: number;
  currency: string;
  createdAt: string;
  updatedAt: string;
  items: { productId: string; quantity: number; unitPrice: number; lineTotal: number }[];
  services: { inventory: string; payment: string; notification: string };
  history: { eventId: string; type: string; time: string }[];
}

export interface OrderRequest {
  /** The customer (a user of the stack's pool, created on first use) whose ID token the request carries. */
  customer: string;
  items: { productId: string; quantity: number }[];
  paymentToken?: string;
}

export const uniqueId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 12)}`;

// ── customers: ID tokens from the stack's user pool, as `make token` gets them ───────────────

const { endpoint, outputs } = stack();
const cognito = new CognitoIdentityProviderClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
/** A token for customer X (one sign-in per customer for the whole test file). */
export const tokenFor: (customer: string, email?: string) => Promise<CustomerToken> = customerTokens(cognito, {
  userPoolId: outputs.user_pool_id,
  clientId: outputs.user_pool_client_id,
});
/** Whose token reads an order placed through postOrder: its customer's. */
const owners = new Map<string, string>();
/** The customer of requests that name none (a GET of an id no test placed, say). */
const DEFAULT_CUSTOMER = 'e2e-shopper';

/**
 * Makes `customer` the owner of an order a test wrote straight to the table: its sub and email go
 * on the record, and the order's GETs carry that customer's token.
 */
async function ownOrder(orderId: string, customer: string): Promise<CustomerToken> {
  owners.set(orderId, customer);
  return tokenFor(customer);
}

/**
 * A PLACED order as order-api stores it, of one line, owned by a fresh customer (ownOrder), for a
 * test that writes it straight to the orders table.
 */
export async function placedOrderRecord(
  line: { productId: string; quantity: number; unitPrice: number },
  { paymentToken = 'tok_visa', createdAt = new Date().toISOString() } = {},
): Promise<OrderRecord> {
  const orderId = randomUUID();
  const { customerId, email } = await ownOrder(orderId, uniqueId('c'));
  const lineTotal = line.quantity * line.unitPrice;
  return {
    orderId,
    createdAt,
    updatedAt: createdAt,
    status: 'PLACED',
    customerId,
    email,
    items: [{ ...line, lineTotal }],
    totalAmount: lineTotal,
    currency: 'JPY',
    paymentToken,
    services: { inventory: 'PENDING', payment: 'PENDING', notification: 'PENDING' },
    history: [],
  };
}

async function authorization(customer = DEFAULT_CUSTOMER): Promise<Record<string, string>> {
  return { Authorization: (await tokenFor(customer)).token };
}

export async function stockProduct(stock: number, unitPrice = 1200): Promise<string> {
  const productId = uniqueId('p');
  await db.send(
    new PutCommand({
      TableName: tables().inventory,
      Item: { productId, name: `test ${productId}`, unitPrice, currency: 'JPY', stock },
    }),
  );
  return productId;
}

export async function stockOf(productId: string): Promise<number> {
  const { Item } = await db.send(
    new GetCommand({ TableName: tables().inventory, Key: { productId }, ConsistentRead: true }),
  );
  return Number(Item?.stock);
}

/** An order of a customer of its own (default): what the test reads of it is that customer's alone. */
export const orderRequest = (
  items: OrderRequest['items'],
  paymentToken = 'tok_visa',
  customer = uniqueId('c'),
): OrderRequest => ({
  customer,
  items,
  paymentToken,
});

/** POST /orders with the customer's token; the body is what a client sends (the customer is the token's). */
export async function postOrder(request: OrderRequest, idempotencyKey?: string): Promise<HttpResult<OrderView>> {
  const { customer, ...body } = request;
  const response = await http<OrderView>('POST', '/orders', body, {
    ...(await authorization(customer)),
    ...(idempotencyKey === undefined ? {} : { 'Idempotency-Key': idempotencyKey }),
  });
  if (response.status === 202) owners.set(response.body.orderId, customer);
  return response;
}

/** POSTs an order and expects it accepted. */
export async function placeOrder(request: OrderRequest, idempotencyKey?: string): Promise<OrderView> {
  const response = await postOrder(request, idempotencyKey);
  if (response.status !== 202)
    throw new Error(`POST /orders answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

/** GET /orders/{orderId} as a customer: by default the one who placed it through postOrder. */
export async function getOrderResponse<T = OrderView>(
  orderId: string,
  customer = owners.get(orderId) ?? DEFAULT_CUSTOMER,
): Promise<HttpResult<T>> {
  return http<T>('GET', `/orders/${orderId}`, undefined, await authorization(customer));
}

export async function getOrder(orderId: string): Promise<OrderView | undefined> {
  const { status, body } = await getOrderResponse(orderId);
  return status === 200 ? body : undefined;
}

/** The order once it is final (CONFIRMED or CANCELLED), read through the API. */
export function finalOrder(orderId: string, timeoutMs = 90_000): Promise<OrderView> {
  return eventually(
    async () => {
      const order = await getOrder(orderId);
      return order !== undefined && order.status !== 'PLACED' ? order : undefined;
    },
    { timeoutMs, intervalMs: 500, what: `order ${orderId} to reach a final status` },
  );
}

/** Every item of a table under one partition key, read consistently: what the table holds now. */
async function itemsWithKey(table: string, name: string, value: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await db.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: '#key = :value',
      ExpressionAttributeNames: { '#key': name },
      ExpressionAttributeValues: { ':value': value },
      ConsistentRead: true,
    }),
  );
  return Items;
}

/** An order as the orders table holds it now (read straight from the table: no load on order-api). */
export async function storedOrder(orderId: string): Promise<OrderView | undefined> {
  const [order] = await itemsWithKey(tables().orders, 'orderId', orderId);
  return order as OrderView | undefined;
}

/** The orders, in the order asked, if every one of them is final now; undefined otherwise. */
export async function ordersIfFinal(orderIds: readonly string[]): Promise<OrderView[] | undefined> {
  const orders = await mapLimit(orderIds, 8, storedOrder);
  return orders.every((o) => o !== undefined && o.status !== 'PLACED') ? (orders as OrderView[]) : undefined;
}

/** Many orders once all are final, read from the table; each round reads only those still PLACED. */
export function finalOrders(orderIds: readonly string[], timeoutMs = 90_000): Promise<OrderView[]> {
  const done = new Map<string, OrderView>();
  return eventually(
    async () => {
      const pending = orderIds.filter((id) => !done.has(id));
      for (const order of await mapLimit(pending, 8, storedOrder))
        if (order !== undefined && order.status !== 'PLACED') done.set(order.orderId, order);
      return done.size === orderIds.length ? orderIds.map((id) => done.get(id) as OrderView) : undefined;
    },
    { timeoutMs, intervalMs: 500, what: `${orderIds.length} orders to reach a final status` },
  );
}

/** Runs `work` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

// ── each service's records for one order (read straight from its table) ─────────────────────

const NOTIFICATION_KINDS = ['ORDER_RECEIVED', 'ORDER_CONFIRMED', 'ORDER_CANCELLED'] as const;

/** Every notification record of an order, whatever its createdAt: a second record of one kind is a duplicate. */
export async function notificationsOf(orderId: string): Promise<Record<string, unknown>[]> {
  const found = await Promise.all(
    NOTIFICATION_KINDS.map((kind) => itemsWithKey(tables().notifications, 'notificationId', `${orderId}:${kind}`)),
  );
  return found.flat();
}

/** The notifications of an order once `expected` kinds are all SENT; fails on a record of any other kind. */
export function sentNotifications(
  orderId: string,
  expected: readonly string[],
  timeoutMs = 90_000,
): Promise<Record<string, unknown>[]> {
  return eventually(
    async () => {
      const items = await notificationsOf(orderId);
      const sent = items.filter((n) => n.status === 'SENT');
      return sent.length >= expected.length ? items : undefined;
    },
    { timeoutMs, intervalMs: 500, what: `${expected.join(' + ')} notifications of ${orderId}` },
  );
}

/**
 * After quiet(): each order's effects, once each, for orders that are either confirmed or declined by
 * the payment provider: the emails it deserves, one charge (CAPTURED, else DECLINED), its reservation
 * (RESERVED, else RELEASED).
 */
export async function expectCapturedOrDeclined(orders: readonly OrderView[], concurrency: number): Promise<void> {
  const checked = await mapLimit(orders, concurrency, async (order) => ({ order, ...(await effectsOf(order)) }));
  for (const { order, notifications, billing, reservation } of checked) {
    const confirmed = order.status === 'CONFIRMED';
    expect(notificationStates(notifications)).toEqual(deservedStates(order));
    expect(billing).toEqual([expect.objectContaining({ status: confirmed ? 'CAPTURED' : 'DECLINED' })]);
    expect(reservation).toMatchObject({ status: confirmed ? 'RESERVED' : 'RELEASED' });
  }
}

/** Each service's records of a final order, once its customer has been told the outcome. */
export async function effectsOf(order: Pick<OrderView, 'orderId' | 'status'>, timeoutMs = 90_000) {
  await sentNotifications(order.orderId, deservedNotifications(order), timeoutMs);
  const [notifications, billing, reservation] = await Promise.all([
    notificationsOf(order.orderId),
    billingOf(order.orderId),
    reservationOf(order.orderId),
  ]);
  return { notifications, billing, reservation };
}

/** Every billing record of an order (billingId = orderId by design; a second one would be a second charge). */
export async function billingOf(orderId: string): Promise<Record<string, unknown>[]> {
  return itemsWithKey(tables().billing, 'billingId', orderId);
}

export async function reservationOf(orderId: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db.send(
    new GetCommand({ TableName: tables()['inventory-reservations'], Key: { orderId }, ConsistentRead: true }),
  );
  return Item;
}

/** Every order stored for a customer (the orders table has no index on customerId: a filtered scan). */
export async function ordersOfCustomer(customer: string): Promise<Record<string, unknown>[]> {
  const { customerId } = await tokenFor(customer);
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tables().orders,
        FilterExpression: 'customerId = :c',
        ExpressionAttributeValues: { ':c': customerId },
        ConsistentRead: true,
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

// ── the topic ───────────────────────────────────────────────────────────────────────────────

/** Publishes an event straight to order-events, as a producer would (eventType attribute for the filters). */
export async function publishEvent(event: OrderEvent | { type: string; body: string }): Promise<void> {
  const [type, body] = 'body' in event ? [event.type, event.body] : [event.type, JSON.stringify(event)];
  await sns.send(
    new PublishCommand({
      TopicArn: stack().outputs.topic_arn,
      Message: body,
      MessageAttributes: { eventType: { DataType: 'String', StringValue: type } },
    }),
  );
}

export interface TappedEvent {
  type: string;
  id: string;
  orderId: string;
  body: string;
}

/**
 * A queue of the test's own, subscribed to the topic with raw delivery and no filter: it sees every
 * event every producer publishes (a copy, so the services' queues are untouched).
 */
export class TopicTap {
  private constructor(
    readonly queueUrl: string,
    private readonly subscriptionArn: string,
  ) {}

  static async open(): Promise<TopicTap> {
    const name = uniqueId('e2e-tap');
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    if (QueueUrl === undefined) throw new Error('CreateQueue returned no URL');
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({
        TopicArn: stack().outputs.topic_arn,
        Protocol: 'sqs',
        Endpoint: Attributes?.QueueArn,
        Attributes: { RawMessageDelivery: 'true' },
        ReturnSubscriptionArn: true,
      }),
    );
    if (SubscriptionArn === undefined) throw new Error('Subscribe returned no ARN');
    return new TopicTap(QueueUrl, SubscriptionArn);
  }

  /** Receives (and deletes) what is on the tap now; an empty array when it is empty. */
  async drain(): Promise<TappedEvent[]> {
    const events: TappedEvent[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return events;
      for (const message of Messages) {
        const body = message.Body ?? '';
        const parsed = JSON.parse(body) as { type?: unknown; id?: unknown; orderId?: unknown };
        events.push({ type: String(parsed.type), id: String(parsed.id), orderId: String(parsed.orderId), body });
      }
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  }

  async close(): Promise<void> {
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: this.subscriptionArn })).catch(() => undefined);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: this.queueUrl })).catch(() => undefined);
  }
}

// ── quiet: nothing left to process ───────────────────────────────────────────────────────────

const SERVICE_QUEUES = ['inventory-queue', 'billing-queue', 'notification-queue', 'order-status-queue'] as const;

export async function messagesInQueue(queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

/** Every service queue empty (nothing waiting, nothing in flight): every effect and publish has happened. */
export async function pipelineIsQuiet(): Promise<boolean> {
  const urls = stack().outputs.queue_urls;
  const counts = await Promise.all(SERVICE_QUEUES.map((name) => messagesInQueue(urls[name] ?? '')));
  return counts.every((count) => count === 0);
}

export function quiet(timeoutMs = 150_000): Promise<true> {
  return eventually(async () => ((await pipelineIsQuiet()) ? true : undefined), {
    timeoutMs,
    intervalMs: 500,
    what: 'every service queue to be empty',
  });
}

// ── SES: what the emulator accepted ──────────────────────────────────────────────────────────

/**
 * How many emails SES accepted for these orders: every message the emulator kept (LocalStack's
 * `GET /_aws/ses`, which emulation/moto/fixes/ses/sent_emails.py answers too) whose subject names one of them. The
 * notification table shows one record per notification even if a send was repeated; this is what
 * shows a second email. Counted per order, so emails other tests send meanwhile do not count.
 */
export async function emailsSentFor(orderIds: readonly string[]): Promise<number> {
  const response = await fetch(`${stack().endpoint}/_aws/ses`);
  if (!response.ok)
    throw new Error(`GET /_aws/ses answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  const { messages } = (await response.json()) as { messages: { Subject: string }[] };
  return messages.filter((message) => orderIds.some((orderId) => message.Subject.includes(orderId))).length;
}
