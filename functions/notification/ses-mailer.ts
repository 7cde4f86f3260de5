// The SES (v2) adapter of the Mailer port: plain-text email from the verified sender identity.
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer } from './notifications.js';

export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly sender: string,
  ) {}

  async send({ to, subject, body }: { to: string; subject: string; body: string }): Promise<string> {
    const { MessageId } = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.sender,
        Destination: { ToAddresses: [to] },
        Content: { Simple: { Subject: { Data: subject, Charset: 'UTF-8' }, Body: { Text: { Data: body, Charset: 'UTF-8' } } } },
      }),
    );
    return MessageId ?? 'unknown'; // SES returns one on every success; the SDK type just says optional
  }
}
