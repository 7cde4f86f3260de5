// billing's errors. A `…ConflictError` is what every function calls a write that lost to a
// concurrent one ("changed under us"): transient, so SQS delivers the record again.
import { RetryableError } from '../shared/failures.js';

/** The billing record kept changing under us (concurrent deliveries). */
export class BillingConflictError extends RetryableError {
  override readonly name = 'BillingConflictError';
}

/** The same idempotency key was sent to the payment provider with different parameters (real providers refuse this too). */
export class IdempotencyKeyReusedError extends Error {
  override readonly name = 'IdempotencyKeyReusedError';
}
