// The ports order-publisher's domain talks through. The stream adapter (stream-records.ts) turns
// Lambda's DynamoDB stream event into StreamedRecords; the SNS publisher (shared/publisher.ts)
// and the recording fake of the unit tests implement EventPublisher; the SQS adapter
// (sqs-dead-letter-queue.ts) and an in-memory fake implement DeadLetterQueue.
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

/** A stream record the function cannot announce, ever (not an order), and why. */
export interface SetAsideRecord {
  sequenceNumber: string;
  /** The item as the stream showed it (undefined when the record carried no readable image). */
  item: Record<string, unknown> | undefined;
  reason: string;
}

/** Where records that can never be announced are kept for an operator, so they do not hold the shard. */
export interface DeadLetterQueue {
  setAside(record: SetAsideRecord): Promise<void>;
}

/** Lambda's answer for a stream batch (ReportBatchItemFailures): it resumes from the first failure. */
export interface StreamBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}
