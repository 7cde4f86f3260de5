// The ports order-sweeper's domain talks through. The DynamoDB adapter (dynamo-placed-orders.ts)
// and an in-memory fake implement PlacedOrders; the SNS publisher (shared/publisher.ts) and the
// recording fake implement EventPublisher; the EMF adapter (emf-metrics.ts) implements Metrics.
import type { OrderRecord } from '../shared/order-record.js';

export type { EventPublisher } from '../shared/publisher.js';

/** The orders still PLACED, oldest first (the orders table's sparse index: never a Scan). */
export interface PlacedOrders {
  /** The oldest order still PLACED, if any. */
  oldest(): Promise<OrderRecord | undefined>;
  /** Up to `limit` orders PLACED before `cutoff` (an ISO time), oldest first. */
  placedBefore(cutoff: string, limit: number): Promise<OrderRecord[]>;
}

export interface Metrics {
  /** How long the oldest PLACED order has waited (0 when none): what the stuck-orders alarm watches. */
  oldestPlacedSeconds(seconds: number): void;
}
