// order-status's errors, both transient: SQS delivers the record again. A `…ConflictError` is what
// every function calls a write that lost to a concurrent one ("changed under us").
import { RetryableError } from '../shared/failures.js';

/** The event's order is not (yet) in the table. */
export class OrderNotFoundError extends RetryableError {
  override readonly name = 'OrderNotFoundError';
}

/** The order kept changing under us: the event lost the race APPLY_ATTEMPTS times. */
export class OrderConflictError extends RetryableError {
  override readonly name = 'OrderConflictError';
}
