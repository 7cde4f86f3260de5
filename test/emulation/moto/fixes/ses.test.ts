// emulation/moto/fixes/ses/, proven on a bare emulator (no Terraform): the emails SES accepted, as
// LocalStack lists them (GET /_aws/ses; plain moto keeps them with no API for them), and
// ListEmailIdentities at the path today's SDKs send it to.
import { expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  CreateEmailIdentityCommand,
  paginateListEmailIdentities,
  SendEmailCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
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

it("lists the email identities to the SDK's ListEmailIdentities (POST /v2/email/list-identities), page by page", async () => {
  const ses = new SESv2Client(emulator.config());
  const created = Array.from({ length: 3 }, () => `check-${randomUUID()}@example.com`);
  for (const EmailIdentity of created) await ses.send(new CreateEmailIdentityCommand({ EmailIdentity }));
  const listed: string[] = [];
  let pages = 0;
  for await (const page of paginateListEmailIdentities({ client: ses, pageSize: 2 }, {})) {
    pages += 1;
    listed.push(...(page.EmailIdentities ?? []).map((identity) => identity.IdentityName ?? ''));
  }
  ses.destroy();
  expect(listed).toEqual(expect.arrayContaining(created));
  expect(pages).toBeGreaterThan(1);
});
