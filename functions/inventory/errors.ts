// inventory's errors. A `…ConflictError` is what every function calls a write that lost to a
// concurrent one ("changed under us"): transient, so SQS delivers the record again.
import { RetryableError } from '../shared/failures.js';

/** Stock changed between the refused transaction and the read of it (a restock). */
export class StockConflictError extends RetryableError {
  override readonly name = 'StockConflictError';
}

/** The reservation kept changing under us (concurrent deliveries). */
export class ReservationConflictError extends RetryableError {
  override readonly name = 'ReservationConflictError';
}
