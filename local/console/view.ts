// What the console knows without asking AWS: the runtime's batch reports (../reports.ts), kept in
// memory. Every record a function was given says which order it concerns, and nothing is read from
// log text:
//  - an insert on the orders table's stream (order-publisher's batch) places an order: PLACED, at
//    the record's createdAt;
//  - an SQS record is an event of the saga (functions/shared/events.ts's envelope): its payload is
//    kept, with every delivery of it (which queue, which function, when, processed or retried);
//  - an OrderConfirmed or OrderCancelled event, the orders service's announcement, makes the
//    order final (with the reason), whichever consumer it is seen at first.
// Each batch that held a record of an order is one invocation of its waterfall (start, end,
// function, outcome). Pure: no I/O, bounded memory.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { z } from 'zod';
import type { BatchItem, BatchReport, RuntimeReport } from '../../emulation/runtime/reports.js';

/** UNKNOWN: seen only in events (placed before the runtime started, or an event published by hand). */
type OrderStatus = 'UNKNOWN' | 'PLACED' | 'CONFIRMED' | 'CANCELLED';

/** One batch that held a record of the order: a bar of its waterfall. */
export interface Invocation {
  functionName: string;
  /** The queue, or "<table> stream". */
  source: string;
  startedAt: string;
  endedAt: string;
  /** This order's record: processed (deleted or checkpointed), or left for a retry. */
  outcome: 'processed' | 'retried';
  /** The event the record carried (undefined for a stream record). */
  eventType?: string;
  eventId?: string;
  /** The record's delivery count (SQS): 2 and more for a redelivery or a publish again. */
  receiveCount?: number;
  /** Records in the batch, this one included (others may be other orders'). */
  batchSize: number;
}

interface Delivery {
  functionName: string;
  queue: string;
  time: string;
  outcome: 'processed' | 'retried';
}

export interface EventView {
  id: string;
  type: string;
  /** When it happened (the event's own time). */
  time: string;
  /** The message body as delivered: what "Publish again" sends once more. */
  body: string;
  /** The body, parsed (what the payload panel shows). */
  payload: unknown;
  /** Every delivery of it, in the order they ended. */
  deliveries: Delivery[];
}

export interface OrderView {
  orderId: string;
  status: OrderStatus;
  reason?: string;
  /** When order-api stored it (the orders record's createdAt), else when it was first seen. */
  placedAt: string;
  /** Every status the order has had, with when. */
  statuses: { status: OrderStatus; time: string }[];
  /** Its waterfall, in start order. */
  invocations: Invocation[];
  /** Its events, in the order they happened. */
  events: EventView[];
}

export interface ViewSnapshot {
  /** Newest first. */
  orders: OrderView[];
}

/** The saga's envelope (functions/shared/events.ts), loosely: a message the contracts refuse is still shown. */
const envelope = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  time: z.string(),
  orderId: z.string().min(1),
  data: z.unknown().optional(),
});

const streamRecord = z.object({
  eventName: z.string().optional(),
  NewImage: z.record(z.string(), z.unknown()).optional(),
});

const ordersRecord = z.looseObject({ orderId: z.string().min(1), createdAt: z.string(), status: z.string() });

/** The final statuses the orders service announces, by the event that announces them. */
const FINAL_EVENTS: Record<string, 'CONFIRMED' | 'CANCELLED'> = {
  OrderConfirmed: 'CONFIRMED',
  OrderCancelled: 'CANCELLED',
};

const readJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** The earlier of two ISO timestamps (compared as strings: Math.min would make them NaN). */
const earlier = (a: string, b: string): string => (a < b ? a : b);

export class ConsoleView {
  private readonly orders = new Map<string, OrderView>();

  constructor(private readonly limits = { orders: 50, invocations: 80, events: 40 }) {}

  observe(report: RuntimeReport): void {
    if (report.type !== 'batch') return;
    for (const item of report.items) {
      if (report.source.kind === 'dynamodb-stream') this.streamItem(report, item);
      else this.sqsItem(report, item);
    }
  }

  snapshot(): ViewSnapshot {
    return { orders: [...this.orders.values()].sort((a, b) => b.placedAt.localeCompare(a.placedAt)) };
  }

  /** The event with this id, as it was delivered (for "Publish again"). */
  event(eventId: string): (EventView & { orderId: string }) | undefined {
    for (const order of this.orders.values()) {
      const found = order.events.find((event) => event.id === eventId);
      if (found !== undefined) return { ...found, orderId: order.orderId };
    }
    return undefined;
  }

  /** An insert on the orders table's stream: the order as order-api stored it. */
  private streamItem(report: BatchReport, item: BatchItem): void {
    const parsed = streamRecord.safeParse(readJson(item.body));
    if (!parsed.success || parsed.data.NewImage === undefined) return;
    let image: unknown;
    try {
      image = unmarshall(parsed.data.NewImage as Record<string, AttributeValue>);
    } catch {
      return; // not an attribute-value image
    }
    const stored = ordersRecord.safeParse(image);
    if (!stored.success) return;
    const order = this.order(stored.data.orderId, stored.data.createdAt);
    if (parsed.data.eventName === 'INSERT') {
      order.placedAt = earlier(stored.data.createdAt, order.placedAt);
      if (order.status === 'UNKNOWN') order.status = 'PLACED';
      if (order.statuses[0]?.status !== 'PLACED') order.statuses.unshift({ status: 'PLACED', time: order.placedAt });
    }
    this.invocation(order, report, item, {});
  }

  /** A message of a queue: an event of the saga, delivered to one consumer. */
  private sqsItem(report: BatchReport, item: BatchItem): void {
    const parsed = envelope.safeParse(readJson(item.body));
    if (!parsed.success) return;
    const event = parsed.data;
    const order = this.order(event.orderId, event.time);
    const outcome = item.retried ? 'retried' : 'processed';
    let known = order.events.find((e) => e.id === event.id);
    if (known === undefined) {
      known = { id: event.id, type: event.type, time: event.time, body: item.body, payload: event, deliveries: [] };
      let at = order.events.length;
      while (at > 0 && (order.events[at - 1]?.time ?? '') > known.time) at -= 1;
      order.events.splice(at, 0, known);
      if (order.events.length > this.limits.events) order.events.shift();
    }
    known.deliveries.push({ functionName: report.functionName, queue: report.source.name, time: report.time, outcome });
    const final = FINAL_EVENTS[event.type];
    if (final !== undefined && (order.status === 'PLACED' || order.status === 'UNKNOWN')) {
      order.status = final;
      order.statuses.push({ status: final, time: event.time });
      const reason = (event.data as { reason?: unknown } | undefined)?.reason;
      if (typeof reason === 'string') order.reason = reason;
    }
    this.invocation(order, report, item, {
      eventType: event.type,
      eventId: event.id,
      ...(item.receiveCount === undefined ? {} : { receiveCount: item.receiveCount }),
    });
  }

  private invocation(
    order: OrderView,
    report: BatchReport,
    item: BatchItem,
    fields: Pick<Invocation, 'eventType' | 'eventId' | 'receiveCount'>,
  ): void {
    const entry: Invocation = {
      functionName: report.functionName,
      source: report.source.kind === 'sqs' ? report.source.name : `${report.source.name} stream`,
      startedAt: report.startedAt,
      endedAt: report.time,
      outcome: item.retried ? 'retried' : 'processed',
      ...fields,
      batchSize: report.records,
    };
    // In start order: batches of different functions end (and are reported) out of order.
    let at = order.invocations.length;
    while (at > 0 && (order.invocations[at - 1]?.startedAt ?? '') > entry.startedAt) at -= 1;
    order.invocations.splice(at, 0, entry);
    if (order.invocations.length > this.limits.invocations) order.invocations.shift();
  }

  private order(orderId: string, time: string): OrderView {
    let order = this.orders.get(orderId);
    if (order === undefined) {
      order = { orderId, status: 'UNKNOWN', placedAt: time, statuses: [], invocations: [], events: [] };
      this.orders.set(orderId, order);
      if (this.orders.size > this.limits.orders) {
        // Forget the order placed longest ago.
        const oldest = [...this.orders.values()].reduce((a, b) => (a.placedAt <= b.placedAt ? a : b));
        this.orders.delete(oldest.orderId);
      }
    }
    return order;
  }
}
