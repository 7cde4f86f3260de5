// order-status-queue consumer: wiring only. Clients and config are created once per process;
// domain logic lives in apply-result-event.ts, whose dispatch map handles the event types the
// queue receives (the result events), and lifecycle.ts.
import { dynamo, sns } from '../shared/clients.js';
import { requireEnv } from '../shared/config.js';
import { logger } from '../shared/logger.js';
import { SnsEventPublisher } from '../shared/publisher.js';
import { dispatch, sqsConsumer } from '../shared/sqs-consumer.js';
import { orderStatusHandlers } from './apply-result-event.js';
import { DynamoOrderProjectionStore } from './dynamo-order-projection-store.js';
import { EmfMetrics } from './emf-metrics.js';

const store = new DynamoOrderProjectionStore(dynamo, requireEnv('ORDERS_TABLE'));
const publisher = new SnsEventPublisher(sns, requireEnv('TOPIC_ARN'));
// The namespace keeps Powertools Metrics' variable name; the service dimension is the alarms' (infra/modules/alerts).
const metrics = new EmfMetrics(requireEnv('POWERTOOLS_METRICS_NAMESPACE'), 'order-status');

export const handler = sqsConsumer(
  dispatch('order-status', orderStatusHandlers, {
    store,
    publisher,
    now: () => new Date().toISOString(),
    log: logger,
    metrics,
  }),
);
