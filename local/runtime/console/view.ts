// What the console knows without asking AWS: the runtime's reports (../reports.ts), kept in memory.
// An order appears when order-api logs the request that accepted it (or when any function logs a
// line for it); its timeline is every line the functions logged with its orderId, in the time each
// function logged it; its status moves to CONFIRMED or CANCELLED when order-status logs the decision.
// Pure: no I/O, bounded memory.
import { z } from 'zod';
import type { RuntimeReport } from '../reports.js';

/** UNKNOWN: seen only in other services' lines (placed before the runtime started, or an event published by hand). */
type OrderStatus = 'UNKNOWN' | 'PLACED' | 'CONFIRMED' | 'CANCELLED';

interface TimelineEntry {
  time: string;
  functionName: string;
  level: string;
  message: string;
  /** The event the function was handling (the record's eventType), if any. */
  eventType?: string;
}

export interface OrderView {
  orderId: string;
  status: OrderStatus;
  reason?: string;
  /** When it was placed (order-api's line), else when it was first seen. */
  placedAt: string;
  /** Every status the order has had, with when (PLACED first once order-api's line is seen). */
  statuses: { status: OrderStatus; time: string }[];
  timeline: TimelineEntry[];
}

export interface ViewSnapshot {
  /** Newest first. */
  orders: OrderView[];
}

const line = z.looseObject({
  level: z.string(),
  message: z.string(),
  timestamp: z.string(),
  /** The function by the service it logs as (POWERTOOLS_SERVICE_NAME): the design's name, whatever prefix its deployed name carries. */
  service: z.string().optional(),
  orderId: z.string().min(1),
  eventType: z.string().optional(),
  route: z.string().optional(),
  status: z.unknown().optional(),
  reason: z.string().optional(),
});

const FINAL = /^order (CONFIRMED|CANCELLED)$/;

export class ConsoleView {
  private readonly orders = new Map<string, OrderView>();

  constructor(private readonly limits = { orders: 50, timeline: 60 }) {}

  observe(report: RuntimeReport): void {
    if (report.type !== 'output') return;
    let parsed: z.infer<typeof line>;
    try {
      const result = line.safeParse(JSON.parse(report.line));
      if (!result.success) return;
      parsed = result.data;
    } catch {
      return; // not a Powertools line
    }
    const order = this.order(parsed.orderId, parsed.timestamp);
    const service = parsed.service ?? report.functionName;
    if (service === 'order-api' && parsed.route === 'place' && (parsed.status === 202 || parsed.status === 200)) {
      // biome-ignore lint/complexity/useMathMinMax: ISO timestamps, compared as strings (Math.min would make them NaN)
      order.placedAt = parsed.timestamp < order.placedAt ? parsed.timestamp : order.placedAt;
      if (order.status === 'UNKNOWN') order.status = 'PLACED';
      if (order.statuses[0]?.status !== 'PLACED') order.statuses.unshift({ status: 'PLACED', time: order.placedAt });
    }
    const final = FINAL.exec(parsed.message)?.[1] as 'CONFIRMED' | 'CANCELLED' | undefined;
    if (
      service === 'order-status' &&
      final !== undefined &&
      (order.status === 'PLACED' || order.status === 'UNKNOWN')
    ) {
      order.status = final;
      order.statuses.push({ status: final, time: parsed.timestamp });
      if (parsed.reason !== undefined) order.reason = parsed.reason;
    }
    const entry: TimelineEntry = {
      time: parsed.timestamp,
      functionName: report.functionName,
      level: parsed.level,
      message: parsed.message,
    };
    if (parsed.eventType !== undefined) entry.eventType = parsed.eventType;
    // In the time each function logged it: lines from different workers arrive slightly out of order.
    let at = order.timeline.length;
    while (at > 0 && (order.timeline[at - 1]?.time ?? '') > entry.time) at -= 1;
    order.timeline.splice(at, 0, entry);
    if (order.timeline.length > this.limits.timeline) order.timeline.shift();
  }

  snapshot(): ViewSnapshot {
    const orders = [...this.orders.values()].sort((a, b) => b.placedAt.localeCompare(a.placedAt));
    return { orders };
  }

  private order(orderId: string, time: string): OrderView {
    let order = this.orders.get(orderId);
    if (order === undefined) {
      order = { orderId, status: 'UNKNOWN', placedAt: time, statuses: [], timeline: [] };
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
