import { describe, expect, it } from '@jest/globals';
import type { Message } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import type { InvokeOutcome } from '../../../../../emulation/runtime/invoke/contract.js';
import {
  SqsPoller,
  type DeleteEntry,
  type MappingSettings,
  type QueuePort,
  type ReceiveRequest,
} from '../../../../../emulation/runtime/sqs/poller.js';

/** An in-memory queue with the port's semantics: long polling, receipt handles, batch deletes of ≤ 10. */
class FakeQueue implements QueuePort {
  private visible: Message[] = [];
  private waiters: (() => void)[] = [];
  readonly inFlight = new Map<string, Message>();
  readonly receives: ReceiveRequest[] = [];
  readonly deleteCalls: DeleteEntry[][] = [];
  private counter = 0;

  send(...bodies: string[]): void {
    for (const body of bodies) {
      this.counter += 1;
      this.visible.push({
        MessageId: `m${this.counter}`,
        Body: body,
        MD5OfBody: `md5-${body}`,
        Attributes: { ApproximateReceiveCount: '1' },
      });
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  async receive(request: ReceiveRequest): Promise<Message[]> {
    this.receives.push(request);
    if (request.maxMessages > 10) throw new Error('MaxNumberOfMessages above 10');
    if (this.visible.length === 0 && request.waitTimeSeconds > 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, request.waitTimeSeconds * 1000);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
        request.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new Error('aborted'));
        });
      });
    }
    return this.visible.splice(0, request.maxMessages).map((message) => {
      const receiptHandle = `rh-${message.MessageId ?? ''}-${this.receives.length}`;
      this.inFlight.set(receiptHandle, message);
      return { ...message, ReceiptHandle: receiptHandle };
    });
  }

  async deleteBatch(entries: DeleteEntry[]): Promise<{ failed: { id: string; message: string }[] }> {
    if (entries.length > 10) throw new Error('more than 10 entries');
    this.deleteCalls.push(entries);
    for (const entry of entries) this.inFlight.delete(entry.receiptHandle);
    return { failed: [] };
  }

  deletedBodies(): string[] {
    return this.deleteCalls.flat().map((entry) => entry.receiptHandle.split('-')[1] ?? '');
  }
}

const settings = (overrides: Partial<MappingSettings> = {}): MappingSettings => ({
  functionName: 'inventory',
  queueArn: 'arn:aws:sqs:us-east-1:000000000000:inventory-queue',
  region: 'us-east-1',
  batchSize: 10,
  maximumBatchingWindowInSeconds: 0,
  reportBatchItemFailures: true,
  ...overrides,
});

const invoker = (respond: (event: SQSEvent) => InvokeOutcome) => {
  const events: SQSEvent[] = [];
  return {
    events,
    invoke: async (event: unknown): Promise<InvokeOutcome> => {
      events.push(event as SQSEvent);
      return respond(event as SQSEvent);
    },
  };
};

const receiveAll = (queue: FakeQueue) => ({
  maxMessages: 10,
  waitTimeSeconds: 0,
  signal: new AbortController().signal,
  queue,
});

describe('SqsPoller.process: deletes what Lambda deletes, in one DeleteMessageBatch', () => {
  it('deletes the whole batch after a success', async () => {
    const queue = new FakeQueue();
    queue.send('a', 'b', 'c');
    const fn = invoker(() => ({ ok: true, value: { batchItemFailures: [] } }));
    const poller = new SqsPoller(queue, fn, settings());

    const report = await poller.process(await queue.receive(receiveAll(queue)));

    expect(report.decision.verdict).toBe('success');
    expect(queue.deleteCalls).toHaveLength(1);
    expect(queue.inFlight.size).toBe(0);
    expect(fn.events[0]?.Records.map((record) => record.body)).toEqual(['a', 'b', 'c']);
    expect(fn.events[0]?.Records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: settings().queueArn,
      awsRegion: 'us-east-1',
    });
  });

  it('deletes nothing when the function fails', async () => {
    const queue = new FakeQueue();
    queue.send('a', 'b');
    const poller = new SqsPoller(
      queue,
      invoker(() => ({ ok: false, kind: 'timeout', message: 'Task timed out' })),
      settings(),
    );

    await poller.process(await queue.receive(receiveAll(queue)));

    expect(queue.deleteCalls).toEqual([]);
    expect(queue.inFlight.size).toBe(2);
  });

  it('deletes all but the reported batch item failures', async () => {
    const queue = new FakeQueue();
    queue.send('a', 'b', 'c');
    const poller = new SqsPoller(
      queue,
      invoker((event) => ({
        ok: true,
        value: { batchItemFailures: [{ itemIdentifier: event.Records[1]?.messageId }] },
      })),
      settings(),
    );

    await poller.process(await queue.receive(receiveAll(queue)));

    expect(queue.deleteCalls).toHaveLength(1);
    expect([...queue.inFlight.values()].map((message) => message.Body)).toEqual(['b']);
  });

  it('ignores a failure list when the mapping does not report batch item failures', async () => {
    const queue = new FakeQueue();
    queue.send('a', 'b');
    const poller = new SqsPoller(
      queue,
      invoker((event) => ({
        ok: true,
        value: { batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId }] },
      })),
      settings({ reportBatchItemFailures: false }),
    );

    await poller.process(await queue.receive(receiveAll(queue)));

    expect(queue.inFlight.size).toBe(0);
  });

  it('deletes nothing when the response names a record that is not in the batch', async () => {
    const queue = new FakeQueue();
    queue.send('a', 'b');
    const poller = new SqsPoller(
      queue,
      invoker(() => ({ ok: true, value: { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] } })),
      settings(),
    );

    const report = await poller.process(await queue.receive(receiveAll(queue)));

    expect(report.decision.verdict).toBe('malformed-response');
    expect(queue.deleteCalls).toEqual([]);
  });
});

describe('SqsPoller.gather: batch size and batching window', () => {
  it('asks for at most the batch size (and never more than 10) with a 20 s long poll', async () => {
    const queue = new FakeQueue();
    queue.send('a', 'b', 'c', 'd');
    const poller = new SqsPoller(
      queue,
      invoker(() => ({ ok: true, value: null })),
      settings({ batchSize: 3 }),
    );

    const batch = await poller.gather();

    expect(batch.map((message) => message.Body)).toEqual(['a', 'b', 'c']);
    expect(queue.receives).toEqual([expect.objectContaining({ maxMessages: 3, waitTimeSeconds: 20 })]);
  });

  it('with no window and a batch above 10, adds only pages that are immediately available', async () => {
    const queue = new FakeQueue();
    queue.send(...Array.from({ length: 23 }, (_, i) => `m${i}`));
    const poller = new SqsPoller(
      queue,
      invoker(() => ({ ok: true, value: null })),
      settings({ batchSize: 50 }),
    );

    const batch = await poller.gather();

    expect(batch).toHaveLength(23);
    expect(queue.receives.map((request) => [request.maxMessages, request.waitTimeSeconds])).toEqual([
      [10, 20],
      [10, 0],
      [10, 0],
    ]);
  });

  it('with a window, keeps gathering messages that arrive later until the batch is full', async () => {
    const queue = new FakeQueue();
    queue.send('first');
    const poller = new SqsPoller(
      queue,
      invoker(() => ({ ok: true, value: null })),
      settings({ batchSize: 12, maximumBatchingWindowInSeconds: 2 }),
    );
    setTimeout(() => queue.send(...Array.from({ length: 11 }, (_, i) => `late${i}`)), 100);

    const started = Date.now();
    const batch = await poller.gather();

    expect(batch).toHaveLength(12);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(queue.receives.slice(1).every((request) => request.waitTimeSeconds >= 1 && request.maxMessages <= 10)).toBe(
      true,
    );
  });

  it('with a window, invokes with what it has when the window closes', async () => {
    const queue = new FakeQueue();
    queue.send('only');
    const poller = new SqsPoller(
      queue,
      invoker(() => ({ ok: true, value: null })),
      settings({ batchSize: 5, maximumBatchingWindowInSeconds: 1 }),
    );

    const started = Date.now();
    const batch = await poller.gather();

    expect(batch.map((message) => message.Body)).toEqual(['only']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('deletes a large batch in DeleteMessageBatch calls of at most 10', async () => {
    const queue = new FakeQueue();
    queue.send(...Array.from({ length: 25 }, (_, i) => `m${i}`));
    const poller = new SqsPoller(
      queue,
      invoker(() => ({ ok: true, value: null })),
      settings({ batchSize: 25 }),
    );

    await poller.process(await poller.gather());

    expect(queue.deleteCalls.map((call) => call.length)).toEqual([10, 10, 5]);
    expect(queue.inFlight.size).toBe(0);
  });
});

describe('SqsPoller lifecycle', () => {
  it('processes messages as they arrive and stops at once, aborting the long poll', async () => {
    const queue = new FakeQueue();
    const fn = invoker(() => ({ ok: true, value: null }));
    const batches: number[] = [];
    const poller = new SqsPoller(queue, fn, settings(), { loops: 2, onBatch: (report) => batches.push(report.size) });
    poller.start();

    queue.send('a');
    const deadline = Date.now() + 2000;
    while (batches.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopping = Date.now();
    const { unfinished } = await poller.stop(1000);

    expect(batches).toEqual([1]);
    expect(unfinished).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(200);
  });

  it('lets an in-flight batch finish when stopped', async () => {
    const queue = new FakeQueue();
    let release: () => void = () => {};
    const fn = {
      invoke: () =>
        new Promise<InvokeOutcome>((resolve) => {
          release = () => resolve({ ok: true, value: null });
        }),
    };
    const poller = new SqsPoller(queue, fn, settings());
    poller.start();
    queue.send('slow');
    const deadline = Date.now() + 2000;
    while (queue.inFlight.size === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));

    const stopped = poller.stop(2000);
    setTimeout(() => release(), 50);

    expect(await stopped).toEqual({ unfinished: 0 });
    expect(queue.inFlight.size).toBe(0); // deleted after it finished
  });

  it('backs off and keeps polling after a receive error', async () => {
    const queue = new FakeQueue();
    let failures = 1;
    const flaky: QueuePort = {
      receive: (request) => (failures-- > 0 ? Promise.reject(new Error('connection refused')) : queue.receive(request)),
      deleteBatch: (entries) => queue.deleteBatch(entries),
    };
    const errors: unknown[] = [];
    const batches: number[] = [];
    const poller = new SqsPoller(
      flaky,
      invoker(() => ({ ok: true, value: null })),
      settings(),
      { onError: (error) => errors.push(error), onBatch: (report) => batches.push(report.size) },
    );
    queue.send('a');
    poller.start();
    const deadline = Date.now() + 2000;
    while (batches.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    await poller.stop(100);

    expect(errors).toHaveLength(1);
    expect(batches).toEqual([1]);
  });
});
