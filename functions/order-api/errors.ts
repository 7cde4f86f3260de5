// order-api's own errors, beside the shared hierarchy; the HTTP edge maps each to a status.
import { ConflictError } from '../shared/errors.js';

/** Another request with the same Idempotency-Key is being written, or keeps colliding with this one: 409. */
export class IdempotencyConflictError extends ConflictError {}

/**
 * The request carries no usable customer identity: no authorizer claims (401: API Gateway's
 * authorizer did not run, a deployment error), or an email the customer has not verified (403:
 * no email goes to an address its owner has not proven).
 */
export class CustomerIdentityError extends Error {
  override readonly name = 'CustomerIdentityError';
  constructor(
    message: string,
    readonly status: 401 | 403,
  ) {
    super(message);
  }
}
