import 'aws-sdk-client-mock-jest';
import {
  MessageRejected,
  SendEmailCommand,
  SendingPausedException,
  SESv2Client,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { SesMailer } from '../../../functions/notification/ses-mailer.js';

const ses = mockClient(SESv2Client);

beforeEach(() => {
  ses.reset();
});

describe('SesMailer', () => {
  const mailer = new SesMailer(new SESv2Client({}), 'orders@example.com');
  const mail = { to: 'jane@example.com', subject: 'Hi', body: 'Text' };

  it('sends plain text from the sender identity and returns the message id', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });

    await expect(mailer.send(mail)).resolves.toEqual({ status: 'sent', messageId: 'ses-1' });
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      FromEmailAddress: 'orders@example.com',
      Destination: { ToAddresses: ['jane@example.com'] },
      Content: {
        Simple: { Subject: { Data: 'Hi', Charset: 'UTF-8' }, Body: { Text: { Data: 'Text', Charset: 'UTF-8' } } },
      },
    });
  });

  it.each([
    [
      'MessageRejected',
      new MessageRejected({
        message: 'Email address is not verified: jane@example.com',
        $metadata: { httpStatusCode: 400 },
      }),
    ],
  ])('answers a permanent refusal (%s) as refused, with the reason and no address', async (name, error) => {
    ses.on(SendEmailCommand).rejects(error);

    const result = await mailer.send(mail);
    expect(result).toEqual({ status: 'refused', reason: expect.stringMatching(new RegExp(`^${name}`)) });
    expect(JSON.stringify(result)).not.toContain('jane@example.com');
  });

  it.each([
    ['throttling', new TooManyRequestsException({ message: 'slow down', $metadata: { httpStatusCode: 429 } })],
    ['a network error', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    // Account-wide refusals wait for the account to be fixed: retried, never recorded FAILED.
    [
      'sending paused',
      new SendingPausedException({ message: 'Sending is paused for this account', $metadata: { httpStatusCode: 400 } }),
    ],
    [
      'the sender identity not verified',
      new MessageRejected({
        message:
          'Email address is not verified. The following identities failed the check in region US-EAST-1: orders@example.com',
        $metadata: { httpStatusCode: 400 },
      }),
    ],
  ])('throws %s, so the record is retried', async (_case, error) => {
    expect.assertions(1);
    ses.on(SendEmailCommand).rejects(error);

    await expect(mailer.send(mail)).rejects.toBe(error);
  });
});
