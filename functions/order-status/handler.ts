// order-status-queue consumer (the result events): wiring only. Clients and config are created
// once per process; domain logic lives in apply-result-event.ts and lifecycle.ts.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { dynamo, sns } from '../shared/clients.js';
import { requireEnv } from '../shared/config.js';
import { logger } from '../shared/logger.js';
import { SnsEventPublisher } from '../shared/publisher.js';
import { sqsConsumer } from '../shared/sqs-consumer.js';
import { createOrderStatusService } from './apply-result-event.js';
import { DynamoOrderProjectionStore } from './dynamo-order-projection-store.js';

const store = new DynamoOrderProjectionStore(dynamo, requireEnv('ORDERS_TABLE'));
const publisher = new SnsEventPublisher(sns, requireEnv('TOPIC_ARN'));
// The namespace comes from POWERTOOLS_METRICS_NAMESPACE; the service dimension is the alarms' (infra/modules/alerts).
const powertoolsMetrics = new Metrics({ serviceName: 'order-status' });
const metrics = {
  // A single metric is written (EMF, to stdout) at once: a mismatch is rare, and no flush is left to forget.
  paymentMismatch: () => powertoolsMetrics.singleMetric().addMetric('PaymentMismatches', MetricUnit.Count, 1),
  placedSeconds: (seconds: number, orderId: string) => {
    const metric = powertoolsMetrics.singleMetric();
    metric.addMetadata('orderId', orderId); // on the line, not a dimension: which order, for whoever reads the log
    metric.addMetric('OrderPlacedSeconds', MetricUnit.Seconds, seconds);
  },
};

export const handler = sqsConsumer(
  createOrderStatusService({ store, publisher, now: () => new Date(), log: logger, metrics }),
);
