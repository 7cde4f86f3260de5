// The ports order-publisher's domain talks through. The stream adapter (stream-records.ts) turns
// Lambda's DynamoDB stream event into StreamedRecords; the SNS publisher (shared/publisher.ts)
// and the recording fake of the unit tests implement EventPublisher.
import type { Log as SharedLog } from '../shared/logger.js';

export type { EventPublisher } from '../shared/publisher.js';

/** One record of the orders table's stream, its item already unmarshalled into plain values. */
export interface StreamedRecord {
  /** The record's position in its shard: what Lambda resumes from when it is reported failed. */
  sequenceNumber: string;
  /** INSERT, MODIFY or REMOVE. */
  eventName: string;
  /** The item after the change (stream view type NEW_IMAGE); undefined when the record carries none. */
  newImage: Record<string, unknown> | undefined;
}

/** Lambda's answer for a stream batch (ReportBatchItemFailures): it resumes from the first failure. */
export interface StreamBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** What the domain logs through: the shared logger, as far as the domain uses it. */
export type Log = Pick<SharedLog, 'info' | 'warn' | 'error'>;
