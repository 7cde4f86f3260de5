// Reading DynamoDB's answer to a conditional write. A failed condition is how a service learns
// that an effect already happened (or that stock ran out): an expected outcome, not a fault.
// Names are compared rather than classes, so an error from another copy of the SDK still matches.

/** True when a single conditional write (PutItem/UpdateItem) was refused by its condition. */
function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Awaits a conditional write: true if it was applied, false if its condition refused it. */
export async function appliedUnlessRefused(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** Awaits a conditional UpdateItem with ReturnValues: the item as written, or undefined if its condition refused it. */
export async function updatedUnlessRefused(
  write: Promise<{ Attributes?: Record<string, unknown> }>,
): Promise<Record<string, unknown> | undefined> {
  try {
    const { Attributes } = await write;
    return Attributes ?? {};
  } catch (error) {
    if (isConditionalCheckFailed(error)) return undefined;
    throw error;
  }
}

/**
 * The per-item cancellation codes of a cancelled TransactWriteItems, in the order of its items
 * ('None', 'ConditionalCheckFailed', 'TransactionConflict', …), or undefined for any other error.
 */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
}

/**
 * How a conditional transaction ended: committed, or refused by the conditions of these items
 * (their indexes); `cause` is DynamoDB's cancellation, for a caller to rethrow a refusal it cannot explain.
 */
export type TransactionOutcome = { committed: true } | { committed: false; refused: number[]; cause: unknown };

/**
 * Awaits a conditional transaction (transactWrite): committed, or refused by its conditions.
 * A cancellation for any other reason (TransactionConflict past its retries, throttling…) is thrown.
 */
export async function committedUnlessRefused(transaction: Promise<unknown>): Promise<TransactionOutcome> {
  try {
    await transaction;
    return { committed: true };
  } catch (error) {
    const codes = cancellationCodes(error);
    const refused = (codes ?? []).flatMap((code, index) => (code === 'ConditionalCheckFailed' ? [index] : []));
    if (refused.length === 0 || codes?.includes('TransactionConflict') === true) throw error;
    return { committed: false, refused, cause: error };
  }
}
