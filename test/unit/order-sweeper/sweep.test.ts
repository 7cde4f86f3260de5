// The sweeper's domain with in-memory fakes of its ports: which orders it announces again, with
// which event, and the oldest PLACED order's age it reports every run.
import type { Metrics, PlacedOrders } from '../../../functions/order-sweeper/ports.js';
import { MAX_PER_RUN, sweep, type SweepDeps } from '../../../functions/order-sweeper/sweep.js';
import { orderPlacedEvent } from '../../../functions/shared/order-placed.js';
import type { OrderRecord } from '../../../functions/shared/order-record.js';
import { placedOrder } from '../../fixtures/orders.js';
import { RecordingPublisher } from '../../fixtures/publisher.js';
import { silentLog } from '../../fixtures/log.js';

const NOW = new Date('2026-12-07T03:00:00.000Z');
const placedAgo = (orderId: string, seconds: number, status: OrderRecord['status'] = 'PLACED'): OrderRecord => ({
  ...placedOrder(orderId),
  status,
  createdAt: new Date(NOW.getTime() - seconds * 1000).toISOString(),
});

/** The PlacedOrders port in memory: what the sparse index holds, oldest first. */
class InMemoryPlacedOrders implements PlacedOrders {
  readonly queries: { cutoff: string; limit: number }[] = [];
  constructor(private readonly orders: OrderRecord[]) {}
  private sorted(): OrderRecord[] {
    return [...this.orders].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
  async oldest(): Promise<OrderRecord | undefined> {
    return this.sorted()[0];
  }
  async placedBefore(cutoff: string, limit: number): Promise<OrderRecord[]> {
    this.queries.push({ cutoff, limit });
    return this.sorted()
      .filter((o) => o.createdAt < cutoff)
      .slice(0, limit);
  }
}

class RecordingMetrics implements Metrics {
  readonly values: number[] = [];
  oldestPlacedSeconds(seconds: number): void {
    this.values.push(seconds);
  }
}

const deps = (orders: OrderRecord[], overrides: Partial<SweepDeps> = {}) => {
  const publisher = new RecordingPublisher();
  const metrics = new RecordingMetrics();
  const placed = new InMemoryPlacedOrders(orders);
  return {
    publisher,
    metrics,
    placed,
    deps: {
      orders: placed,
      publisher,
      metrics,
      log: silentLog(),
      now: () => NOW.toISOString(),
      stuckAfterSeconds: 300,
      ...overrides,
    } satisfies SweepDeps,
  };
};

describe('sweep', () => {
  it('announces again, with its one OrderPlaced, each order PLACED longer than the threshold, and reports the oldest age', async () => {
    const stuck = placedAgo('o-old', 900);
    const { deps: d, publisher, metrics } = deps([placedAgo('o-new', 30), stuck, placedAgo('o-mid', 400)]);

    const report = await sweep(d);

    expect(report).toEqual({ oldestPlacedSeconds: 900, reannounced: 2 });
    expect(publisher.events).toEqual([orderPlacedEvent(stuck), orderPlacedEvent(placedAgo('o-mid', 400))]);
    expect(metrics.values).toEqual([900]);
  });

  it('reports 0 and announces nothing when no order is PLACED: the alarm has its datapoint', async () => {
    const { deps: d, publisher, metrics, placed } = deps([]);
    expect(await sweep(d)).toEqual({ oldestPlacedSeconds: 0, reannounced: 0 });
    expect(publisher.events).toEqual([]);
    expect(metrics.values).toEqual([0]);
    expect(placed.queries).toEqual([]);
  });

  it('announces nothing while the oldest order is younger than the threshold (one query)', async () => {
    const { deps: d, publisher, placed } = deps([placedAgo('o-1', 299)]);
    expect(await sweep(d)).toEqual({ oldestPlacedSeconds: 299, reannounced: 0 });
    expect(publisher.events).toEqual([]);
    expect(placed.queries).toEqual([]);
  });

  it('skips an order the eventually consistent index still lists though it is final', async () => {
    const { deps: d, publisher } = deps([placedAgo('o-1', 900, 'CONFIRMED')]);
    expect((await sweep(d)).reannounced).toBe(0);
    expect(publisher.events).toEqual([]);
  });

  it('asks for at most MAX_PER_RUN orders, from the cutoff', async () => {
    const { deps: d, placed } = deps([placedAgo('o-1', 900)]);
    await sweep(d);
    expect(placed.queries).toEqual([{ cutoff: '2026-12-07T02:55:00.000Z', limit: MAX_PER_RUN }]);
  });

  it('announces the others when one publish fails, then fails the run so that it is retried', async () => {
    expect.assertions(2);
    const { deps: d, publisher } = deps([placedAgo('o-1', 900), placedAgo('o-2', 800)]);
    publisher.failNext(1);
    await expect(sweep(d)).rejects.toThrow('1 of 2 stuck orders not announced');
    expect(publisher.events).toHaveLength(1);
  });
});
