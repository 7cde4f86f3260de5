// Re-send the notifications SES refused for good, once their cause is fixed (the address, the
// sender's identity): an operator's tool, on the emulator as on AWS.
//
// A FAILED record is notification's outcome: a repeated event republishes NotificationFailed and
// sends nothing. And only the functions may publish to the topic (its policy denies every other
// principal). So the path is notification's own, the one it takes after a crash: each FAILED record
// is turned back into a claim that is already stale (PENDING, claimed at the epoch, under a claimId
// of this tool's), conditionally on its still being FAILED; then the event that asked for it is sent
// to notification-queue, rebuilt from the stored order exactly as its producer builds it (same id,
// same time: the record's key). Notification takes the stale claim over, sends, and records SENT.
// A run that stops between the two steps is finished by the next one: it picks up the claims it left.
// The operator role (infra/modules/operator) grants exactly these calls.
import { randomUUID } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { orderPlacedEvent } from '../../../functions/shared/order-placed.js';
import { finalEvent } from '../../../functions/order-status/lifecycle.js';
import { appliedUnlessRefused } from '../../../functions/shared/dynamo-conditions.js';
import type { NotificationKind, OrderEvent } from '../../../functions/shared/events.js';
import { findOrder } from '../../../functions/shared/order-record.js';
import { placedAtOf } from '../../../functions/notification/notifications.js';

/** The claimId prefix of a claim this tool left: a stale claim, for notification to take over. */
export const RESEND_CLAIM = 'resend:';
/** Older than any claim timeout: notification takes the claim over at once. */
const STALE_CLAIMED_AT = '1970-01-01T00:00:00.000Z';
const KINDS: readonly NotificationKind[] = ['ORDER_RECEIVED', 'ORDER_CONFIRMED', 'ORDER_CANCELLED'];

export interface ResendTarget {
  db: DynamoDBDocumentClient;
  sqs: SQSClient;
  ordersTable: string;
  notificationsTable: string;
  notificationQueueUrl: string;
}

export interface ResendReport {
  resent: { notificationId: string; eventId: string }[];
  skipped: { notificationId: string; reason: string }[];
}

/** The event that asks notification for this kind of email, as its producer built it. */
function eventFor(kind: NotificationKind, order: Parameters<typeof finalEvent>[0]): OrderEvent | string {
  if (kind === 'ORDER_RECEIVED') return orderPlacedEvent(order);
  const wanted = kind === 'ORDER_CONFIRMED' ? 'CONFIRMED' : 'CANCELLED';
  if (order.status !== wanted) return `the order is ${order.status}, not ${wanted}`;
  return finalEvent(order);
}

/** The event whose notification key (placedAtOf) is `createdAt`, if the rebuilt one or its legacy form has it. */
function keyedOn(event: OrderEvent, createdAt: string): OrderEvent | undefined {
  if (event.type === 'OrderPlaced') return event.time === createdAt ? event : undefined;
  if (event.type !== 'OrderConfirmed' && event.type !== 'OrderCancelled') return undefined;
  if (placedAtOf(event) === createdAt) return event;
  if (event.time !== createdAt) return undefined;
  const { placedAt: _placedAt, ...legacy } = event.data;
  return { ...event, data: legacy } as OrderEvent;
}

/** Re-sends every FAILED notification of the order (and finishes the re-sends a stopped run left). */
export async function resendFailed(target: ResendTarget, orderId: string): Promise<ResendReport> {
  const report: ResendReport = { resent: [], skipped: [] };
  const order = await findOrder(target.db, target.ordersTable, orderId);
  if (order === undefined) throw new Error(`no order ${orderId} in ${target.ordersTable}`);
  for (const kind of KINDS) {
    const notificationId = `${orderId}:${kind}`;
    const { Items = [] } = await target.db.send(
      new QueryCommand({
        TableName: target.notificationsTable,
        KeyConditionExpression: 'notificationId = :id',
        ExpressionAttributeValues: { ':id': notificationId },
        ConsistentRead: true,
      }),
    );
    for (const item of Items) {
      const status = String(item.status);
      const claimId = String(item.claimId);
      const leftByUs = status === 'PENDING' && claimId.startsWith(RESEND_CLAIM);
      if (status !== 'FAILED' && !leftByUs) continue;
      const built = eventFor(kind, order);
      if (typeof built === 'string') {
        report.skipped.push({ notificationId, reason: built });
        continue;
      }
      // The record's sort key is when the order was placed (notification's placedAtOf); a record
      // written before final events carried placedAt is keyed on the event's time: the event is then
      // sent without it, so that notification finds that record.
      const event = keyedOn(built, String(item.createdAt));
      if (event === undefined) {
        report.skipped.push({
          notificationId,
          reason: `neither its event's placedAt nor its time is the record's createdAt (${String(item.createdAt)})`,
        });
        continue;
      }
      if (status === 'FAILED') {
        const claimed = await appliedUnlessRefused(
          target.db.send(
            new UpdateCommand({
              TableName: target.notificationsTable,
              Key: { notificationId, createdAt: item.createdAt },
              UpdateExpression: 'SET #status = :pending, claimId = :claim, claimedAt = :stale REMOVE reason, failedAt',
              ConditionExpression: '#status = :failed AND claimId = :old',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':pending': 'PENDING',
                ':failed': 'FAILED',
                ':claim': `${RESEND_CLAIM}${randomUUID()}`,
                ':stale': STALE_CLAIMED_AT,
                ':old': claimId,
              },
            }),
          ),
        );
        if (!claimed) {
          report.skipped.push({ notificationId, reason: 'no longer FAILED (changed while this ran)' });
          continue;
        }
      }
      await target.sqs.send(
        new SendMessageCommand({
          QueueUrl: target.notificationQueueUrl,
          MessageBody: JSON.stringify(event),
          MessageAttributes: { eventType: { DataType: 'String', StringValue: event.type } },
        }),
      );
      report.resent.push({ notificationId, eventId: event.id });
    }
  }
  return report;
}
