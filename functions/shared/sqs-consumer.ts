// The one shape every SQS consumer shares: parse each record into an event, hand it to the
// service's domain function, and report per-record failures so that one bad record never
// fails its neighbours. A record that throws (a transient fault, or a message that fails its
// schema) is retried by SQS and ends in the DLQ after maxReceiveCount.
import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { parseEvent, type OrderEvent } from './events.js';
import { logger } from './logger.js';

export type EventProcessor = (event: OrderEvent) => Promise<void>;

export function processRecords(process: EventProcessor) {
  // allSettled in record order: sqs-partial-batch-failure pairs each result with its record.
  // The callback is async so that a parse error rejects that record's promise instead of
  // throwing out of map(), which would fail (and redeliver) the whole batch.
  return async (event: SQSEvent): Promise<PromiseSettledResult<void>[]> =>
    Promise.allSettled(event.Records.map(async (record: SQSRecord) => process(parseEvent(record.body))));
}

// middy's default logger prints the whole record, body included, and bodies carry email
// addresses: log the message id and the error only.
function logFailure(reason: unknown, record: SQSRecord): void {
  logger.error('record failed; SQS will redeliver it', { messageId: record.messageId, error: reason });
}

export function sqsConsumer(process: EventProcessor) {
  return middy<SQSEvent>().use(sqsPartialBatchFailure({ logger: logFailure })).handler(processRecords(process));
}
