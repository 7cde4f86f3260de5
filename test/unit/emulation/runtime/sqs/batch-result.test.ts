import { describe, expect, it } from '@jest/globals';
import { decideDeletions } from '../../../../../emulation/runtime/sqs/batch-result.js';
import type { InvokeOutcome } from '../../../../../emulation/runtime/invoke/contract.js';

const ids = ['a', 'b', 'c'];
const ok = (value: unknown): InvokeOutcome => ({ ok: true, value });
const failures = (...itemIdentifiers: unknown[]) => ({
  batchItemFailures: itemIdentifiers.map((itemIdentifier) => ({ itemIdentifier })),
});

describe('decideDeletions: what Lambda deletes after an invocation', () => {
  describe.each([
    // [case, outcome, reportBatchItemFailures, deleted, verdict]
    ['success, ReportBatchItemFailures off', ok(undefined), false, ['a', 'b', 'c'], 'success'],
    ['success with a null response', ok(null), true, ['a', 'b', 'c'], 'success'],
    ['success with {}', ok({}), true, ['a', 'b', 'c'], 'success'],
    ['success with an empty failure list', ok({ batchItemFailures: [] }), true, ['a', 'b', 'c'], 'success'],
    ['function error', { ok: false, kind: 'error', message: 'boom' } as InvokeOutcome, true, [], 'failed'],
    [
      'function error without ReportBatchItemFailures',
      { ok: false, kind: 'error', message: 'boom' } as InvokeOutcome,
      false,
      [],
      'failed',
    ],
    ['timeout', { ok: false, kind: 'timeout', message: 'Task timed out' } as InvokeOutcome, true, [], 'failed'],
    ['worker crash', { ok: false, kind: 'crash', message: 'exited' } as InvokeOutcome, true, [], 'failed'],
    ['partial failure', ok(failures('b')), true, ['a', 'c'], 'partial'],
    ['partial failure listing an id twice', ok(failures('b', 'b')), true, ['a', 'c'], 'partial'],
    ['every record failed', ok(failures('a', 'b', 'c')), true, [], 'partial'],
    ['a failure list without ReportBatchItemFailures is ignored', ok(failures('b')), false, ['a', 'b', 'c'], 'success'],
    [
      'a malformed response without ReportBatchItemFailures is ignored',
      ok('nonsense'),
      false,
      ['a', 'b', 'c'],
      'success',
    ],
    ['an identifier not in the batch', ok(failures('zzz')), true, [], 'malformed-response'],
    ['an empty identifier', ok(failures('')), true, [], 'malformed-response'],
    ['a null identifier', ok(failures(null)), true, [], 'malformed-response'],
    ['an entry with a wrong key', ok({ batchItemFailures: [{ itemId: 'b' }] }), true, [], 'malformed-response'],
    ['batchItemFailures not a list', ok({ batchItemFailures: 'b' }), true, [], 'malformed-response'],
    ['a string response', ok('ok'), true, [], 'malformed-response'],
    ['a list response', ok(['b']), true, [], 'malformed-response'],
    ['an object without batchItemFailures', ok({ failed: ['b'] }), true, [], 'malformed-response'],
  ] as const)('%s', (_case, outcome, reportBatchItemFailures, deleted, verdict) => {
    it(`deletes ${deleted.length === 0 ? 'nothing' : deleted.join(', ')} and keeps the rest`, () => {
      const decision = decideDeletions(ids, outcome, reportBatchItemFailures);

      expect(decision.verdict).toBe(verdict);
      expect(decision.delete).toEqual(deleted);
      expect(decision.retry).toEqual(ids.filter((id) => !(deleted as readonly string[]).includes(id)));
    });
  });
});
