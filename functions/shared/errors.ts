// A small error hierarchy. Domain code throws these; only the edges (the HTTP handler, the SQS
// batch) map them to a status code or a batch failure. A raw error never reaches a client.

export interface FieldProblem {
  /** A JSON-pointer-like path to the offending field, e.g. "items/0/quantity". */
  field: string;
  message: string;
}

/** The request is malformed or breaks a rule: 400/422, nothing was written. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    message: string,
    readonly problems: FieldProblem[] = [],
    readonly status: 400 | 413 | 415 | 422 = 422,
  ) {
    super(message);
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The request conflicts with another in flight (e.g. the same Idempotency-Key): 409. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}
