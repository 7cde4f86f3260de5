// The SES (v2) adapter of the Mailer port: plain-text email from the verified sender identity.
// What SES refuses for good (shared/failures.ts) is answered as a refusal with its reason;
// anything else is thrown, so the record is retried: a refusal that concerns the account or the
// sender (sending paused, the sender not verified, a quota) waits for the account to be fixed.
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { isPermanentRefusal } from '../shared/failures.js';
import { scrubText } from '../shared/logger.js';
import type { Mailer, MailResult } from './ports.js';

export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly sender: string,
  ) {}

  async send({ to, subject, body }: { to: string; subject: string; body: string }): Promise<MailResult> {
    try {
      const { MessageId } = await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: this.sender,
          Destination: { ToAddresses: [to] },
          Content: {
            Simple: { Subject: { Data: subject, Charset: 'UTF-8' }, Body: { Text: { Data: body, Charset: 'UTF-8' } } },
          },
        }),
      );
      return { status: 'sent', messageId: MessageId ?? 'unknown' }; // SES returns one on every success; the SDK type just says optional
    } catch (error) {
      if (!isPermanentRefusal(error, { sender: this.sender })) throw error;
      // The reason is stored and shown by GET /orders/{id}: SES quotes addresses in its messages.
      const { name, message } = error as Error;
      return { status: 'refused', reason: scrubText(`${name}: ${message}`) };
    }
  }
}
