// In-memory stand-ins for the notification ports: a store honouring the same conditions as
// DynamoNotificationStore, and a mailer that records what it sent.
import type { Mailer, NotificationRecord, NotificationRecordOf, NotificationStore } from '../../../functions/notification/notifications.js';

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

  async markSent(record: NotificationRecordOf<'SENT'>): Promise<boolean> {
    await tick();
    const key = keyOf(record.notificationId, record.createdAt);
    if (this.records.get(key)?.status !== 'PENDING') return false;
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

  async send(mail: { to: string; subject: string; body: string }): Promise<string> {
    await tick();
    this.sent.push(mail);
    return `ses-${this.sent.length}`;
  }
}
