// What the runtime tells its subscribers, as typed values: one report per batch a function ran,
// per API request the front door answered, and per line a function's worker printed. `make up`'s
// narration, the console and the benchmark subscribe to these (RuntimeOptions.onReport); the text
// log lines are rendered from them here, once.
import type { BatchVerdict } from './sqs/batch-result.js';
import type { BatchReport as SqsBatchReport } from './sqs/poller.js';
import type { StreamBatchReport } from './streams/stream-poller.js';

/** Where a batch came from: an SQS queue, or a DynamoDB stream. */
export interface BatchSource {
  kind: 'sqs' | 'dynamodb-stream';
  arn: string;
  /** The queue's or the table's name (the last part of the ARN). */
  name: string;
}

/** One record of a batch, as the function was given it. */
export interface BatchItem {
  /** The SQS messageId, or the stream record's sequence number. */
  id: string;
  /**
   * What the function was given: an SQS message's body as it arrived; for a stream record, its
   * `dynamodb` part (Keys, NewImage, OldImage in DynamoDB's attribute-value JSON) with its eventName.
   */
  body: string;
  /** How many times SQS has delivered the message, this time included (SQS only). */
  receiveCount?: number;
  /** Left for a retry (not deleted, or not checkpointed): it will be delivered again. */
  retried: boolean;
}

export interface BatchReport {
  type: 'batch';
  /** When the invocation started and when the batch finished (ISO 8601). */
  startedAt: string;
  time: string;
  functionName: string;
  source: BatchSource;
  records: number;
  /** Each record, in batch order: what the console shows of an event and whom it reached. */
  items: BatchItem[];
  /** Records left for a retry (not deleted, or not checkpointed): all of them when the invocation failed. */
  failures: number;
  verdict: BatchVerdict;
  /** Why the batch ended as it did ("no batch item failures", "timeout: Task timed out …"). */
  reason: string;
  durationMs: number;
  /** Deletes SQS refused after the batch succeeded (those messages come back). */
  deleteFailures: number;
}

export interface RequestReport {
  type: 'request';
  time: string;
  /** undefined when API Gateway answered itself (no route, no such stage, too large). */
  functionName: string | undefined;
  method: string;
  /** The request's path and query, as it arrived at the front door. */
  path: string;
  status: number;
  durationMs: number;
  note?: string;
}

/** One line a function's code printed (stdout or stderr): Powertools JSON, or anything else. */
export interface OutputReport {
  type: 'output';
  time: string;
  functionName: string;
  line: string;
}

export type RuntimeReport = BatchReport | RequestReport | OutputReport;

const lastPart = (arn: string): string => arn.split(':').pop() ?? arn;

/** An SQS poller's batch, as the runtime reports it. */
export function sqsBatchReport(batch: SqsBatchReport, time = new Date()): BatchReport {
  const retried = new Set(batch.decision.retry);
  return {
    type: 'batch',
    startedAt: new Date(time.getTime() - batch.durationMs).toISOString(),
    time: time.toISOString(),
    functionName: batch.functionName,
    source: { kind: 'sqs', arn: batch.queueArn, name: lastPart(batch.queueArn) },
    records: batch.size,
    items: batch.records.map((record) => ({
      id: record.messageId,
      body: record.body,
      receiveCount: Number(record.attributes.ApproximateReceiveCount),
      retried: retried.has(record.messageId),
    })),
    failures: batch.decision.retry.length,
    verdict: batch.decision.verdict,
    reason: batch.decision.reason,
    durationMs: batch.durationMs,
    deleteFailures: batch.deleteFailures,
  };
}

/** A DynamoDB stream poller's batch, as the runtime reports it (the source is named after its table). */
export function streamBatchReport(batch: StreamBatchReport, time = new Date()): BatchReport {
  return {
    type: 'batch',
    startedAt: new Date(time.getTime() - batch.durationMs).toISOString(),
    time: time.toISOString(),
    functionName: batch.functionName,
    source: {
      kind: 'dynamodb-stream',
      arn: batch.streamArn,
      name: /:table\/([^/]+)/.exec(batch.streamArn)?.[1] ?? batch.streamArn,
    },
    records: batch.size,
    items: batch.records.map((read, index) => ({
      id: read.sequenceNumber,
      body: JSON.stringify({ eventName: read.record.eventName, ...read.record.dynamodb }),
      retried: index >= batch.done,
    })),
    failures: batch.size - batch.done,
    verdict: batch.verdict,
    reason: batch.reason,
    durationMs: batch.durationMs,
    deleteFailures: 0,
  };
}

export const seconds = (ms: number): string =>
  ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;

/** The runtime's log line for a batch or a request ("invoke inventory sqs:inventory-queue batch=3 outcome=success …"). */
export function describeReport(report: BatchReport | RequestReport): string {
  if (report.type === 'request') {
    const note = report.note === undefined ? '' : ` (${report.note})`;
    return `invoke ${report.functionName ?? '-'} api:${report.method} ${report.path} status=${report.status} duration=${seconds(report.durationMs)}${note}`;
  }
  const source = report.source.kind === 'sqs' ? 'sqs' : 'stream';
  const parts = [
    `invoke ${report.functionName} ${source}:${report.source.name} batch=${report.records}`,
    `outcome=${report.verdict}`,
    `deleted=${report.records - report.failures}`,
    `retried=${report.failures}`,
    `duration=${seconds(report.durationMs)}`,
  ];
  if (report.verdict !== 'success') parts.push(`(${report.reason})`);
  if (report.deleteFailures > 0) parts.push(`delete-failures=${report.deleteFailures}`);
  return parts.join(' ');
}
