// order-status: order-status-queue → applyResultEvent, through the shared SQS consumer wiring
// (partial batch failures). Config, clients and adapters are built once at module scope.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { dynamo, sns } from '../shared/clients.js';
import { requireEnv } from '../shared/config.js';
import { logger } from '../shared/logger.js';
import { SnsEventPublisher } from '../shared/publisher.js';
import { sqsConsumer } from '../shared/sqs-consumer.js';
import { applyResultEvent, type ApplyDeps } from './apply-result-event.js';
import { DynamoOrderProjection } from './dynamo-order-projection.js';

// The namespace comes from POWERTOOLS_METRICS_NAMESPACE; the service dimension is the alarms' (infra/modules/alerts).
const metrics = new Metrics({ serviceName: 'order-status' });

const deps: ApplyDeps = {
  store: new DynamoOrderProjection(dynamo, requireEnv('ORDERS_TABLE')),
  publisher: new SnsEventPublisher(sns, requireEnv('TOPIC_ARN')),
  now: () => new Date(),
  log: logger,
  metrics: {
    // A single metric is written (EMF, to stdout) at once: a mismatch is rare, and no flush is left to forget.
    paymentMismatch: () => metrics.singleMetric().addMetric('PaymentMismatches', MetricUnit.Count, 1),
  },
};

export const handler = sqsConsumer((event) => applyResultEvent(event, deps));
