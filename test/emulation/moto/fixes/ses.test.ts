// emulation/moto/fixes/ses/sent_emails.py, proven on a bare emulator (no Terraform): the emails SES
// accepted, as LocalStack lists them (GET /_aws/ses; plain moto keeps them with no API for them).
import { expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { CreateEmailIdentityCommand, SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { bareEmulator } from '../../support/emulator.js';

const emulator = bareEmulator();

it("answers LocalStack's GET /_aws/ses with the emails SES accepted: recipient, subject, body, time", async () => {
  const ses = new SESv2Client(emulator.config());
  await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: 'orders@example.com' }));
  const subject = `check-${randomUUID()}`;
  const before = Date.now();
  const { MessageId } = await ses.send(
    new SendEmailCommand({
      FromEmailAddress: 'orders@example.com', // verified above
      Destination: { ToAddresses: ['jane@example.com'] },
      Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: 'Hello, Jane' } } } },
    }),
  );
  ses.destroy();
  const response = await fetch(`${emulator.url}/_aws/ses`);
  expect(response.status).toBe(200);
  const { messages } = (await response.json()) as { messages: { Id: string; Subject: string; Timestamp: string }[] };
  const sent = messages.find((message) => message.Subject === subject);
  expect(sent).toEqual({
    Id: MessageId,
    Region: 'us-east-1',
    Source: 'orders@example.com',
    Destination: { ToAddresses: ['jane@example.com'] },
    Subject: subject,
    Body: { text_part: 'Hello, Jane', html_part: null },
    Timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
  });
  expect(Date.parse(sent?.Timestamp ?? '')).toBeGreaterThanOrEqual(before - 1000);
});
