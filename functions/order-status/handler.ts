// order-status: order-status-queue → applyResultEvent, through the shared SQS consumer wiring
// (partial batch failures). Config, clients and adapters are built once at module scope.
import { dynamo, sns } from '../shared/clients.js';
import { requireEnv } from '../shared/config.js';
import { logger } from '../shared/logger.js';
import { SnsEventPublisher } from '../shared/publisher.js';
import { sqsConsumer } from '../shared/sqs-consumer.js';
import { applyResultEvent, type ApplyDeps } from './apply-result-event.js';
import { DynamoOrderProjection } from './dynamo-order-projection.js';

const deps: ApplyDeps = {
  store: new DynamoOrderProjection(dynamo, requireEnv('ORDERS_TABLE')),
  publisher: new SnsEventPublisher(sns, requireEnv('TOPIC_ARN')),
  now: () => new Date(),
  log: logger,
};

export const handler = sqsConsumer((event) => applyResultEvent(event, deps));
