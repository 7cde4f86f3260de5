// The ports notification's domain talks through, and the record it keeps. The DynamoDB adapter
// (dynamo-notification-store.ts), the SES adapter (ses-mailer.ts) and the in-memory fakes of the
// unit tests implement these same interfaces and keep the same conditions.
import * as v from 'valibot';
import { NotificationKindSchema } from '../shared/events.js';

const common = {
  notificationId: v.string(),
  createdAt: v.string(),
  orderId: v.string(),
  kind: NotificationKindSchema,
  recipient: v.string(),
  subject: v.string(),
  // When a delivery claimed the send (wall clock): tells a crashed claim from one in flight.
  claimedAt: v.string(),
  // Which delivery claimed it: a claim whose write succeeded but whose response was lost (the SDK
  // retried, and the retry was refused by the condition) is recognised as our own.
  claimId: v.string(),
};

/** An item of the notifications table (PK notificationId, SK createdAt). */
export const NotificationRecordSchema = v.variant('status', [
  v.object({ ...common, status: v.literal('PENDING') }),
  v.object({ ...common, status: v.literal('SENT'), messageId: v.string(), sentAt: v.string() }),
  // SES refused the email for good (see shared/failures.ts): recorded with its reason, never retried.
  v.object({ ...common, status: v.literal('FAILED'), reason: v.string(), failedAt: v.string() }),
]);
export type NotificationRecord = v.InferOutput<typeof NotificationRecordSchema>;
export type NotificationRecordOf<S extends NotificationRecord['status']> = Extract<NotificationRecord, { status: S }>;

/** The storage port; DynamoNotificationStore implements it, the unit tests' in-memory fake too. */
export interface NotificationStore {
  /** Claims the notification (PENDING) only if it does not exist yet. */
  createIfAbsent(record: NotificationRecordOf<'PENDING'>): Promise<boolean>;
  /** Takes over a stale claim: only if it is still PENDING under `staleClaimId`; sets the new claimId and claimedAt. */
  takeOver(claim: NotificationRecordOf<'PENDING'>, staleClaimId: string): Promise<boolean>;
  /** PENDING under this record's claimId → SENT or FAILED; false if it was no longer ours or no longer PENDING. */
  settle(record: NotificationRecordOf<'SENT' | 'FAILED'>): Promise<boolean>;
  /** A strongly consistent read. */
  get(notificationId: string, createdAt: string): Promise<NotificationRecord | undefined>;
}

export type MailResult = { status: 'sent'; messageId: string } | { status: 'refused'; reason: string };

/** The mail port; SesMailer implements it. A permanent refusal is an answer; a transient failure throws. */
export interface Mailer {
  send(mail: { to: string; subject: string; body: string }): Promise<MailResult>;
}
