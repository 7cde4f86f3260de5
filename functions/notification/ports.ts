// The ports notification's domain talks through, and the record it keeps. The DynamoDB adapter
// (dynamo-notification-store.ts), the SES adapter (ses-mailer.ts) and the in-memory fakes of the
// unit tests implement these same interfaces and keep the same conditions.
import * as z from 'zod';
import { NotificationKindSchema } from '../shared/events.js';

const common = {
  notificationId: z.string(),
  createdAt: z.string(),
  orderId: z.string(),
  kind: NotificationKindSchema,
  recipient: z.string(),
  subject: z.string(),
  // When a delivery claimed the send (wall clock): tells a crashed claim from one in flight.
  claimedAt: z.string(),
  // Which delivery claimed it: a claim whose write succeeded but whose response was lost (the SDK
  // retried, and the retry was refused by the condition) is recognised as our own.
  claimId: z.string(),
};

/** An item of the notifications table (PK notificationId, SK createdAt). */
export const NotificationRecordSchema = z.discriminatedUnion('status', [
  z.object({ ...common, status: z.literal('PENDING') }),
  z.object({ ...common, status: z.literal('SENT'), messageId: z.string(), sentAt: z.string() }),
  // SES refused the email for good (see shared/failures.ts): recorded with its reason, never retried.
  z.object({ ...common, status: z.literal('FAILED'), reason: z.string(), failedAt: z.string() }),
]);
export type NotificationRecord = z.infer<typeof NotificationRecordSchema>;
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
