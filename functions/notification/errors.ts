// notification's errors. A `…ConflictError` is what every function calls a write that lost to a
// concurrent one ("changed under us"): transient, so SQS delivers the record again.
import { RetryableError } from '../shared/failures.js';

/** Another delivery holds the notification's claim and may be sending it now. */
export class NotificationConflictError extends RetryableError {
  override readonly name = 'NotificationConflictError';
}
