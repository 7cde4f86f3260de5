// order-api's errors: what its HTTP edge refuses. The envelope checks (http.ts) and the domain
// throw these; only toProblem (http.ts) turns them into a status, through one table. A raw error
// never reaches a client.

export interface FieldProblem {
  /** A JSON-pointer-like path to the offending field, e.g. "items/0/quantity". */
  field: string;
  message: string;
}

/** A refused request, with the fields that made it so: nothing was written. */
class RequestError extends Error {
  override readonly name: string = 'RequestError';
  constructor(
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
  }
}

/** The request cannot be read: not JSON, or a malformed id. */
export class MalformedRequestError extends RequestError {
  override readonly name = 'MalformedRequestError';
}

/** The body is over the size limit. */
export class PayloadTooLargeError extends RequestError {
  override readonly name = 'PayloadTooLargeError';
}

/** The body is not application/json (UTF-8). */
export class UnsupportedMediaTypeError extends RequestError {
  override readonly name = 'UnsupportedMediaTypeError';
}

/** The request is well formed but breaks a rule (its schema, the catalogue, a reused key). */
export class ValidationError extends RequestError {
  override readonly name = 'ValidationError';
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The request conflicts with another in flight (e.g. the same Idempotency-Key). */
export class ConflictError extends Error {
  override readonly name: string = 'ConflictError';
}

/** Another request with the same Idempotency-Key is being written, or keeps colliding with this one. */
export class IdempotencyConflictError extends ConflictError {
  override readonly name = 'IdempotencyConflictError';
}

/** No usable customer identity: no authorizer claims (API Gateway's authorizer did not run: a deployment error). */
export class UnauthenticatedError extends Error {
  override readonly name = 'UnauthenticatedError';
}

/** The customer has not verified the email on their token: no email goes to an address its owner has not proven. */
export class UnverifiedEmailError extends Error {
  override readonly name = 'UnverifiedEmailError';
}
