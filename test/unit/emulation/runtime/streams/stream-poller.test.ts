import { describe, expect, it } from '@jest/globals';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { InvokeOutcome } from '../../../../../emulation/runtime/invoke/contract.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileFilters } from '../../../../../emulation/runtime/streams/event-filter.js';
import { FileCheckpoints, MemoryCheckpoints } from '../../../../../emulation/runtime/streams/stream-checkpoints.js';
import { buildStreamRecord } from '../../../../../emulation/runtime/streams/stream-event.js';
import {
  decideStreamBatch,
  StreamPoller,
  type DestinationPort,
  type DiscardReport,
  type IteratorStart,
  type StreamBatchReport,
  type StreamMappingSettings,
  type StreamPort,
  type StreamShard,
} from '../../../../../emulation/runtime/streams/stream-poller.js';

const STREAM_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-12-01T00:00:00.000';
const DLQ_ARN = 'arn:aws:sqs:us-east-1:000000000000:order-processing-dlq';
const T0 = Date.parse('2026-12-01T08:00:00.000Z');

let sequence = 1000;
const raw = (
  orderId: string,
  options: { eventName?: 'INSERT' | 'MODIFY' | 'REMOVE'; createdAtMs?: number } = {},
): _Record => {
  sequence += 1;
  return {
    eventID: `e-${orderId}`,
    eventName: options.eventName ?? 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: new Date(options.createdAtMs ?? T0),
      Keys: { orderId: { S: orderId } },
      NewImage: { orderId: { S: orderId }, status: { S: 'PLACED' } },
      SequenceNumber: String(sequence),
      SizeBytes: 50,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
};
const records = (...ids: string[]) =>
  ids.map((id) => buildStreamRecord(raw(id), { streamArn: STREAM_ARN, region: 'us-east-1' }));

/** An in-memory stream with the port's semantics: shards, iterators by position, closed shards end. */
class FakeStream implements StreamPort {
  readonly shardList: (StreamShard & { records: _Record[] })[] = [];
  readonly iterators: { shardId: string; start: IteratorStart }[] = [];

  shard(shardId: string, options: { parentShardId?: string; closed?: boolean } = {}): _Record[] {
    const entry = {
      shardId,
      parentShardId: options.parentShardId,
      closed: options.closed ?? false,
      records: [] as _Record[],
    };
    this.shardList.push(entry);
    return entry.records;
  }

  async shards(): Promise<StreamShard[]> {
    return this.shardList.map(({ shardId, parentShardId, closed }) => ({ shardId, parentShardId, closed }));
  }

  async iterator(shardId: string, start: IteratorStart): Promise<string> {
    this.iterators.push({ shardId, start });
    const shard = this.find(shardId);
    let position = start.type === 'TRIM_HORIZON' ? 0 : shard.records.length;
    if (start.type === 'AFTER_SEQUENCE_NUMBER')
      position = shard.records.findIndex((record) => record.dynamodb?.SequenceNumber === start.sequenceNumber) + 1;
    return `${shardId}@${position}`;
  }

  async read(iterator: string, limit: number): Promise<{ records: _Record[]; next: string | undefined }> {
    const [shardId = '', at = '0'] = iterator.split('@');
    const shard = this.find(shardId);
    const page = shard.records.slice(Number(at), Number(at) + limit);
    const position = Number(at) + page.length;
    return {
      records: page,
      next: shard.closed && position >= shard.records.length ? undefined : `${shardId}@${position}`,
    };
  }

  private find(shardId: string): StreamShard & { records: _Record[] } {
    const shard = this.shardList.find((entry) => entry.shardId === shardId);
    if (shard === undefined) throw new Error(`no shard ${shardId}`);
    return shard;
  }
}

/** A FakeStream that can also wait for a shard's next record, as moto_server's wait does. */
class WaitingStream extends FakeStream {
  readonly waits: { shardId: string; after: string | undefined; timeoutMs: number }[] = [];
  private readonly written = new Set<() => void>();
  reads = 0;

  override read(iterator: string, limit: number): Promise<{ records: _Record[]; next: string | undefined }> {
    this.reads += 1;
    return super.read(iterator, limit);
  }

  write(shard: _Record[], record: _Record): void {
    shard.push(record);
    for (const wake of this.written) wake();
  }

  recordAfter(shardId: string, after: string | undefined, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    this.waits.push({ shardId, after, timeoutMs });
    return new Promise((resolve) => {
      const done = (): void => {
        this.written.delete(done);
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(done, timeoutMs);
      this.written.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** A FakeStream whose wait answers that it cannot wait, as the adapter does against another emulator. */
class RefusingStream extends FakeStream {
  asked = 0;

  async recordAfter(): Promise<boolean> {
    this.asked += 1;
    return false;
  }
}

class FakeDestination implements DestinationPort {
  readonly sent: { arn: string; body: Record<string, unknown> }[] = [];
  failures = 0;
  async send(arn: string, body: string): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('SQS unavailable');
    }
    this.sent.push({ arn, body: JSON.parse(body) as Record<string, unknown> });
  }
}

const settings = (overrides: Partial<StreamMappingSettings> = {}): StreamMappingSettings => ({
  uuid: 'mapping-1',
  functionName: 'order-publisher',
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:order-publisher',
  streamArn: STREAM_ARN,
  region: 'us-east-1',
  startingPosition: 'TRIM_HORIZON',
  batchSize: 10,
  maximumBatchingWindowInSeconds: 0,
  reportBatchItemFailures: true,
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: -1,
  maximumRecordAgeInSeconds: -1,
  onFailureDestination: DLQ_ARN,
  filter: compileFilters([]),
  ...overrides,
});

const orderIds = (event: DynamoDBStreamEvent): string[] =>
  event.Records.map((record: DynamoDBRecord) => record.dynamodb?.Keys?.orderId?.S ?? '?');

/** A function that answers each invocation with respond(event, call number). */
const fn = (respond: (event: DynamoDBStreamEvent, call: number) => InvokeOutcome) => {
  const calls: string[][] = [];
  return {
    calls,
    invoke: async (event: unknown): Promise<InvokeOutcome> => {
      calls.push(orderIds(event as DynamoDBStreamEvent));
      return respond(event as DynamoDBStreamEvent, calls.length);
    },
  };
};
const ok = (): InvokeOutcome => ({ ok: true, value: null });
const error = (): InvokeOutcome => ({ ok: false, kind: 'error', message: 'Error: boom' });
const failItems = (event: DynamoDBStreamEvent, ...ids: string[]): InvokeOutcome => ({
  ok: true,
  value: {
    batchItemFailures: event.Records.filter((record) => ids.includes(record.dynamodb?.Keys?.orderId?.S ?? '')).map(
      (record) => ({ itemIdentifier: record.dynamodb?.SequenceNumber }),
    ),
  },
});
const fast = { retryBackoffMs: 1, pollIntervalMs: 5, shardDiscoveryIntervalMs: 20 };

async function until(what: string, condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('decideStreamBatch: the checkpoint after an invocation', () => {
  const seqs = ['101', '102', '103'];
  it.each<[string, InvokeOutcome, boolean, { verdict: string; done: number }]>([
    [
      'a function error fails the whole batch',
      { ok: false, kind: 'error', message: 'x' },
      true,
      { verdict: 'failed', done: 0 },
    ],
    [
      'a timeout fails the whole batch',
      { ok: false, kind: 'timeout', message: 'x' },
      true,
      { verdict: 'failed', done: 0 },
    ],
    [
      'success without ReportBatchItemFailures ignores the response',
      { ok: true, value: { batchItemFailures: [{ itemIdentifier: '102' }] } },
      false,
      { verdict: 'success', done: 3 },
    ],
    ['null is success', { ok: true, value: null }, true, { verdict: 'success', done: 3 }],
    ['{} is success', { ok: true, value: {} }, true, { verdict: 'success', done: 3 }],
    ['an empty list is success', { ok: true, value: { batchItemFailures: [] } }, true, { verdict: 'success', done: 3 }],
    [
      'a reported failure: the records before it are done',
      { ok: true, value: { batchItemFailures: [{ itemIdentifier: '102' }] } },
      true,
      { verdict: 'partial', done: 1 },
    ],
    [
      'several: the lowest sequence number is the checkpoint',
      { ok: true, value: { batchItemFailures: [{ itemIdentifier: '103' }, { itemIdentifier: '102' }] } },
      true,
      { verdict: 'partial', done: 1 },
    ],
    [
      'the first record: nothing is done',
      { ok: true, value: { batchItemFailures: [{ itemIdentifier: '101' }] } },
      true,
      { verdict: 'partial', done: 0 },
    ],
    [
      'an empty itemIdentifier fails the whole batch',
      { ok: true, value: { batchItemFailures: [{ itemIdentifier: '' }] } },
      true,
      { verdict: 'malformed-response', done: 0 },
    ],
    [
      'a null itemIdentifier fails the whole batch',
      { ok: true, value: { batchItemFailures: [{ itemIdentifier: null }] } },
      true,
      { verdict: 'malformed-response', done: 0 },
    ],
    [
      'a wrong key name fails the whole batch',
      { ok: true, value: { batchItemFailures: [{ sequenceNumber: '102' }] } },
      true,
      { verdict: 'malformed-response', done: 0 },
    ],
    [
      'an id not in the batch fails the whole batch',
      { ok: true, value: { batchItemFailures: [{ itemIdentifier: '999' }] } },
      true,
      { verdict: 'malformed-response', done: 0 },
    ],
  ])('%s', (_name, outcome, reportBatchItemFailures, expected) => {
    expect(decideStreamBatch(seqs, outcome, reportBatchItemFailures)).toMatchObject(expected);
  });
});

describe('StreamPoller.process: retries, bisect, record age and the on-failure destination', () => {
  it('stops at the first reported failure and resumes from it; the records before it are not sent again', async () => {
    const batch = records('a', 'b', 'c', 'd');
    const function_ = fn((event, call) =>
      call === 1 ? failItems(event, 'c', 'b') : call === 2 ? failItems(event, 'c') : ok(),
    );
    const destination = new FakeDestination();

    await new StreamPoller(new FakeStream(), function_, destination, settings(), fast).process('shard-1', batch);

    expect(function_.calls).toEqual([
      ['a', 'b', 'c', 'd'],
      ['b', 'c', 'd'],
      ['c', 'd'],
    ]);
    expect(destination.sent).toEqual([]);
  });

  it('retries a failing batch MaximumRetryAttempts times, then sends its position to the destination and moves on', async () => {
    const batch = records('a', 'b', 'c');
    const function_ = fn((event) => failItems(event, 'b'));
    const destination = new FakeDestination();
    const discards: DiscardReport[] = [];
    const poller = new StreamPoller(new FakeStream(), function_, destination, settings({ maximumRetryAttempts: 2 }), {
      ...fast,
      now: () => T0 + 5000,
      onDiscard: (report) => discards.push(report),
    });

    await poller.process('shard-1', batch);

    // The first invocation and 2 retries; the retries hold only the failing suffix.
    expect(function_.calls).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c'],
      ['b', 'c'],
    ]);
    expect(destination.sent).toHaveLength(1);
    expect(destination.sent[0]).toEqual({
      arn: DLQ_ARN,
      body: {
        requestContext: {
          requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          functionArn: settings().functionArn,
          condition: 'RetryAttemptsExhausted',
          approximateInvokeCount: 3,
        },
        responseContext: { statusCode: 200, executedVersion: '$LATEST' },
        version: '1.0',
        timestamp: '2026-12-01T08:00:05.000Z',
        DDBStreamBatchInfo: {
          shardId: 'shard-1',
          startSequenceNumber: batch[1]?.sequenceNumber,
          endSequenceNumber: batch[2]?.sequenceNumber,
          approximateArrivalOfFirstRecord: '2026-12-01T08:00:00Z',
          approximateArrivalOfLastRecord: '2026-12-01T08:00:00Z',
          batchSize: 2,
          streamArn: STREAM_ARN,
        },
      },
    });
    expect(discards).toEqual([
      expect.objectContaining({ condition: 'RetryAttemptsExhausted', size: 2, destination: DLQ_ARN }),
    ]);
  });

  it('a function error fails the whole batch: retried whole, and responseContext says Unhandled', async () => {
    const function_ = fn(() => error());
    const destination = new FakeDestination();

    await new StreamPoller(
      new FakeStream(),
      function_,
      destination,
      settings({ maximumRetryAttempts: 1 }),
      fast,
    ).process('shard-1', records('a', 'b'));

    expect(function_.calls).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(destination.sent[0]?.body).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 2 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      DDBStreamBatchInfo: { batchSize: 2 },
    });
  });

  it('with MaximumRetryAttempts 0, a failure goes to the destination at once', async () => {
    const function_ = fn(() => error());
    const destination = new FakeDestination();

    await new StreamPoller(
      new FakeStream(),
      function_,
      destination,
      settings({ maximumRetryAttempts: 0 }),
      fast,
    ).process('shard-1', records('a'));

    expect(function_.calls).toHaveLength(1);
    expect(destination.sent).toHaveLength(1);
  });

  it('with infinite retries (-1), retries until the function succeeds and discards nothing', async () => {
    const function_ = fn((_event, call) => (call < 5 ? error() : ok()));
    const destination = new FakeDestination();

    await new StreamPoller(new FakeStream(), function_, destination, settings(), fast).process(
      'shard-1',
      records('a', 'b'),
    );

    expect(function_.calls).toHaveLength(5);
    expect(destination.sent).toEqual([]);
  });

  it('an unreadable response is a whole-batch failure, retried whole', async () => {
    const function_ = fn((_event, call) =>
      call === 1 ? { ok: true, value: { batchItemFailures: [{ itemIdentifier: '' }] } } : ok(),
    );

    await new StreamPoller(new FakeStream(), function_, new FakeDestination(), settings(), fast).process(
      'shard-1',
      records('a', 'b'),
    );

    expect(function_.calls).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
  });

  it('BisectBatchOnFunctionError splits a failing batch in halves until the poison record is alone; only it reaches the destination', async () => {
    const function_ = fn((event) => (orderIds(event).includes('poison') ? error() : ok()));
    const destination = new FakeDestination();

    await new StreamPoller(
      new FakeStream(),
      function_,
      destination,
      settings({ bisectBatchOnFunctionError: true, maximumRetryAttempts: 1 }),
      fast,
    ).process('shard-1', records('a', 'b', 'poison', 'd', 'e'));

    expect(function_.calls).toEqual([
      ['a', 'b', 'poison', 'd', 'e'],
      ['a', 'b', 'poison'], // split: no retry used up
      ['a', 'b'],
      ['poison'],
      ['poison'], // its one retry
      ['d', 'e'],
    ]);
    expect(destination.sent.map(({ body }) => body.DDBStreamBatchInfo)).toEqual([
      expect.objectContaining({ batchSize: 1 }),
    ]);
    expect(destination.sent[0]?.body.requestContext).toMatchObject({ approximateInvokeCount: 4 });
  });

  it('does not bisect a batch that reported item failures: it retries from the reported record', async () => {
    const function_ = fn((event, call) => (call === 1 ? failItems(event, 'c') : ok()));

    await new StreamPoller(
      new FakeStream(),
      function_,
      new FakeDestination(),
      settings({ bisectBatchOnFunctionError: true }),
      fast,
    ).process('shard-1', records('a', 'b', 'c', 'd'));

    expect(function_.calls).toEqual([
      ['a', 'b', 'c', 'd'],
      ['c', 'd'],
    ]);
  });

  it('without bisect, a failing batch is retried whole', async () => {
    const function_ = fn((event) => (orderIds(event).includes('poison') ? error() : ok()));

    await new StreamPoller(
      new FakeStream(),
      function_,
      new FakeDestination(),
      settings({ maximumRetryAttempts: 2 }),
      fast,
    ).process('shard-1', records('a', 'poison'));

    expect(function_.calls).toEqual([
      ['a', 'poison'],
      ['a', 'poison'],
      ['a', 'poison'],
    ]);
  });

  it('records older than MaximumRecordAgeInSeconds go to the destination (RecordAgeExceeded) without an invocation', async () => {
    const old = buildStreamRecord(raw('old', { createdAtMs: T0 - 120_000 }), {
      streamArn: STREAM_ARN,
      region: 'us-east-1',
    });
    const fresh = buildStreamRecord(raw('fresh', { createdAtMs: T0 - 1000 }), {
      streamArn: STREAM_ARN,
      region: 'us-east-1',
    });
    const function_ = fn(() => ok());
    const destination = new FakeDestination();

    await new StreamPoller(new FakeStream(), function_, destination, settings({ maximumRecordAgeInSeconds: 60 }), {
      ...fast,
      now: () => T0,
    }).process('shard-1', [old, fresh]);

    expect(function_.calls).toEqual([['fresh']]);
    expect(destination.sent[0]?.body).toMatchObject({
      requestContext: { condition: 'RecordAgeExceeded', approximateInvokeCount: 0 },
      responseContext: {},
      DDBStreamBatchInfo: {
        startSequenceNumber: old.sequenceNumber,
        endSequenceNumber: old.sequenceNumber,
        approximateArrivalOfFirstRecord: '2026-12-01T07:58:00Z',
        batchSize: 1,
      },
    });
  });

  it('records that grow too old while being retried are discarded as RecordAgeExceeded', async () => {
    let now = T0;
    const function_ = fn(() => {
      now += 40_000; // each attempt takes 40 s
      return error();
    });
    const destination = new FakeDestination();

    await new StreamPoller(new FakeStream(), function_, destination, settings({ maximumRecordAgeInSeconds: 60 }), {
      ...fast,
      now: () => now,
    }).process('shard-1', records('a'));

    expect(function_.calls).toHaveLength(2);
    expect(destination.sent[0]?.body).toMatchObject({
      requestContext: { condition: 'RecordAgeExceeded', approximateInvokeCount: 2 },
      responseContext: { functionError: 'Unhandled' },
    });
  });

  it('keeps sending to the destination until it takes the record; without a destination the records are just let go', async () => {
    const destination = new FakeDestination();
    destination.failures = 2;
    const errors: unknown[] = [];
    await new StreamPoller(
      new FakeStream(),
      fn(() => error()),
      destination,
      settings({ maximumRetryAttempts: 0 }),
      { ...fast, onError: (e) => errors.push(e) },
    ).process('shard-1', records('a'));
    expect(destination.sent).toHaveLength(1);
    expect(errors).toHaveLength(2);

    const discards: DiscardReport[] = [];
    const none = new FakeDestination();
    await new StreamPoller(
      new FakeStream(),
      fn(() => error()),
      none,
      settings({ maximumRetryAttempts: 0, onFailureDestination: undefined }),
      { ...fast, onDiscard: (r) => discards.push(r) },
    ).process('shard-1', records('b'));
    expect(none.sent).toEqual([]);
    expect(discards).toEqual([expect.objectContaining({ destination: undefined, size: 1 })]);
  });
});

describe('StreamPoller: reading shards', () => {
  it('from TRIM_HORIZON, invokes with the records in order, at most BatchSize at a time, one batch at a time per shard', async () => {
    const stream = new FakeStream();
    stream.shard('shard-1').push(...['a', 'b', 'c', 'd', 'e'].map((id) => raw(id)));
    let concurrent = 0;
    let maxConcurrent = 0;
    const calls: string[][] = [];
    const function_ = {
      invoke: async (event: unknown): Promise<InvokeOutcome> => {
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        calls.push(orderIds(event as DynamoDBStreamEvent));
        await new Promise((resolve) => setTimeout(resolve, 10));
        concurrent -= 1;
        return ok();
      },
    };
    const poller = new StreamPoller(stream, function_, new FakeDestination(), settings({ batchSize: 2 }), fast);
    poller.start();
    await until('all records', () => calls.flat().length === 5);
    await poller.stop(500);

    expect(calls).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(maxConcurrent).toBe(1);
    expect(stream.iterators[0]).toEqual({ shardId: 'shard-1', start: { type: 'TRIM_HORIZON' } });
  });

  it('from LATEST, sees only records written after it started', async () => {
    const stream = new FakeStream();
    const shard = stream.shard('shard-1');
    shard.push(raw('before'));
    const function_ = fn(() => ok());
    const poller = new StreamPoller(
      stream,
      function_,
      new FakeDestination(),
      settings({ startingPosition: 'LATEST' }),
      fast,
    );
    poller.start();
    await until('the iterator', () => stream.iterators.length === 1);
    shard.push(raw('after'));
    await until('the new record', () => function_.calls.length === 1);
    await poller.stop(500);

    expect(function_.calls).toEqual([['after']]);
  });

  it('where the stream can wait for its next record, reads it when it is written, not at the next poll, asks for what follows the last record read, and reads once per batch', async () => {
    const stream = new WaitingStream();
    const shard = stream.shard('shard-1');
    const function_ = fn(() => ok());
    const poller = new StreamPoller(stream, function_, new FakeDestination(), settings(), {
      ...fast,
      pollIntervalMs: 60_000,
    });
    poller.start();
    await until('the first wait', () => stream.waits.length === 1);
    stream.write(shard, raw('o-1'));
    await until('the record, long before the poll interval', () => function_.calls.length === 1);
    await until('the next wait', () => stream.waits.length === 2);
    stream.write(shard, raw('o-2'));
    await until('the second record', () => function_.calls.length === 2);
    await poller.stop(500);

    expect(function_.calls).toEqual([['o-1'], ['o-2']]);
    expect(stream.waits.slice(0, 2)).toEqual([
      { shardId: 'shard-1', after: undefined, timeoutMs: 60_000 },
      { shardId: 'shard-1', after: shard[0]?.dynamodb?.SequenceNumber, timeoutMs: 60_000 },
    ]);
    expect(stream.reads).toBe(3); // the first (empty), then one per record: a short page is not read again to find it empty
  });

  it('where the stream cannot wait after all (another emulator), asks once and polls from then on', async () => {
    const stream = new RefusingStream();
    const shard = stream.shard('shard-1');
    const function_ = fn(() => ok());
    const poller = new StreamPoller(stream, function_, new FakeDestination(), settings(), fast);
    poller.start();
    await until('the first wait', () => stream.asked === 1);
    shard.push(raw('o-1'));
    await until('the record, by polling', () => function_.calls.length === 1);
    shard.push(raw('o-2'));
    await until('the next record', () => function_.calls.length === 2);
    await poller.stop(500);

    expect(stream.asked).toBe(1);
  });

  it('drops records no filter matches before batching; a batch of only filtered records invokes nothing', async () => {
    const stream = new FakeStream();
    stream
      .shard('shard-1')
      .push(
        raw('m1', { eventName: 'MODIFY' }),
        raw('i1'),
        raw('m2', { eventName: 'MODIFY' }),
        raw('i2'),
        raw('i3'),
        raw('r1', { eventName: 'REMOVE' }),
      );
    const function_ = fn(() => ok());
    const poller = new StreamPoller(
      stream,
      function_,
      new FakeDestination(),
      settings({ batchSize: 2, filter: compileFilters([{ Pattern: '{"eventName":["INSERT"]}' }]) }),
      fast,
    );
    poller.start();
    await until('the inserts', () => function_.calls.flat().length === 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await poller.stop(500);

    expect(function_.calls).toEqual([['i1', 'i2'], ['i3']]);
  });

  it('with a batching window, waits for more records until the batch is full', async () => {
    const stream = new FakeStream();
    const shard = stream.shard('shard-1');
    shard.push(raw('a'));
    const function_ = fn(() => ok());
    const poller = new StreamPoller(
      stream,
      function_,
      new FakeDestination(),
      settings({ batchSize: 3, maximumBatchingWindowInSeconds: 5 }),
      fast,
    );
    poller.start();
    setTimeout(() => shard.push(raw('b'), raw('c')), 50);
    const started = Date.now();
    await until('one batch', () => function_.calls.length === 1);
    await poller.stop(500);

    expect(function_.calls).toEqual([['a', 'b', 'c']]);
    expect(Date.now() - started).toBeLessThan(2000); // full before the window closed
  });

  it('with a batching window, invokes with what it has when the window closes', async () => {
    const stream = new FakeStream();
    stream.shard('shard-1').push(raw('a'));
    const function_ = fn(() => ok());
    const poller = new StreamPoller(
      stream,
      function_,
      new FakeDestination(),
      settings({ batchSize: 3, maximumBatchingWindowInSeconds: 1 }),
      fast,
    );
    const started = Date.now();
    poller.start();
    await until('one batch', () => function_.calls.length === 1, 3000);
    await poller.stop(500);

    expect(function_.calls).toEqual([['a']]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('a failing record holds its shard back (in order) but not another shard', async () => {
    const stream = new FakeStream();
    stream.shard('shard-1').push(raw('poison'), raw('after-poison'));
    let otherSeen = false;
    const function_ = fn((event) => {
      otherSeen ||= orderIds(event).includes('other');
      return orderIds(event).includes('poison') && !otherSeen ? error() : ok(); // infinite retries until the other shard got through
    });
    const poller = new StreamPoller(stream, function_, new FakeDestination(), settings({ batchSize: 1 }), fast);
    poller.start();
    await until('shard-1 to be read', () => function_.calls.length > 0);
    stream.shard('shard-2').push(raw('other'));
    await until('everything', () => function_.calls.flat().includes('after-poison'));
    await poller.stop(500);

    const calls = function_.calls.flat();
    expect(calls.filter((id) => id !== 'other').slice(-2)).toEqual(['poison', 'after-poison']);
    expect(calls.filter((id) => id === 'poison').length).toBeGreaterThanOrEqual(2);
    expect(calls.indexOf('other')).toBeLessThan(calls.indexOf('after-poison'));
  });

  it("discovers new shards and reads a child only after its parent's records", async () => {
    const stream = new FakeStream();
    stream.shard('parent', { closed: true }).push(raw('p1'), raw('p2'));
    stream.shard('child', { parentShardId: 'parent' }).push(raw('c1'));
    const batches: StreamBatchReport[] = [];
    const function_ = fn((_event, call) => (call === 1 ? error() : ok())); // the parent's first batch fails once
    const poller = new StreamPoller(stream, function_, new FakeDestination(), settings(), {
      ...fast,
      onBatch: (r) => batches.push(r),
    });
    poller.start();
    await until('the child', () => function_.calls.flat().includes('c1'));
    stream.shard('late').push(raw('l1'));
    await until('the late shard', () => function_.calls.flat().includes('l1'));
    await poller.stop(500);

    expect(function_.calls).toEqual([['p1', 'p2'], ['p1', 'p2'], ['c1'], ['l1']]);
    expect(stream.iterators.find((entry) => entry.shardId === 'late')?.start).toEqual({ type: 'TRIM_HORIZON' });
    expect(batches.map((report) => [report.shardId, report.verdict, report.attempt])).toEqual([
      ['parent', 'failed', 1],
      ['parent', 'success', 2],
      ['child', 'success', 1],
      ['late', 'success', 1],
    ]);
  });

  it('keeps reading after a GetRecords error and stops at once', async () => {
    const stream = new FakeStream();
    stream.shard('shard-1').push(raw('a'));
    let failures = 1;
    const flaky: StreamPort = {
      shards: () => stream.shards(),
      iterator: (shardId, start) => stream.iterator(shardId, start),
      read: (iterator, limit) =>
        failures-- > 0 ? Promise.reject(new Error('connection refused')) : stream.read(iterator, limit),
    };
    const errors: unknown[] = [];
    const function_ = fn(() => ok());
    const poller = new StreamPoller(flaky, function_, new FakeDestination(), settings(), {
      ...fast,
      onError: (e) => errors.push(e),
    });
    poller.start();
    await until('the record', () => function_.calls.length === 1);
    const stopping = Date.now();
    expect(await poller.stop(1000)).toEqual({ unfinished: 0 });

    expect(errors).toHaveLength(1);
    expect(Date.now() - stopping).toBeLessThan(200);
  });
});

describe('checkpoints: a restarted poller resumes after the last record done', () => {
  it.each(['TRIM_HORIZON', 'LATEST'] as const)(
    'from %s with a checkpoint, starts after it: what was written meanwhile is delivered, nothing done is repeated',
    async (startingPosition) => {
      const stream = new FakeStream();
      const shard = stream.shard('shard-1');
      shard.push(raw('done-1'), raw('done-2'), raw('written-while-down'));
      const checkpoints = new MemoryCheckpoints();
      checkpoints.set('mapping-1', 'shard-1', shard[1]?.dynamodb?.SequenceNumber ?? '');
      const function_ = fn(() => ok());
      const poller = new StreamPoller(stream, function_, new FakeDestination(), settings({ startingPosition }), {
        ...fast,
        checkpoints,
      });
      poller.start();
      await until('the record', () => function_.calls.length === 1);
      await poller.stop(500);

      expect(function_.calls).toEqual([['written-while-down']]);
      expect(stream.iterators[0]?.start).toEqual({
        type: 'AFTER_SEQUENCE_NUMBER',
        sequenceNumber: shard[1]?.dynamodb?.SequenceNumber,
      });
    },
  );

  it('checkpoints after each batch done (past filtered records too), never past a batch still failing', async () => {
    const stream = new FakeStream();
    const shard = stream.shard('shard-1');
    shard.push(raw('a'), raw('m', { eventName: 'MODIFY' }));
    const checkpoints = new MemoryCheckpoints();
    let failing = false;
    const function_ = fn(() => (failing ? error() : ok()));
    const poller = new StreamPoller(
      stream,
      function_,
      new FakeDestination(),
      settings({ filter: compileFilters([{ Pattern: '{"eventName":["INSERT"]}' }]) }),
      { ...fast, checkpoints },
    );
    poller.start();
    await until(
      'the checkpoint past the filtered MODIFY',
      () => checkpoints.get('mapping-1', 'shard-1') === shard[1]?.dynamodb?.SequenceNumber,
    );
    failing = true;
    shard.push(raw('b'));
    await until('b to be retried', () => function_.calls.filter((ids) => ids.includes('b')).length >= 3);
    await poller.stop(500);

    expect(checkpoints.get('mapping-1', 'shard-1')).toBe(shard[1]?.dynamodb?.SequenceNumber); // b is not done
  });

  // Guard caught: the checkpoint of a batch that finishes while the poller stops. Without it a restart
  // from LATEST with no earlier checkpoint starts at the shard's end, skipping what was written meanwhile.
  it('checkpoints a batch that finishes while the poller is stopping', async () => {
    const stream = new FakeStream();
    const shard = stream.shard('shard-1');
    shard.push(raw('in-flight'));
    const checkpoints = new MemoryCheckpoints();
    let finish = (): void => undefined;
    const calls: string[][] = [];
    const function_ = {
      calls,
      invoke: async (event: unknown): Promise<InvokeOutcome> => {
        calls.push(orderIds(event as DynamoDBStreamEvent));
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
        return ok();
      },
    };
    const poller = new StreamPoller(stream, function_, new FakeDestination(), settings(), { ...fast, checkpoints });
    poller.start();
    await until('the batch to be in flight', () => calls.length === 1);
    const stopped = poller.stop(1000);
    finish();

    expect(await stopped).toEqual({ unfinished: 0 });
    expect(checkpoints.get('mapping-1', 'shard-1')).toBe(shard[0]?.dynamodb?.SequenceNumber);
  });

  it('FileCheckpoints keeps them across instances, only for mappings that still exist, and survives an unreadable file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'checkpoints-'));
    const file = join(dir, 'stream-checkpoints.json');
    try {
      const first = new FileCheckpoints(file, []);
      first.set('kept', 'shard-1', '101');
      first.set('gone', 'shard-1', '202');

      const second = new FileCheckpoints(file, ['kept']);
      expect([second.get('kept', 'shard-1'), second.get('gone', 'shard-1')]).toEqual(['101', undefined]);

      writeFileSync(file, '{not json');
      expect(new FileCheckpoints(file, ['kept']).get('kept', 'shard-1')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
