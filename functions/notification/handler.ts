// notification-queue consumer: wiring only. Clients and config are created once per process; domain
// logic lives in notifications.ts, whose dispatch map handles the event types the queue receives.
import { randomUUID } from 'node:crypto';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { dynamo, sns } from '../shared/clients.js';
import { requireEnv, requireSeconds } from '../shared/config.js';
import { logger } from '../shared/logger.js';
import { SnsEventPublisher } from '../shared/publisher.js';
import { dispatch, sqsConsumer } from '../shared/sqs-consumer.js';
import { DynamoNotificationStore } from './dynamo-notification-store.js';
import { claimTimeoutFor, notificationHandlers } from './notifications.js';
import { SesMailer } from './ses-mailer.js';

// Created here rather than in shared/clients.ts so that only this bundle carries the SES client.
const ses = new SESv2Client({});

const store = new DynamoNotificationStore(dynamo, requireEnv('NOTIFICATIONS_TABLE'));
const mailer = new SesMailer(ses, requireEnv('SENDER_EMAIL'));
const publisher = new SnsEventPublisher(sns, requireEnv('TOPIC_ARN'));

const claimTimeoutMs = claimTimeoutFor(requireSeconds('FUNCTION_TIMEOUT_SECONDS'));

export const handler = sqsConsumer(
  dispatch('notification', notificationHandlers, {
    store,
    mailer,
    publisher,
    claimTimeoutMs,
    now: () => new Date().toISOString(),
    newId: randomUUID,
    log: logger,
  }),
);
