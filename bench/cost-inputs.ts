// The cost model's call mix for one level of the bench: what the bench measured (calls per order by
// function and API, invocations and their billed milliseconds, log bytes), and, for what it cannot
// measure, the inputs below with the value used and why. The report prints every assumed input.
import type { BillingRecordOf } from '../functions/billing/ports.js';
import type { ReservationOf } from '../functions/inventory/ports.js';
import type { NotificationRecordOf } from '../functions/notification/ports.js';
import type { IdempotencyRecord, Product } from '../functions/order-api/ports.js';
import { createEvent } from '../functions/shared/events.js';
import type { OrderRecord } from '../functions/shared/order-record.js';
import { itemBytes, type CostMix, type DynamoCall, type PayloadRequests } from './cost.js';
import type { LevelReport } from './results.js';

/** An input the bench does not measure: its value and where the value comes from. */
interface Assumption {
  name: string;
  value: string;
  why: string;
}

/**
 * Lambda memory: infra/modules/order-fanout/main.tf's default_memory_size, which neither envs/local
 * nor envs/aws overrides by default (function_settings).
 */
export const MEMORY_MB = 256;

// The records the functions write, for the bench's orders (one line, UUID ids, its 8-character
// product ids and customer ids), typed by the functions' own types so that they follow the schemas.
const ID = '0b6f1c1e-8f43-4a43-9c0e-4f6a2b0f6c11';
const TIME = '2026-12-01T15:00:00.000Z';
const EXPIRES = 1_796_000_000;
const line = { productId: 'bench-p-001', quantity: 1, unitPrice: 1000, lineTotal: 1000 };
const placed: OrderRecord = {
  orderId: ID,
  createdAt: TIME,
  updatedAt: TIME,
  status: 'PLACED',
  customerId: 'bench-42',
  email: 'bench@example.com',
  items: [line],
  totalAmount: 1000,
  currency: 'JPY',
  paymentToken: 'tok_visa',
  services: { inventory: 'PENDING', payment: 'PENDING', notification: 'PENDING' },
  history: [],
  idempotencyKey: ID,
};
const applied = ['InventoryReserved', 'PaymentCaptured', 'NotificationSent', 'NotificationSent'].map((type, i) => ({
  eventId: `${ID}:${type}:${i}`,
  type,
  time: TIME,
}));
/** Confirmed, after its four result events (two emails): the largest the order gets on the happy path. */
const final: OrderRecord = {
  ...placed,
  status: 'CONFIRMED',
  finalizedAt: TIME,
  finalizedBy: applied[1]?.eventId ?? ID,
  services: { inventory: 'RESERVED', payment: 'CAPTURED', notification: 'ORDER_CONFIRMED' },
  history: applied,
  appliedEventIds: new Set(applied.map((e) => e.eventId)),
};
const key: IdempotencyRecord = {
  idempotencyKey: ID,
  requestHash: 'f'.repeat(64),
  orderId: ID,
  expiresAt: EXPIRES,
  response: {
    statusCode: 202,
    // The 202's body as place-order.ts stores it with the key
    body: {
      orderId: ID,
      status: 'PLACED',
      customerId: placed.customerId,
      items: placed.items,
      totalAmount: placed.totalAmount,
      currency: placed.currency,
      createdAt: TIME,
    },
  },
};
const product: Product & { stock: number } = {
  productId: line.productId,
  name: `Benchmark item ${line.productId}`,
  unitPrice: 1000,
  currency: 'JPY',
  stock: 4000,
};
const reservation: ReservationOf<'RESERVED'> = {
  orderId: ID,
  status: 'RESERVED',
  items: [{ productId: line.productId, quantity: 1 }],
  decidedAt: TIME,
};
const billing: BillingRecordOf<'CAPTURED'> = {
  billingId: ID,
  orderId: ID,
  amount: 1000,
  currency: 'JPY',
  status: 'CAPTURED',
  providerRef: `ch_${ID}`,
  decidedAt: TIME,
};
const notification: NotificationRecordOf<'SENT'> = {
  notificationId: `${ID}:ORDER_CONFIRMED`,
  createdAt: TIME,
  orderId: ID,
  kind: 'ORDER_CONFIRMED',
  recipient: 'bench@example.com',
  subject: `Your order ${ID} is confirmed`,
  claimedAt: TIME,
  claimId: ID,
  status: 'SENT',
  messageId: ID,
  sentAt: TIME,
};

/** Item sizes (bytes, DynamoDB's rules) of the records above; an update is billed at the larger of before and after. */
export const ITEM_BYTES = {
  orderPlaced: itemBytes(placed),
  orderFinal: itemBytes(final),
  idempotencyKey: itemBytes(key),
  productProjected: itemBytes({
    productId: product.productId,
    name: product.name,
    unitPrice: product.unitPrice,
    currency: product.currency,
  }),
  product: itemBytes(product),
  reservation: itemBytes(reservation),
  billing: itemBytes(billing),
  notification: itemBytes(notification),
} as const;

/** OrderPlaced for that order as JSON, the biggest event of the happy path (SNS bills the message body and its attributes). */
const ORDER_PLACED_BYTES = JSON.stringify(
  createEvent('OrderPlaced', {
    id: `${ID}:OrderPlaced`,
    orderId: ID,
    time: TIME,
    data: {
      customerId: placed.customerId,
      email: placed.email,
      items: placed.items,
      totalAmount: 1000,
      currency: 'JPY',
      paymentToken: 'tok_visa',
    },
  }),
).length;

type Shape = Omit<DynamoCall, 'calls'>;
const shape = (
  table: string,
  what: string,
  kind: Shape['kind'],
  itemBytes: number,
  consistency: Shape['consistency'],
  items = 1,
): Shape => ({ table, what, kind, items, itemBytes, consistency });

/**
 * What each DynamoDB call the functions make reads or writes, by "<function> <API>" (the fault
 * proxy's names), from the adapters' code. One measured call can be several shapes (a BatchGetItem
 * over two tables, a transaction's items). A call not listed here falls back to "* <API>", and the
 * report names it.
 */
const DYNAMO_SHAPES: Record<string, Shape[]> = {
  // readForOrder: the product (projected, eventually consistent) and the key (consistent; a miss still costs its unit)
  'order-api DynamoDB.BatchGetItem': [
    shape('inventory', 'order-api reads the product', 'read', ITEM_BYTES.productProjected, 'eventual'),
    shape('idempotency', 'order-api reads the key', 'read', ITEM_BYTES.idempotencyKey, 'strong'),
  ],
  // createOrder with a key: Put order + Put key in one transaction
  'order-api DynamoDB.TransactWriteItems': [
    shape('orders', 'order-api stores the order', 'write', ITEM_BYTES.orderPlaced, 'transactional'),
    shape('idempotency', 'order-api stores the key', 'write', ITEM_BYTES.idempotencyKey, 'transactional'),
  ],
  // createOrder without a key: the order alone
  'order-api DynamoDB.PutItem': [
    shape('orders', 'order-api stores the order (no key)', 'write', ITEM_BYTES.orderPlaced, 'strong'),
  ],
  'order-api DynamoDB.GetItem': [
    shape('idempotency', 'order-api reads the key again', 'read', ITEM_BYTES.idempotencyKey, 'strong'),
  ],
  'order-api DynamoDB.Query': [shape('orders', 'order-api GET /orders/{id}', 'read', ITEM_BYTES.orderFinal, 'strong')],
  // reserve: Put reservation + Update each product line (the bench's orders have one line)
  'inventory DynamoDB.TransactWriteItems': [
    shape('reservations', 'inventory reserves', 'write', ITEM_BYTES.reservation, 'transactional'),
    shape('inventory', 'inventory takes the stock', 'write', ITEM_BYTES.product, 'transactional'),
  ],
  'inventory DynamoDB.PutItem': [
    shape('reservations', 'inventory records a rejection or release', 'write', ITEM_BYTES.reservation, 'strong'),
  ],
  'inventory DynamoDB.UpdateItem': [
    shape('inventory', 'inventory releases stock', 'write', ITEM_BYTES.product, 'strong'),
  ],
  'inventory DynamoDB.GetItem': [
    shape('reservations', 'inventory reads a reservation', 'read', ITEM_BYTES.reservation, 'strong'),
  ],
  'billing DynamoDB.PutItem': [shape('billing', 'billing writes its intent', 'write', ITEM_BYTES.billing, 'strong')],
  'billing DynamoDB.UpdateItem': [
    shape('billing', 'billing records the outcome', 'write', ITEM_BYTES.billing, 'strong'),
  ],
  'billing DynamoDB.GetItem': [shape('billing', 'billing reads its record', 'read', ITEM_BYTES.billing, 'strong')],
  'notification DynamoDB.PutItem': [
    shape('notifications', 'notification claims an email', 'write', ITEM_BYTES.notification, 'strong'),
  ],
  'notification DynamoDB.UpdateItem': [
    shape('notifications', 'notification marks it sent', 'write', ITEM_BYTES.notification, 'strong'),
  ],
  'notification DynamoDB.GetItem': [
    shape('notifications', 'notification reads a claim', 'read', ITEM_BYTES.notification, 'strong'),
  ],
  // find: Query Limit 1, consistent; applyEvent/finalize: the order's updates, priced at its final size (an upper bound: the first updates are under 1 KB)
  'order-status DynamoDB.Query': [
    shape('orders', 'order-status reads the order', 'read', ITEM_BYTES.orderFinal, 'strong'),
  ],
  'order-status DynamoDB.UpdateItem': [
    shape('orders', 'order-status applies an event', 'write', ITEM_BYTES.orderFinal, 'strong'),
  ],
  '* DynamoDB.GetItem': [shape('other', 'a GetItem not mapped', 'read', 1024, 'strong')],
  '* DynamoDB.Query': [shape('other', 'a Query not mapped', 'read', 4096, 'strong')],
  '* DynamoDB.PutItem': [shape('other', 'a PutItem not mapped', 'write', 1024, 'strong')],
  '* DynamoDB.UpdateItem': [shape('other', 'an UpdateItem not mapped', 'write', 1024, 'strong')],
  '* DynamoDB.DeleteItem': [shape('other', 'a DeleteItem not mapped', 'write', 1024, 'strong')],
  '* DynamoDB.TransactWriteItems': [
    shape('other', 'a transaction not mapped (2 items)', 'write', 1024, 'transactional', 2),
  ],
  '* DynamoDB.BatchGetItem': [shape('other', 'a BatchGetItem not mapped (2 items)', 'read', 1024, 'strong', 2)],
};

/** Every event priced as OrderPlaced plus its eventType attribute (about 40 B): far under one 64 KB chunk. */
export const EVENT_BYTES = ORDER_PLACED_BYTES + 40;
/** A DeleteMessageBatch of up to 10 receipt handles (about 200 B each): one chunk. */
const DELETE_BATCH_BYTES = 2048;
/** Lambda's own lines per invocation in CloudWatch Logs (START, END, REPORT), which the local runtime does not print. */
const PLATFORM_LOG_BYTES_PER_INVOCATION = 350;
/** Functions not fed by SQS: their records are not SNS deliveries. */
const NOT_SQS_FED = new Set(['order-api', 'order-publisher', '-']);

export interface LevelCost {
  mix: CostMix;
  assumptions: Assumption[];
}

/** The call mix per order of one bench level, from its measured counters and the inputs above. */
export function levelCostMix(level: LevelReport): LevelCost {
  const orders = level.orders;
  const assumptions: Assumption[] = [
    {
      name: 'Lambda memory',
      value: `${MEMORY_MB} MB`,
      why: "every function: Terraform's default_memory_size, not overridden",
    },
    {
      name: 'event payload',
      value: `${EVENT_BYTES} B`,
      why: 'OrderPlaced of a one-line order as JSON, with its eventType attribute: one 64 KB chunk per publish and per received batch of up to 10',
    },
    {
      name: 'item sizes',
      value: `order ${ITEM_BYTES.orderPlaced}–${ITEM_BYTES.orderFinal} B, key ${ITEM_BYTES.idempotencyKey} B, others ≤ ${Math.max(ITEM_BYTES.product, ITEM_BYTES.reservation, ITEM_BYTES.billing, ITEM_BYTES.notification)} B`,
      why: "the records the functions write, sized by DynamoDB's rules for the bench's one-line orders; every order update priced at the final size, an upper bound",
    },
    {
      name: 'Lambda log lines',
      value: `${PLATFORM_LOG_BYTES_PER_INVOCATION} B per invocation`,
      why: 'START, END and REPORT, which Lambda writes and the local runtime does not',
    },
  ];

  const lambda: CostMix['lambda'] = {};
  let logBytes = 0;
  let deliveries = 0;
  let apiRequests = 0;
  for (const [fn, i] of Object.entries(level.invocations)) {
    // Older results carry no billed milliseconds: their busy seconds, rounded per order, are the closest.
    const billed = i.billedMs ?? Math.ceil(i.busySeconds * 1000);
    if (fn !== '-')
      lambda[fn] = { invocations: i.invocations / orders, billedMs: billed / orders, memoryMB: MEMORY_MB };
    logBytes +=
      (i.logBytes ?? 0) / orders + (fn === '-' ? 0 : (i.invocations / orders) * PLATFORM_LOG_BYTES_PER_INVOCATION);
    if (fn === 'order-api' || fn === '-') apiRequests += i.invocations / orders;
    if (!NOT_SQS_FED.has(fn)) deliveries += (i.invocations * i.meanBatch - i.retried) / orders;
  }
  if (Object.values(level.invocations).some((i) => i.billedMs === undefined)) {
    assumptions.push({
      name: 'billed duration',
      value: 'busy seconds',
      why: 'these results predate per-invocation billed milliseconds',
    });
  }
  if (Object.values(level.invocations).some((i) => i.logBytes === undefined)) {
    assumptions.push({ name: 'function log bytes', value: '0', why: 'these results predate measured log bytes' });
  }

  const calls = level.callsPerOrder;
  const receives = calls['SQS.ReceiveMessage'] ?? 0;
  const perReceive = receives > 0 ? deliveries / receives : 0;
  const sqsRequests: PayloadRequests[] = Object.entries(calls)
    .filter(([api]) => api.startsWith('SQS.'))
    .map(([api, count]) => ({
      what: api === 'SQS.ReceiveMessage' ? 'ReceiveMessage, empty long polls included' : api.slice('SQS.'.length),
      count,
      payloadBytes:
        api === 'SQS.ReceiveMessage'
          ? Math.ceil(perReceive) * EVENT_BYTES
          : api.startsWith('SQS.DeleteMessage')
            ? DELETE_BATCH_BYTES
            : EVENT_BYTES,
    }));

  const dynamodb: DynamoCall[] = [];
  const unmapped = new Set<string>();
  for (const [fn, counts] of Object.entries(level.byFunction)) {
    for (const [api, count] of Object.entries(counts)) {
      if (!api.startsWith('DynamoDB.')) continue;
      let shapes = DYNAMO_SHAPES[`${fn} ${api}`];
      if (shapes === undefined) {
        shapes = DYNAMO_SHAPES[`* ${api}`] ?? [shape('other', `${api} not mapped`, 'write', 1024, 'strong')];
        unmapped.add(`${fn} ${api}`);
      }
      for (const s of shapes) dynamodb.push({ ...s, calls: count });
    }
  }
  if (unmapped.size > 0) {
    assumptions.push({
      name: 'DynamoDB calls not mapped',
      value: [...unmapped].sort().join(', '),
      why: 'priced as 1 KB items, a Query as 4 KB, strongly consistent: add them to DYNAMO_SHAPES in bench/cost-inputs.ts',
    });
  }

  return {
    mix: {
      lambda,
      apiRequests,
      snsPublishes: [{ what: 'SNS.Publish', count: calls['SNS.Publish'] ?? 0, payloadBytes: EVENT_BYTES }],
      snsSqsDeliveries: deliveries,
      sqsRequests,
      dynamodb,
      // Every GetRecords at the emulator is the runtime's, standing in for Lambda's own stream polling.
      streamReads: { lambda: calls['DynamoDB.GetRecords'] ?? 0, other: 0 },
      emails: calls['SESv2.SendEmail'] ?? 0,
      logBytes,
    },
    assumptions,
  };
}
