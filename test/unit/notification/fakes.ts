// In-memory stand-ins for the notification ports: a store honouring the same conditions as
// DynamoNotificationStore, and a mailer that records what it sent.
import type {
  Mailer,
  MailResult,
  NotificationRecord,
  NotificationRecordOf,
  NotificationStore,
} from '../../../functions/notification/ports.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const keyOf = (notificationId: string, createdAt: string) => `${notificationId}|${createdAt}`;

export class InMemoryNotificationStore implements NotificationStore {
  readonly records = new Map<string, NotificationRecord>();

  async createIfAbsent(record: NotificationRecordOf<'PENDING'>): Promise<boolean> {
    await tick();
    const key = keyOf(record.notificationId, record.createdAt);
    if (this.records.has(key)) return false;
    this.records.set(key, structuredClone(record));
    return true;
  }

  async takeOver(claim: NotificationRecordOf<'PENDING'>, staleClaimId: string): Promise<boolean> {
    await tick();
    const key = keyOf(claim.notificationId, claim.createdAt);
    const current = this.records.get(key);
    if (current?.status !== 'PENDING' || current.claimId !== staleClaimId) return false;
    this.records.set(key, { ...current, claimId: claim.claimId, claimedAt: claim.claimedAt });
    return true;
  }

  async settle(record: NotificationRecordOf<'SENT' | 'FAILED'>): Promise<boolean> {
    await tick();
    const key = keyOf(record.notificationId, record.createdAt);
    const current = this.records.get(key);
    if (current?.status !== 'PENDING' || current.claimId !== record.claimId) return false;
    this.records.set(key, structuredClone(record));
    return true;
  }

  async get(notificationId: string, createdAt: string): Promise<NotificationRecord | undefined> {
    await tick();
    const found = this.records.get(keyOf(notificationId, createdAt));
    return found && structuredClone(found);
  }
}

export class RecordingMailer implements Mailer {
  readonly sent: { to: string; subject: string; body: string }[] = [];
  /** Recipients SES refuses for good. */
  readonly refusing = new Set<string>();

  async send(mail: { to: string; subject: string; body: string }): Promise<MailResult> {
    await tick();
    if (this.refusing.has(mail.to))
      return { status: 'refused', reason: 'MessageRejected: Email address is not verified.' };
    this.sent.push(mail);
    return { status: 'sent', messageId: `ses-${this.sent.length}` };
  }
}
