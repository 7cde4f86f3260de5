// The outbox relay's domain with a recording publisher: what is announced, and which record the
// batch answer names when a publish fails (Lambda resumes a stream from the first reported failure).
import {
  announceNewOrders,
  CONCURRENCY,
  SAFETY_MARGIN_MS,
} from '../../../functions/order-publisher/announce-orders.js';
import { orderPlacedEvent } from '../../../functions/shared/order-placed.js';
import type { DeadLetterQueue, SetAsideRecord, StreamedRecord } from '../../../functions/order-publisher/ports.js';
import type { OrderEvent } from '../../../functions/shared/events.js';
import type { EventPublisher } from '../../../functions/shared/publisher.js';
import { placedOrder } from '../../fixtures/orders.js';
import { RecordingPublisher } from '../../fixtures/publisher.js';
import { silentLog } from '../../fixtures/log.js';

const inserted = (orderId: string, sequenceNumber: string): StreamedRecord => ({
  sequenceNumber,
  eventName: 'INSERT',
  newImage: { ...placedOrder(orderId) },
});

/** The DeadLetterQueue port in memory; `failing` makes every setAside reject (SQS unavailable). */
class InMemoryDeadLetterQueue implements DeadLetterQueue {
  readonly records: SetAsideRecord[] = [];
  constructor(private readonly failing = false) {}
  async setAside(record: SetAsideRecord): Promise<void> {
    if (this.failing) throw new Error('SQS is unavailable (simulated)');
    this.records.push(record);
  }
}

/** Fails the publish of the given orders (every attempt), records the others. */
class FailingFor implements EventPublisher {
  readonly events: OrderEvent[] = [];
  constructor(private readonly orderIds: ReadonlySet<string>) {}
  async publish(event: OrderEvent): Promise<void> {
    if (this.orderIds.has(event.orderId)) throw new Error('SNS is unavailable (simulated)');
    this.events.push(event);
  }
}

describe('announceNewOrders', () => {
  it('publishes each inserted order as its one OrderPlaced, rebuilt from the stored item', async () => {
    const publisher = new RecordingPublisher();
    const result = await announceNewOrders([inserted('o-1', '101'), inserted('o-2', '102')], {
      publisher,
      deadLetters: new InMemoryDeadLetterQueue(),
      log: silentLog(),
    });

    expect(result).toEqual({ batchItemFailures: [] });
    expect(publisher.events).toEqual([orderPlacedEvent(placedOrder('o-1')), orderPlacedEvent(placedOrder('o-2'))]);
    expect(publisher.events[0]).toMatchObject({
      id: 'o-1:OrderPlaced',
      type: 'OrderPlaced',
      time: placedOrder('o-1').createdAt,
      data: { totalAmount: 2400, paymentToken: 'tok_visa' },
    });
  });

  it('a republished record sends the identical event (same id, time and data), so consumers dedupe it', async () => {
    const publisher = new RecordingPublisher();
    await announceNewOrders([inserted('o-1', '101')], {
      publisher,
      deadLetters: new InMemoryDeadLetterQueue(),
      log: silentLog(),
    });
    await announceNewOrders([inserted('o-1', '101')], {
      publisher,
      deadLetters: new InMemoryDeadLetterQueue(),
      log: silentLog(),
    });
    expect(publisher.events[1]).toEqual(publisher.events[0]);
  });

  it('names the first failed record in shard order, even when a later one failed too', async () => {
    const publisher = new FailingFor(new Set(['o-2', 'o-4']));
    const log = silentLog();
    const records = ['o-1', 'o-2', 'o-3', 'o-4'].map((id, i) => inserted(id, String(101 + i)));

    const result = await announceNewOrders(records, { publisher, deadLetters: new InMemoryDeadLetterQueue(), log });

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '102' }] });
    expect(publisher.events.map((e) => e.orderId)).toEqual(['o-1', 'o-3']);
    expect(log.errors).toEqual(['could not announce a stored order; Lambda retries the batch from this record']);
  });

  it('publishes at most CONCURRENCY at a time, and starts none after a failure', async () => {
    let inFlight = 0;
    let most = 0;
    const started: string[] = [];
    const publisher: EventPublisher = {
      async publish(event) {
        started.push(event.orderId);
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
        if (event.orderId === 'o-3') throw new Error('SNS is unavailable (simulated)');
      },
    };
    const records = Array.from({ length: 3 * CONCURRENCY }, (_, i) => inserted(`o-${i + 1}`, String(101 + i)));

    const result = await announceNewOrders(records, {
      publisher,
      deadLetters: new InMemoryDeadLetterQueue(),
      log: silentLog(),
    });

    expect(most).toBe(CONCURRENCY);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '103' }] });
    // o-1 and o-2 finished before o-3 failed (each worker then started one more); none started after.
    expect(started).toHaveLength(CONCURRENCY + 2);
  });

  it('answers before the function timeout when publishes hang, naming the first record not published', async () => {
    const started = Date.now();
    const abandoned: string[] = [];
    const publisher: EventPublisher = {
      // o-2 and o-3 never answer until they are abandoned
      publish: (event, signal) =>
        event.orderId === 'o-1'
          ? Promise.resolve()
          : new Promise<void>((_resolve, reject) =>
              signal?.addEventListener('abort', () => {
                abandoned.push(event.orderId);
                reject(new Error('aborted'));
              }),
            ),
    };
    const log = silentLog();

    const result = await announceNewOrders([inserted('o-1', '101'), inserted('o-2', '102'), inserted('o-3', '103')], {
      publisher,
      deadLetters: new InMemoryDeadLetterQueue(),
      log,
      remainingMs: () => SAFETY_MARGIN_MS + 300,
    });

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '102' }] });
    expect(Date.now() - started).toBeLessThan(SAFETY_MARGIN_MS); // answered at the margin, not at the timeout
    expect(abandoned).toEqual(['o-2', 'o-3']); // not left running behind the answer
  });

  it('starts nothing when the invocation is already within the margin of its timeout', async () => {
    const publisher = new RecordingPublisher();
    const result = await announceNewOrders([inserted('o-1', '101')], {
      publisher,
      deadLetters: new InMemoryDeadLetterQueue(),
      log: silentLog(),
      remainingMs: () => SAFETY_MARGIN_MS - 1,
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '101' }] });
    expect(publisher.events).toEqual([]);
  });

  it('sets aside an inserted item that is not an order, with its reason, so that it never holds the shard', async () => {
    const publisher = new RecordingPublisher();
    const deadLetters = new InMemoryDeadLetterQueue();
    const broken: StreamedRecord = {
      sequenceNumber: '102',
      eventName: 'INSERT',
      newImage: { orderId: 'o-2', createdAt: 'x' },
    };
    const result = await announceNewOrders(
      [
        inserted('o-1', '101'),
        broken,
        { ...broken, sequenceNumber: '103', newImage: undefined },
        inserted('o-4', '104'),
      ],
      { publisher, deadLetters, log: silentLog() },
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(publisher.events.map((e) => e.orderId)).toEqual(['o-1', 'o-4']);
    expect(deadLetters.records).toEqual([
      {
        sequenceNumber: '102',
        item: { orderId: 'o-2', createdAt: 'x' },
        reason: expect.stringMatching(/^the inserted item is not an order: .*updatedAt/),
      },
      { sequenceNumber: '103', item: undefined, reason: expect.stringContaining('not an order') },
    ]);
  });

  it('fails (never drops) a record it could not set aside: it is retried like a failed publish', async () => {
    const publisher = new RecordingPublisher();
    const broken: StreamedRecord = { sequenceNumber: '102', eventName: 'INSERT', newImage: { orderId: 'o-2' } };
    const result = await announceNewOrders([inserted('o-1', '101'), broken, inserted('o-3', '103')], {
      publisher,
      deadLetters: new InMemoryDeadLetterQueue(true),
      log: silentLog(),
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '102' }] });
    expect(publisher.events.map((e) => e.orderId)).toContain('o-1');
  });

  it('announces nothing for updates or removals (order-status writes the same table)', async () => {
    const publisher = new RecordingPublisher();
    const log = silentLog();
    const modified: StreamedRecord = { ...inserted('o-1', '101'), eventName: 'MODIFY' };
    const removed: StreamedRecord = { sequenceNumber: '102', eventName: 'REMOVE', newImage: undefined };
    expect(
      await announceNewOrders([modified, removed], { publisher, deadLetters: new InMemoryDeadLetterQueue(), log }),
    ).toEqual({ batchItemFailures: [] });
    expect(publisher.events).toEqual([]);
    expect(log.warnings).toHaveLength(2);
  });

  it('fails the whole batch when the failed record has no sequence number to resume from', async () => {
    expect.assertions(1);
    const publisher = new FailingFor(new Set(['o-1']));
    await expect(
      announceNewOrders([inserted('o-1', '')], {
        publisher,
        deadLetters: new InMemoryDeadLetterQueue(),
        log: silentLog(),
      }),
    ).rejects.toThrow('without a sequence number');
  });
});
