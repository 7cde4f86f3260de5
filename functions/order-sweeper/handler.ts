// order-sweeper: run on a schedule (an EventBridge rule; the local runtime runs it as EventBridge
// does) → sweep. Wiring only: config, clients and adapters are built once at module scope.
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { dynamo, sns } from '../shared/clients.js';
import { requireEnv, requireSeconds } from '../shared/config.js';
import { logger } from '../shared/logger.js';
import { SnsEventPublisher } from '../shared/publisher.js';
import { DynamoPlacedOrders } from './dynamo-placed-orders.js';
import { EmfMetrics } from './emf-metrics.js';
import { sweep, type SweepDeps, type SweepReport } from './sweep.js';

/** Wires the domain behind the middleware every run goes through (tests pass fakes). */
export const createHandler = (deps: SweepDeps) => middy<ScheduledEvent, SweepReport>().handler(() => sweep(deps));

export const handler = createHandler({
  orders: new DynamoPlacedOrders(dynamo, requireEnv('ORDERS_TABLE'), requireEnv('PLACED_ORDERS_INDEX')),
  publisher: new SnsEventPublisher(sns, requireEnv('TOPIC_ARN')),
  // The namespace keeps Powertools Metrics' variable name; the service dimension is the alarm's (infra/modules/alerts).
  metrics: new EmfMetrics(requireEnv('POWERTOOLS_METRICS_NAMESPACE'), 'order-sweeper'),
  log: logger,
  now: () => new Date().toISOString(),
  stuckAfterSeconds: requireSeconds('STUCK_AFTER_SECONDS'),
});
