// The launcher's bounds on what moto keeps for ever (emulation/moto/fixes/): each fix applied to moto's
// own backends in a Python process of its own (fixes_check.py), with no server and no network.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pythonCommand } from '../../../../emulation/moto/python.mjs';

function check(fix: string): Record<string, unknown> {
  const result = spawnSync(pythonCommand(), [join(import.meta.dirname, 'fixes_check.py'), fix], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`fixes_check.py ${fix}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('emulation/moto/fixes', () => {
  it('core/instances_not_kept: an overwritten item version is freed, not kept by its class', () => {
    // Plain moto keeps every version ever written (its class's instances_tracked list): 100 alive after
    // 100 writes of one item. With the fix, after 100 more in a second table, only the version each
    // table holds is alive.
    expect(check('instances')).toEqual({ without: 100, withFix: 2, tracked: 'WeakSet' });
  });

  it('sqs/deleted_receipts: a deleted handle is remembered for the visibility timeout, then forgotten', () => {
    expect(check('sqs')).toEqual({
      early: [true, true, 3], // handles deleted at 0 s and 10 s, timeout 30 s: all held at 10 s
      late: [false, true, 1], // at 35 s only the one deleted at 10 s is held
      deleteAgain: null, // deleting the same message again within the timeout succeeds, as on AWS
      unknownHandle: 'ReceiptHandleIsInvalid',
      kind: 'ExpiringHandles',
    });
  });

  it('sns/sent_notifications: a topic keeps its latest published messages only', () => {
    expect(check('sns')).toEqual({ kept: ['m2', 'm3', 'm4'] }); // MOTO_SNS_KEPT_NOTIFICATIONS=3, five published
  });

  it('ses/sent_messages: the latest emails are kept, the send count is not touched', () => {
    expect(check('ses')).toEqual({ kept: ['subject 2', 'subject 3'], count: 4 }); // MOTO_SES_KEPT_EMAILS=2
  });

  it('dynamodbstreams/iterator_expiry: an iterator expires 15 minutes after it was handed out', () => {
    expect(check('iterators')).toEqual({
      records: 1,
      heldAt10: 3, // two handed out at 0 min (one by GetRecords), one at 10 min
      expired: 'ExpiredIteratorException', // the 0-min iterator read at 16 min
      fresh: 1, // the 10-min one still reads
      heldAt16: 2, // the 10-min one and the one its read handed out
    });
  });

  it('dynamodb/ttl_expiry: an item whose TTL (a Number, epoch seconds) has passed is deleted, with its REMOVE record', () => {
    expect(check('ttl')).toEqual({
      deleted: 2, // "expired" and "due now"
      // Kept: not yet due, more than five years past (AWS ignores those), not a Number, no TTL attribute,
      // one renewed between the sweep's scan and its delete, and one written after TTL was turned off.
      kept: ['a string', 'expired, ttl off', 'later', 'no ttl', 'renewed', 'six years ago'],
      removes: ['REMOVE', 'REMOVE'],
      sweptWhenOff: 0,
    });
  });

  it('dynamodbstreams/retention: records past the retention are trimmed, sequence numbers kept', () => {
    expect(check('retention')).toEqual({
      kept: 1, // 70 records older than MOTO_STREAM_RETENTION_SECONDS=60 trimmed when the 71st came
      moved: 70, // the trim horizon moved by as many
      newSequence: 70, // the new record's sequence number follows the trimmed ones
      trimmedRead: 'TrimmedDataAccessException', // an iterator at a trimmed position
    });
  });
});
