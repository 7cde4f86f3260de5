// inventory-queue consumer: wiring only. Clients and config are created once per process; domain
// logic lives in reservations.ts, whose dispatch map handles the event types the queue receives.
import { dynamo, sns } from '../shared/clients.js';
import { requireEnv } from '../shared/config.js';
import { logger } from '../shared/logger.js';
import { SnsEventPublisher } from '../shared/publisher.js';
import { dispatch, sqsConsumer } from '../shared/sqs-consumer.js';
import { DynamoInventoryStore } from './dynamo-inventory-store.js';
import { inventoryHandlers } from './reservations.js';

const store = new DynamoInventoryStore(
  dynamo,
  {
    inventory: requireEnv('INVENTORY_TABLE'),
    reservations: requireEnv('RESERVATIONS_TABLE'),
  },
  logger,
);
const publisher = new SnsEventPublisher(sns, requireEnv('TOPIC_ARN'));

export const handler = sqsConsumer(
  dispatch('inventory', inventoryHandlers, { store, publisher, now: () => new Date().toISOString(), log: logger }),
);
