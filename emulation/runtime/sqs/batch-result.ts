// Which messages of a batch Lambda deletes, given how the invocation ended (pure).
// Rules (AWS "Handling errors for an SQS event source", ReportBatchItemFailures):
//  - the function failed (error, timeout, crash): nothing is deleted, the whole batch comes back;
//  - it succeeded without ReportBatchItemFailures: its response is ignored, everything is deleted;
//  - with ReportBatchItemFailures: null, {} or an empty batchItemFailures list is full success;
//    each listed itemIdentifier stays; a response Lambda cannot read (not an object, batchItemFailures
//    not a list, an entry without a non-empty string itemIdentifier, or an id not in the batch)
//    fails the whole batch.
import type { InvokeOutcome } from '../invoke/contract.js';

export type BatchVerdict = 'success' | 'partial' | 'failed' | 'malformed-response';

export interface DeletionDecision {
  verdict: BatchVerdict;
  /** messageIds to delete, in batch order. */
  delete: string[];
  /** messageIds left on the queue (they return after the visibility timeout), in batch order. */
  retry: string[];
  reason: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The identifiers a ReportBatchItemFailures response lists, or a reason it is unreadable. */
export function parseBatchItemFailures(
  response: unknown,
  batch: ReadonlySet<string>,
): { ok: true; ids: Set<string> } | { ok: false; reason: string } {
  if (response === null || response === undefined) return { ok: true, ids: new Set() };
  if (!isRecord(response))
    return {
      ok: false,
      reason: `response is a ${Array.isArray(response) ? 'list' : typeof response}, not {batchItemFailures: [...]}`,
    };
  const failures = response.batchItemFailures;
  if (failures === undefined || failures === null) {
    return Object.keys(response).length === 0
      ? { ok: true, ids: new Set() }
      : { ok: false, reason: 'response has no batchItemFailures' };
  }
  if (!Array.isArray(failures)) return { ok: false, reason: 'batchItemFailures is not a list' };
  const ids = new Set<string>();
  for (const failure of failures) {
    const id = isRecord(failure) ? failure.itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '')
      return { ok: false, reason: 'a batchItemFailures entry has no itemIdentifier' };
    if (!batch.has(id)) return { ok: false, reason: `itemIdentifier ${id} is not in the batch` };
    ids.add(id);
  }
  return { ok: true, ids };
}

export function decideDeletions(
  messageIds: readonly string[],
  outcome: InvokeOutcome,
  reportBatchItemFailures: boolean,
): DeletionDecision {
  const all = [...messageIds];
  if (!outcome.ok) return { verdict: 'failed', delete: [], retry: all, reason: `${outcome.kind}: ${outcome.message}` };
  if (!reportBatchItemFailures) return { verdict: 'success', delete: all, retry: [], reason: 'function succeeded' };
  const parsed = parseBatchItemFailures(outcome.value, new Set(all));
  if (!parsed.ok) return { verdict: 'malformed-response', delete: [], retry: all, reason: parsed.reason };
  if (parsed.ids.size === 0) return { verdict: 'success', delete: all, retry: [], reason: 'no batch item failures' };
  return {
    verdict: 'partial',
    delete: all.filter((id) => !parsed.ids.has(id)),
    retry: all.filter((id) => parsed.ids.has(id)),
    reason: `${parsed.ids.size} batch item failure(s)`,
  };
}
