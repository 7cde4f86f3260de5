// One SQS event source mapping, applied the way Lambda applies it: long polling, batch size and
// batching window, then delete exactly what Lambda deletes. Talks to SQS through a small port so
// the rules run against an in-memory fake in unit tests.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { decideDeletions, type DeletionDecision } from './batch-result.js';
import type { Invoker } from '../invoke/contract.js';
import { buildSqsRecord } from './sqs-event.js';

export interface ReceiveRequest {
  maxMessages: number;
  waitTimeSeconds: number;
  signal: AbortSignal;
}

export interface DeleteEntry {
  id: string;
  receiptHandle: string;
}

/** The slice of SQS a poller needs. The adapter asks for all system and message attributes. */
export interface QueuePort {
  receive(request: ReceiveRequest): Promise<Message[]>;
  /** At most 10 entries (one DeleteMessageBatch call); returns the entries SQS refused. */
  deleteBatch(entries: DeleteEntry[]): Promise<{ failed: { id: string; message: string }[] }>;
}

export interface MappingSettings {
  functionName: string;
  queueArn: string;
  region: string;
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  reportBatchItemFailures: boolean;
}

export interface BatchReport {
  functionName: string;
  queueArn: string;
  size: number;
  /** The records the function was given, in batch order. */
  records: SQSRecord[];
  decision: DeletionDecision;
  deleteFailures: number;
  durationMs: number;
}

export interface PollerOptions {
  /** Concurrent receive→invoke→delete loops (Lambda runs several pollers per queue). */
  loops?: number;
  /** Long-poll wait (SQS maximum 20 s). */
  waitTimeSeconds?: number;
  onBatch?: (report: BatchReport) => void;
  onError?: (error: unknown) => void;
}

const SQS_MAX_RECEIVE = 10;

export class SqsPoller {
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly queue: QueuePort,
    private readonly invoker: Invoker,
    private readonly settings: MappingSettings,
    private readonly options: PollerOptions = {},
  ) {}

  start(): void {
    const count = Math.max(1, this.options.loops ?? 1);
    for (let i = 0; i < count; i += 1) this.loops.push(this.loop());
  }

  /** Stops receiving at once (aborts long polls); resolves when in-flight batches finish or the grace time ends. */
  async stop(graceMs = 10_000): Promise<{ unfinished: number }> {
    this.abort.abort();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const result = await Promise.race([Promise.all(this.loops).then(() => 'done' as const), grace]);
    clearTimeout(timer);
    return { unfinished: result === 'done' ? 0 : this.inFlight.size };
  }

  get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async loop(): Promise<void> {
    let backoffMs = 100;
    while (!this.stopped) {
      let messages: Message[];
      try {
        messages = await this.gather();
        backoffMs = 100;
      } catch (error) {
        if (this.stopped) break;
        this.options.onError?.(error);
        await this.pause(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5000);
        continue;
      }
      if (messages.length === 0) continue;
      // A batch already received is always processed, even while stopping: its messages are in flight.
      const batch = this.process(messages).then(
        () => undefined,
        (error: unknown) => this.options.onError?.(error),
      );
      this.inFlight.add(batch);
      await batch;
      this.inFlight.delete(batch);
    }
  }

  /**
   * One long poll for the first messages; then, as Lambda does, keep gathering until the batch is
   * full or the batching window (counted from the first message) closes. With no window, only pages
   * that are immediately available are added (a full page suggests more are waiting).
   */
  async gather(): Promise<Message[]> {
    const { batchSize, maximumBatchingWindowInSeconds: window } = this.settings;
    const receive = async (wanted: number, wait: number): Promise<Message[]> => {
      try {
        return await this.queue.receive({ maxMessages: wanted, waitTimeSeconds: wait, signal: this.abort.signal });
      } catch (error) {
        if (this.stopped) return [];
        throw error;
      }
    };
    let wanted = Math.min(SQS_MAX_RECEIVE, batchSize);
    const batch = await receive(wanted, this.options.waitTimeSeconds ?? 20);
    if (batch.length === 0) return batch;
    const windowEnds = Date.now() + window * 1000;
    let lastPageFull = batch.length === wanted;
    while (batch.length < batchSize && !this.stopped) {
      wanted = Math.min(SQS_MAX_RECEIVE, batchSize - batch.length);
      const remainingMs = windowEnds - Date.now();
      if (window > 0) {
        if (remainingMs <= 0) break;
        // WaitTimeSeconds is whole seconds: round up and let SQS return as soon as something arrives.
        batch.push(...(await receive(wanted, Math.min(20, Math.ceil(remainingMs / 1000)))));
      } else {
        if (!lastPageFull) break;
        const page = await receive(wanted, 0);
        batch.push(...page);
        lastPageFull = page.length === wanted;
      }
    }
    return batch;
  }

  async process(messages: Message[]): Promise<BatchReport> {
    const started = Date.now();
    const { functionName, queueArn, region, reportBatchItemFailures } = this.settings;
    const records = messages.map((message) => buildSqsRecord(message, { queueArn, region }));
    const event: SQSEvent = { Records: records };
    const outcome = await this.invoker.invoke(event);
    const decision = decideDeletions(
      records.map((record) => record.messageId),
      outcome,
      reportBatchItemFailures,
    );
    const toDelete = new Set(decision.delete);
    const entries = records
      .map((record, index) => ({ id: String(index), receiptHandle: record.receiptHandle, messageId: record.messageId }))
      .filter((entry) => toDelete.has(entry.messageId))
      .map(({ id, receiptHandle }) => ({ id, receiptHandle }));
    let deleteFailures = 0;
    for (let i = 0; i < entries.length; i += SQS_MAX_RECEIVE) {
      const { failed } = await this.queue.deleteBatch(entries.slice(i, i + SQS_MAX_RECEIVE));
      deleteFailures += failed.length;
    }
    const report: BatchReport = {
      functionName,
      queueArn,
      size: records.length,
      records,
      decision,
      deleteFailures,
      durationMs: Date.now() - started,
    };
    this.options.onBatch?.(report);
    return report;
  }

  private async pause(ms: number): Promise<void> {
    if (this.stopped) return;
    // Ends early when the poller stops: the abort rejects the timer, which is all a stop asks of it.
    await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }
}
