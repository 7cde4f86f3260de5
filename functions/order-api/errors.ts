// order-api's own errors, beside the shared hierarchy; the HTTP edge maps each to a status.
import { ConflictError } from '../shared/errors.js';

/** Another request with the same Idempotency-Key is being written, or keeps colliding with this one: 409. */
export class IdempotencyConflictError extends ConflictError {}
