// What a failure means, for every adapter that talks to a dependency (DynamoDB, SNS, SES, the
// payment provider) and for the SQS consumer that reports it. One classification:
// - transient: throttling, 5xx, timeouts, lost responses and network errors, and our own
//   RetryableErrors. Trying again later can succeed: the record is failed so SQS redelivers it.
// - permanent: the dependency refused this request and will refuse it again (an email SES will
//   never send). The caller records the refusal as an outcome and acknowledges the record.
// - fault: anything else (a bug, a misconfiguration). Retried like a transient failure, so it ends
//   in the DLQ after maxReceiveCount where an operator can fix it and redrive.
// Transient errors are recognised by the AWS SDK's own classification (the one its retry strategy
// uses), so "transient" means here what it means to the SDK.
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';

/** A consumer error that must be retried: the record fails and SQS redelivers it. */
export class RetryableError extends Error {
  override readonly name: string = 'RetryableError';
}

export type FailureKind = 'transient' | 'permanent' | 'fault';

/**
 * Refusals no retry can turn into a success, by error name (names rather than classes, so an
 * error from another copy of the SDK still matches). SESv2 SendEmail: the message or a recipient
 * is refused (MessageRejected; BadRequestException for an address SES cannot parse), the sender's
 * domain is not verified, or sending is off for the account.
 */
const PERMANENT_REFUSALS = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'SendingPausedException',
  'BadRequestException',
]);

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof RetryableError) return 'transient';
  if (!(error instanceof Error)) return 'fault';
  // The SDK's classifiers read $metadata, $retryable, code and cause, all optional: any Error will do.
  const sdkError = error as Parameters<typeof isTransientError>[0];
  if (isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError)) return 'transient';
  if (PERMANENT_REFUSALS.has(error.name)) return 'permanent';
  return 'fault';
}

export const isPermanentRefusal = (error: unknown): boolean => classifyFailure(error) === 'permanent';
