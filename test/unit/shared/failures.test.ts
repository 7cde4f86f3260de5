import { InternalServerError, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  AccountSuspendedException,
  BadRequestException,
  InternalServiceErrorException,
  LimitExceededException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  SendingPausedException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { classifyFailure, isPermanentRefusal, RetryableError } from '../../../functions/shared/failures.js';

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
const withCode = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
/** What the SDK throws for an error it has no class for (a lost response answered 500 by the fault proxy, say). */
const unmodelled = (name: string, httpStatusCode: number) =>
  Object.assign(new Error(name), { name, $fault: 'server', $metadata: { httpStatusCode } });

describe('classifyFailure', () => {
  it.each([
    ['DynamoDB throttling', new ProvisionedThroughputExceededException({ message: 'slow down', ...meta(400) })],
    ['SES throttling', new TooManyRequestsException({ message: 'slow down', ...meta(429) })],
    ['SES daily quota', new LimitExceededException({ message: 'quota', ...meta(400) })],
    ['a 5xx', new InternalServerError({ message: 'oops', ...meta(500) })],
    ['SES 5xx', new InternalServiceErrorException({ message: 'oops', ...meta(500) })],
    ['a lost response (500 after the effect)', unmodelled('InternalFailure', 500)],
    ['a 503', unmodelled('ServiceUnavailable', 503)],
    ['a timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['a reset connection', withCode('ECONNRESET')],
    ['a refused connection', withCode('ECONNREFUSED')],
    ['an unknown host', withCode('EAI_AGAIN')],
    ['our own RetryableError', new RetryableError('later')],
  ])('%s is transient', (_case, error) => {
    expect(classifyFailure(error)).toBe('transient');
  });

  const SENDER = 'orders@shop.test';
  const notVerified = (identities: string) =>
    new MessageRejected({
      message: `Email address is not verified. The following identities failed the check in region US-EAST-1: ${identities}`,
      ...meta(400),
    });

  // Account-wide: every email of the window would be refused alike; they wait, never FAILED.
  it.each([
    ['sending paused', new SendingPausedException({ message: 'Sending paused for this account.', ...meta(400) })],
    ['account suspended', new AccountSuspendedException({ message: 'suspended', ...meta(400) })],
    [
      'MAIL FROM domain not verified',
      new MailFromDomainNotVerifiedException({ message: 'not verified', ...meta(400) }),
    ],
    ['the sender not verified', notVerified(SENDER)],
    ["the sender's domain not verified", notVerified('Customer@Example.com, shop.test')],
    ['the daily quota', new TooManyRequestsException({ message: 'Daily message quota exceeded.', ...meta(429) })],
    ['the sending rate', new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', ...meta(429) })],
    ['a limit', new LimitExceededException({ message: 'limit', ...meta(400) })],
  ])('SES refusing for the account (%s) is transient: retried, never recorded as a refusal', (_case, error) => {
    expect(classifyFailure(error, { sender: SENDER })).toBe('transient');
    expect(isPermanentRefusal(error, { sender: SENDER })).toBe(false);
  });

  // Per-recipient: that email will never be sent; recorded FAILED.
  it.each([
    ['MessageRejected (content)', new MessageRejected({ message: 'Illegal header', ...meta(400) })],
    ['an unverified recipient (the sandbox)', notVerified('customer@example.com')],
    ['a bad recipient', new BadRequestException({ message: 'Illegal address', ...meta(400) })],
  ])('SES %s is a permanent refusal', (_case, error) => {
    expect(classifyFailure(error, { sender: SENDER })).toBe('permanent');
    expect(isPermanentRefusal(error, { sender: SENDER })).toBe(true);
  });

  it.each([
    [
      'a DynamoDB ValidationException (a bug)',
      Object.assign(new Error('Invalid UpdateExpression'), {
        name: 'ValidationException',
        $fault: 'client',
        ...meta(400),
      }),
    ],
    ['a TypeError', new TypeError('x is undefined')],
    ['a thrown string', 'boom'],
  ])('%s is a fault: retried, never recorded as a refusal', (_case, error) => {
    expect(classifyFailure(error)).toBe('fault');
    expect(isPermanentRefusal(error)).toBe(false);
  });
});
