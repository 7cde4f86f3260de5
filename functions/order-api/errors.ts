// order-api's own errors, beside the shared hierarchy; the HTTP edge maps each to a status.
import { ConflictError } from '../shared/errors.js';

/** The order is stored but could not be announced: 503, and the client retries (with its key). */
export class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
}

/** Another request with the same Idempotency-Key holds the lock: 409. */
export class IdempotencyConflictError extends ConflictError {}
