// What a failure means, for every adapter that talks to a dependency (DynamoDB, SNS, SES, the
// payment provider) and for the SQS consumer that reports it. One classification:
// - transient: throttling, 5xx, timeouts, lost responses and network errors, and our own
//   RetryableErrors; and a refusal that concerns the account or the sender rather than this request
//   (SES sending paused, the account suspended, the sender's identity or MAIL FROM domain not
//   verified, the sending rate or daily quota exceeded). Trying again later can succeed, once the
//   account is fixed: the record is failed so SQS redelivers it after the visibility timeout, and
//   after maxReceiveCount it waits in the DLQ for a redrive. It is never recorded as an outcome.
// - permanent: the dependency refused this request and will refuse it again (an email SES will
//   never send to that recipient). The caller records the refusal as an outcome and acknowledges the record.
// - fault: anything else (a bug, a misconfiguration). Retried like a transient failure, so it ends
//   in the DLQ after maxReceiveCount where an operator can fix it and redrive.
// Transient errors are recognised by the AWS SDK's own classification (the one its retry strategy
// uses), so "transient" means here what it means to the SDK.
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';

/**
 * A consumer error that must be retried: the record fails and SQS redelivers it. Those of a write
 * that lost to a concurrent one ("changed under us": a condition or a transaction conflict, past
 * its retry budget) are named for what changed, `<What>ConflictError`, in each function's errors.ts
 * (TransactionConflictError here, for DynamoDB's own TransactionConflict).
 */
export class RetryableError extends Error {
  override readonly name: string = 'RetryableError';
}

export type FailureKind = 'transient' | 'permanent' | 'fault';

/**
 * Refusals no retry can turn into a success, by error name (names rather than classes, so an
 * error from another copy of the SDK still matches). SESv2 SendEmail: the message or a recipient
 * is refused (MessageRejected; BadRequestException for an address SES cannot parse).
 */
const PERMANENT_REFUSALS = new Set(['MessageRejected', 'BadRequestException']);

/**
 * SESv2 SendEmail's refusals that concern the account or the sender, never one email: sending
 * paused or the account suspended (both lifted by AWS after a review), the sender's MAIL FROM
 * domain not verified, and the quotas (TooManyRequestsException for the sending rate or the daily
 * quota, LimitExceededException). Every email of the window would be refused alike: they wait.
 */
const ACCOUNT_REFUSALS = new Set([
  'SendingPausedException',
  'AccountSuspendedException',
  'MailFromDomainNotVerifiedException',
  'TooManyRequestsException',
  'LimitExceededException',
]);

/** What the caller knows of the request that failed: for SES, the sender it sent as. */
export interface FailureContext {
  sender?: string;
}

/**
 * SES answers an unverified identity with MessageRejected, "Email address is not verified. The
 * following identities failed the check in region US-EAST-1: a@x, b@y": the sender's (right after
 * a deploy, before its verification completes) concerns every email, a recipient's (the sandbox) only one.
 */
function senderNotVerified(error: Error, sender: string | undefined): boolean {
  if (sender === undefined || error.name !== 'MessageRejected') return false;
  const listed = /failed the check in region [^:]+:(.*)$/is.exec(error.message)?.[1];
  if (listed === undefined) return false;
  const domain = sender.slice(sender.lastIndexOf('@') + 1).toLowerCase();
  return listed
    .split(',')
    .map((identity) => identity.trim().toLowerCase())
    .some((identity) => identity === sender.toLowerCase() || identity === domain);
}

export function classifyFailure(error: unknown, context: FailureContext = {}): FailureKind {
  if (error instanceof RetryableError) return 'transient';
  if (!(error instanceof Error)) return 'fault';
  // The SDK's classifiers read $metadata, $retryable, code and cause, all optional: any Error will do.
  const sdkError = error as Parameters<typeof isTransientError>[0];
  if (isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError)) return 'transient';
  if (ACCOUNT_REFUSALS.has(error.name) || senderNotVerified(error, context.sender)) return 'transient';
  if (PERMANENT_REFUSALS.has(error.name)) return 'permanent';
  return 'fault';
}

export const isPermanentRefusal = (error: unknown, context: FailureContext = {}): boolean =>
  classifyFailure(error, context) === 'permanent';
