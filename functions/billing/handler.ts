// billing-queue consumer: wiring only. Clients and config are created once per process; domain
// logic lives in billing.ts, whose dispatch map handles the event types the queue receives.
import { dynamo, sns } from '../shared/clients.js';
import { requireEnv } from '../shared/config.js';
import { logger } from '../shared/logger.js';
import { SnsEventPublisher } from '../shared/publisher.js';
import { dispatch, sqsConsumer } from '../shared/sqs-consumer.js';
import { billingHandlers } from './billing.js';
import { DynamoBillingStore } from './dynamo-billing-store.js';
import { SimulatedPaymentProvider } from './simulated-payment-provider.js';

const store = new DynamoBillingStore(dynamo, requireEnv('BILLING_TABLE'));
const publisher = new SnsEventPublisher(sns, requireEnv('TOPIC_ARN'));
// The simulation stands in for a real provider's adapter; swap it here, nowhere else.
const provider = new SimulatedPaymentProvider();

export const handler = sqsConsumer(
  dispatch('billing', billingHandlers, {
    store,
    provider,
    publisher,
    now: () => new Date().toISOString(),
    log: logger,
  }),
);
