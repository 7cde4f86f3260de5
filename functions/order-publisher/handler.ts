// order-publisher: the orders table's stream (inserts only, by the mapping's filter) →
// announceNewOrders. Wiring only: config, clients and adapters are built once at module scope
// (the SQS client here, not in shared/clients.ts: only this function sets records aside).
// The mapping has ReportBatchItemFailures: the handler answers which record to resume from.
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { sns } from '../shared/clients.js';
import { requireEnv } from '../shared/config.js';
import { logger } from '../shared/logger.js';
import { SnsEventPublisher } from '../shared/publisher.js';
import { announceNewOrders, type AnnounceDeps } from './announce-orders.js';
import type { StreamBatchResponse } from './ports.js';
import { queueUrlFromArn, SqsDeadLetterQueue } from './sqs-dead-letter-queue.js';
import { toStreamedRecords } from './stream-records.js';

/** Wires the domain behind the middleware every batch goes through (tests pass fakes). */
export const createHandler = (deps: Omit<AnnounceDeps, 'remainingMs'>) =>
  middy<DynamoDBStreamEvent, StreamBatchResponse>().handler((event, context) =>
    announceNewOrders(toStreamedRecords(event), { ...deps, remainingMs: () => context.getRemainingTimeInMillis() }),
  );

export const handler = createHandler({
  publisher: new SnsEventPublisher(sns, requireEnv('TOPIC_ARN')),
  deadLetters: new SqsDeadLetterQueue(
    new SQSClient({ useQueueUrlAsEndpoint: false }),
    queueUrlFromArn(requireEnv('DEAD_LETTER_QUEUE_ARN')),
  ),
  log: logger,
});
