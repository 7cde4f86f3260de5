// One DynamoDB Streams event source mapping, applied the way Lambda applies it (AWS "Using Lambda
// with DynamoDB", "Lambda parameters for DynamoDB event source mappings", "Configuring partial
// batch response with DynamoDB and Lambda", "Retaining discarded records"):
//  - every shard is read with GetShardIterator/GetRecords from the mapping's starting position
//    (shards found later, and the children of a split, from TRIM_HORIZON once their parent is done);
//    the records of one shard are processed in order, one batch at a time; shards run side by side;
//  - records that match none of the mapping's filters are dropped before batching;
//  - a batch is at most BatchSize records, gathered for up to MaximumBatchingWindowInSeconds;
//  - a function error, timeout or crash fails the whole batch; with ReportBatchItemFailures the
//    records before the lowest reported SequenceNumber are done and the batch is retried from it
//    (null, {} or an empty list is success; an unreadable response is a whole-batch failure);
//  - BisectBatchOnFunctionError splits a batch that failed (not one that reported items) in halves,
//    retried first half first; a split does not use up a retry;
//  - after MaximumRetryAttempts retries, or once records are older than MaximumRecordAgeInSeconds
//    (-1: no limit for either), the records are discarded: their position goes to the on-failure
//    destination (an SQS queue or SNS topic) as Lambda's invocation record, and the shard moves on.
// The checkpoint (the last record done in each shard) goes to a CheckpointStore: with a file, a
// restarted runtime resumes after it, as Lambda does; in memory only, it starts again from the starting position.
import { setTimeout as sleep } from 'node:timers/promises';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { parseBatchItemFailures, type BatchVerdict } from '../sqs/batch-result.js';
import type { InvokeOutcome } from '../invoke/contract.js';
import type { EventFilter } from './event-filter.js';
import type { Invoker } from '../invoke/contract.js';
import { MemoryCheckpoints, type CheckpointStore } from './stream-checkpoints.js';
import { buildInvocationRecord, buildStreamRecord, type DiscardCondition, type ReadRecord } from './stream-event.js';

export interface StreamShard {
  shardId: string;
  parentShardId?: string | undefined;
  /** A closed shard (split or stream disabled) has an EndingSequenceNumber: nothing is added to it. */
  closed: boolean;
}

export type IteratorStart =
  | { type: 'TRIM_HORIZON' | 'LATEST' }
  | { type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string };

/** The slice of DynamoDB Streams a poller needs. */
export interface StreamPort {
  shards(): Promise<StreamShard[]>;
  iterator(shardId: string, start: IteratorStart): Promise<string>;
  /** `next` undefined: the shard is closed and everything in it has been read. */
  read(iterator: string, limit: number): Promise<{ records: _Record[]; next: string | undefined }>;
  /**
   * Resolves true once the shard has a record after `after` (without one: a record written from now
   * on) or after timeoutMs; false at once when it cannot wait. Optional: without it (or once it
   * answers false), the poller sleeps between reads that found nothing.
   */
  recordAfter?(shardId: string, after: string | undefined, timeoutMs: number, signal: AbortSignal): Promise<boolean>;
}

/** Where discarded records' invocation records go (an SQS queue or SNS topic ARN). */
export interface DestinationPort {
  send(destinationArn: string, body: string): Promise<void>;
}

export interface StreamMappingSettings {
  /** The mapping's UUID: its checkpoints are its own (a re-created mapping starts afresh, as on AWS). */
  uuid: string;
  functionName: string;
  functionArn: string;
  streamArn: string;
  region: string;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  reportBatchItemFailures: boolean;
  bisectBatchOnFunctionError: boolean;
  /** -1: retry until the record expires. */
  maximumRetryAttempts: number;
  /** -1: no limit. */
  maximumRecordAgeInSeconds: number;
  onFailureDestination?: string | undefined;
  filter: EventFilter;
}

export interface StreamBatchReport {
  functionName: string;
  streamArn: string;
  shardId: string;
  size: number;
  /** The records the function was given, in batch order. */
  records: ReadRecord[];
  verdict: BatchVerdict;
  /** Records of the batch that are done (all after a success; those before the first reported failure). */
  done: number;
  /** 1 for the first invocation of these records, then one more per retry. */
  attempt: number;
  reason: string;
  durationMs: number;
}

export interface DiscardReport {
  functionName: string;
  streamArn: string;
  shardId: string;
  condition: DiscardCondition;
  size: number;
  firstSequenceNumber: string;
  lastSequenceNumber: string;
  destination: string | undefined;
}

export interface StreamPollerOptions {
  /**
   * Pause between GetRecords calls that found nothing (Lambda polls each shard 4 times a second),
   * ended early by a new record where the StreamPort can wait for one.
   */
  pollIntervalMs?: number;
  /** How often DescribeStream looks for new shards. */
  shardDiscoveryIntervalMs?: number;
  /** First pause before retrying a failed batch; doubles per retry up to maxRetryBackoffMs. */
  retryBackoffMs?: number;
  maxRetryBackoffMs?: number;
  now?: () => number;
  checkpoints?: CheckpointStore;
  onBatch?: (report: StreamBatchReport) => void;
  onDiscard?: (report: DiscardReport) => void;
  onError?: (error: unknown) => void;
}

const GET_RECORDS_LIMIT = 1000;
const compareSequence = (a: string, b: string): number => {
  const [x, y] = [BigInt(a), BigInt(b)];
  return x < y ? -1 : x > y ? 1 : 0;
};

export interface StreamDecision {
  verdict: BatchVerdict;
  /** How many records from the front of the batch are done. */
  done: number;
  functionError: boolean;
  reason: string;
}

/** How Lambda checkpoints a stream batch after an invocation (pure). */
export function decideStreamBatch(
  sequenceNumbers: readonly string[],
  outcome: InvokeOutcome,
  reportBatchItemFailures: boolean,
): StreamDecision {
  const all = sequenceNumbers.length;
  if (!outcome.ok)
    return { verdict: 'failed', done: 0, functionError: true, reason: `${outcome.kind}: ${outcome.message}` };
  if (!reportBatchItemFailures)
    return { verdict: 'success', done: all, functionError: false, reason: 'function succeeded' };
  const parsed = parseBatchItemFailures(outcome.value, new Set(sequenceNumbers));
  if (!parsed.ok) return { verdict: 'malformed-response', done: 0, functionError: false, reason: parsed.reason };
  if (parsed.ids.size === 0)
    return { verdict: 'success', done: all, functionError: false, reason: 'no batch item failures' };
  // The lowest reported sequence number is the checkpoint: everything before it is done.
  const first = [...parsed.ids].sort(compareSequence)[0] ?? '';
  const done = sequenceNumbers.indexOf(first);
  return {
    verdict: 'partial',
    done,
    functionError: false,
    reason: `${parsed.ids.size} batch item failure(s), retrying from ${first}`,
  };
}

interface ShardState {
  shard: StreamShard;
  iterator: string | undefined;
  /** Read and past the filter, not yet done. */
  buffer: ReadRecord[];
  lastRead: string | undefined;
  ended: boolean;
}

interface PendingBatch {
  records: ReadRecord[];
  retries: number;
  invocations: number;
  lastFunctionError: boolean | undefined;
}

export class StreamPoller {
  private readonly abort = new AbortController();
  private main: Promise<void> | undefined;
  private inFlight = 0;
  /** Whether the stream can wait for its next record (StreamPort.recordAfter). */
  private waits: boolean;
  private readonly options: Required<Omit<StreamPollerOptions, 'onBatch' | 'onDiscard' | 'onError'>> &
    Pick<StreamPollerOptions, 'onBatch' | 'onDiscard' | 'onError'>;

  constructor(
    private readonly stream: StreamPort,
    private readonly invoker: Invoker,
    private readonly destination: DestinationPort,
    private readonly settings: StreamMappingSettings,
    options: StreamPollerOptions = {},
  ) {
    this.options = {
      pollIntervalMs: 250,
      shardDiscoveryIntervalMs: 10_000,
      retryBackoffMs: 100,
      maxRetryBackoffMs: 5000,
      now: Date.now,
      checkpoints: new MemoryCheckpoints(),
      ...options,
    };
    this.waits = stream.recordAfter !== undefined;
  }

  start(): void {
    this.main ??= this.run();
  }

  get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  /** Stops reading at once; resolves when in-flight batches finish or the grace time ends. */
  async stop(graceMs = 10_000): Promise<{ unfinished: number }> {
    this.abort.abort();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const result = await Promise.race([(this.main ?? Promise.resolve()).then(() => 'done' as const), grace]);
    clearTimeout(timer);
    return { unfinished: result === 'done' ? 0 : this.inFlight };
  }

  private async run(): Promise<void> {
    const running = new Map<string, Promise<void>>();
    let first = true;
    let backoffMs = 100;
    while (!this.stopped) {
      let shards: StreamShard[];
      try {
        shards = await this.stream.shards();
        backoffMs = 100;
      } catch (error) {
        if (this.stopped) break;
        this.options.onError?.(error);
        await this.pause(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5000);
        continue;
      }
      for (const shard of shards) {
        if (running.has(shard.shardId)) continue;
        // LATEST on the shards there at the start; a closed one has nothing new to give.
        const latest = first && this.settings.startingPosition === 'LATEST';
        if (latest && shard.closed && this.options.checkpoints.get(this.settings.uuid, shard.shardId) === undefined) {
          running.set(shard.shardId, Promise.resolve());
          continue;
        }
        const parent = shard.parentShardId === undefined ? undefined : running.get(shard.parentShardId);
        const start: IteratorStart = { type: latest ? 'LATEST' : 'TRIM_HORIZON' };
        running.set(
          shard.shardId,
          (async () => {
            await parent; // a child's records come after its parent's
            await this.runShard(shard, start);
          })(),
        );
      }
      first = false;
      await this.pause(this.options.shardDiscoveryIntervalMs);
    }
    await Promise.all(running.values());
  }

  private async runShard(shard: StreamShard, start: IteratorStart): Promise<void> {
    // Resume after the last record done, when a checkpoint was kept (lastRead is where iterators are asked from).
    const saved = this.options.checkpoints.get(this.settings.uuid, shard.shardId);
    const state: ShardState = { shard, iterator: undefined, buffer: [], lastRead: saved, ended: false };
    let backoffMs = 100;
    while (!this.stopped) {
      try {
        state.iterator ??= await this.stream.iterator(
          shard.shardId,
          state.lastRead === undefined ? start : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: state.lastRead },
        );
        const batch = await this.gather(state);
        backoffMs = 100;
        if (batch.length === 0) {
          this.checkpoint(state, undefined);
          if (state.ended) return;
          await this.idle(state, this.options.pollIntervalMs);
          continue;
        }
        this.inFlight += 1;
        let done: boolean;
        try {
          done = await this.process(shard.shardId, batch);
        } finally {
          this.inFlight -= 1;
        }
        // A batch that ends while the poller stops is done all the same: its checkpoint is kept, or a
        // restart would start again from the starting position (from LATEST, skipping what came since).
        if (done) {
          state.buffer.splice(0, batch.length);
          this.checkpoint(state, batch[batch.length - 1]?.sequenceNumber);
        }
        if (this.stopped) return;
        // Lambda reads again after an invocation; a stream that can wait says at once whether anything came meanwhile.
        if (done && state.buffer.length === 0 && this.waits) await this.idle(state, this.options.pollIntervalMs);
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof Error && error.name === 'ExpiredIteratorException') state.iterator = undefined;
        this.options.onError?.(error);
        await this.pause(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5000);
      }
    }
  }

  /** Everything read is done when nothing waits in the buffer (filtered records included); else up to the batch's last. */
  private checkpoint(state: ShardState, lastDone: string | undefined): void {
    const sequenceNumber = state.buffer.length === 0 ? state.lastRead : lastDone;
    if (sequenceNumber !== undefined)
      this.options.checkpoints.set(this.settings.uuid, state.shard.shardId, sequenceNumber);
  }

  /**
   * Reads until BatchSize records pass the filter, a page comes back short (no window: the shard had
   * no more just then, so no second read to find it empty), or the batching window, counted from the
   * first record, closes.
   */
  private async gather(state: ShardState): Promise<ReadRecord[]> {
    const { batchSize, maximumBatchingWindowInSeconds: window, filter, streamArn, region } = this.settings;
    let windowEnds = state.buffer.length > 0 ? this.options.now() + window * 1000 : undefined;
    while (state.buffer.length < batchSize && !state.ended && !this.stopped && state.iterator !== undefined) {
      const page = await this.stream.read(state.iterator, GET_RECORDS_LIMIT);
      state.iterator = page.next;
      if (page.next === undefined) state.ended = true;
      for (const raw of page.records) {
        const read = buildStreamRecord(raw, { streamArn, region });
        state.lastRead = read.sequenceNumber;
        if (filter(read.record)) state.buffer.push(read);
      }
      if (state.buffer.length > 0) windowEnds ??= this.options.now() + window * 1000;
      if (page.records.length === GET_RECORDS_LIMIT) continue; // a full page: the shard may have more right now
      const remainingMs = windowEnds === undefined ? 0 : windowEnds - this.options.now();
      if (remainingMs <= 0) break;
      await this.idle(state, Math.min(this.options.pollIntervalMs, remainingMs));
    }
    return state.buffer.slice(0, batchSize);
  }

  /** Invokes until every record of the batch is done or discarded (or the poller stops). */
  /** Invokes until the batch is done (true), or the poller stops first (false: its records are not done). */
  async process(shardId: string, records: ReadRecord[]): Promise<boolean> {
    const {
      functionName,
      streamArn,
      maximumRecordAgeInSeconds: maxAge,
      maximumRetryAttempts: maxRetries,
    } = this.settings;
    const pending: PendingBatch[] = [{ records, retries: 0, invocations: 0, lastFunctionError: undefined }];
    while (pending.length > 0 && !this.stopped) {
      const batch = pending[0];
      if (batch === undefined) break;
      if (maxAge >= 0) {
        const cutoff = this.options.now() - maxAge * 1000;
        const expired = batch.records.filter((record) => record.createdAtMs < cutoff);
        if (expired.length > 0) {
          await this.discard(shardId, 'RecordAgeExceeded', expired, batch);
          batch.records = batch.records.filter((record) => record.createdAtMs >= cutoff);
          if (batch.records.length === 0) {
            pending.shift();
            continue;
          }
        }
      }
      const started = Date.now();
      const event: DynamoDBStreamEvent = { Records: batch.records.map((read) => read.record) };
      const outcome = await this.invoker.invoke(event);
      batch.invocations += 1;
      const decision = decideStreamBatch(
        batch.records.map((read) => read.sequenceNumber),
        outcome,
        this.settings.reportBatchItemFailures,
      );
      batch.lastFunctionError = decision.functionError;
      this.options.onBatch?.({
        functionName,
        streamArn,
        shardId,
        size: batch.records.length,
        records: batch.records,
        verdict: decision.verdict,
        done: decision.done,
        attempt: batch.retries + 1,
        reason: decision.reason,
        durationMs: Date.now() - started,
      });
      if (decision.verdict === 'success') {
        pending.shift();
        continue;
      }
      if (decision.verdict === 'partial') {
        batch.records = batch.records.slice(decision.done);
      } else if (this.settings.bisectBatchOnFunctionError && batch.records.length > 1) {
        const half = Math.ceil(batch.records.length / 2);
        const halves = [batch.records.slice(0, half), batch.records.slice(half)].map((part) => ({
          ...batch,
          records: part,
          retries: 0,
        }));
        pending.splice(0, 1, ...halves);
        continue;
      }
      if (maxRetries >= 0 && batch.retries >= maxRetries) {
        await this.discard(shardId, 'RetryAttemptsExhausted', batch.records, batch);
        pending.shift();
        continue;
      }
      batch.retries += 1;
      await this.pause(
        Math.min(this.options.retryBackoffMs * 2 ** (batch.retries - 1), this.options.maxRetryBackoffMs),
      );
    }
    return pending.length === 0;
  }

  /** Sends the records' invocation record to the on-failure destination (retrying until it is taken), then lets them go. */
  private async discard(
    shardId: string,
    condition: DiscardCondition,
    records: ReadRecord[],
    batch: PendingBatch,
  ): Promise<void> {
    const { functionName, functionArn, streamArn, onFailureDestination } = this.settings;
    const body = JSON.stringify(
      buildInvocationRecord({
        condition,
        functionArn,
        streamArn,
        shardId,
        records,
        invokeCount: batch.invocations,
        ...(batch.lastFunctionError === undefined
          ? {}
          : { lastInvocation: { functionError: batch.lastFunctionError } }),
        requestId: randomUUID(),
        now: new Date(this.options.now()),
      }),
    );
    let backoffMs = 100;
    for (let sent = onFailureDestination === undefined; !sent; ) {
      if (this.stopped) return; // not sent: the records are not let go either
      try {
        await this.destination.send(onFailureDestination ?? '', body);
        sent = true;
      } catch (error) {
        this.options.onError?.(error);
        await this.pause(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5000);
      }
    }
    this.options.onDiscard?.({
      functionName,
      streamArn,
      shardId,
      condition,
      size: records.length,
      firstSequenceNumber: records[0]?.sequenceNumber ?? '',
      lastSequenceNumber: records[records.length - 1]?.sequenceNumber ?? '',
      destination: onFailureDestination,
    });
  }

  /** Between reads that found nothing: up to ms, ended by the next record where the stream can say it came. */
  private async idle(state: ShardState, ms: number): Promise<void> {
    if (this.waits && !this.stopped) {
      if (await this.stream.recordAfter?.(state.shard.shardId, state.lastRead, ms, this.abort.signal)) return;
      this.waits = false; // it cannot wait after all: sleep from now on
    }
    await this.pause(ms);
  }

  private async pause(ms: number): Promise<void> {
    if (this.stopped || ms <= 0) return;
    // Ends early when the poller stops: the abort rejects the timer, which is all a stop asks of it.
    await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }
}

const streamName = (arn: string): string => /:table\/([^/]+)\/stream\//.exec(arn)?.[1] ?? arn;

export function describeStreamBatch(report: StreamBatchReport): string {
  const parts = [
    `invoke ${report.functionName} ddb:${streamName(report.streamArn)} batch=${report.size}`,
    `outcome=${report.verdict}`,
    `done=${report.done}`,
    `retried=${report.size - report.done}`,
    `attempt=${report.attempt}`,
    `duration=${report.durationMs < 1000 ? `${report.durationMs}ms` : `${(report.durationMs / 1000).toFixed(2)}s`}`,
  ];
  if (report.verdict !== 'success') parts.push(`(${report.reason})`);
  return parts.join(' ');
}

export function describeDiscard(report: DiscardReport): string {
  const where =
    report.destination === undefined
      ? 'no on-failure destination'
      : `sent to ${report.destination.split(':').pop() ?? report.destination}`;
  return `discard ${report.functionName} ddb:${streamName(report.streamArn)} ${report.condition} records=${report.size} (${report.firstSequenceNumber}…${report.lastSequenceNumber}) ${where}`;
}
