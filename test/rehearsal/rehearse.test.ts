// make rehearse as a test (make test's rehearsal lane): infra/envs/aws applied to an emulator of its
// own through tflocal-style overrides, run by the local runtime and smoke-tested, then stopped
// (local/stack/rehearsal.ts). A jest project of its own: it needs none of the e2e project's shared stack.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rehearse } from '../../local/stack/rehearsal.js';

it('infra/envs/aws, rehearsed on the emulator: a keyed order confirmed and replayed, 404 for another customer, poison in the DLQ, its alarm notifying the alerts topic', async () => {
  const workDir = mkdtempSync(join(tmpdir(), 'order-fanout-rehearsal-'));
  try {
    const { checks, timings } = await rehearse({
      workDir,
      step: (message) => process.stderr.write(`[rehearsal] ${message}\n`),
    });
    process.stderr.write(`[rehearsal] phases (ms): ${JSON.stringify(timings)}\n`);

    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual([
      'every name carries the prefix',
      'the app client allows SRP sign-in only, as on AWS',
      "the customers' addresses are verified SES identities (the account is in the sandbox)",
      'a signed-in customer places a keyed order (Idempotency-Key): 202',
      'the order becomes CONFIRMED (stock reserved, payment captured)',
      'the replay answers the same order and creates nothing',
      'its customer reads it',
      'the customer was emailed (received, confirmed), through the sandbox',
      "another customer's GET answers 404",
      'a poison message reaches the DLQ after maxReceiveCount receives',
      "the DLQ's alarm exists and notifies the alerts topic (the emulator does not evaluate alarms)",
      'the operator role exists with its policy (make status, make dlq, make dlq-redrive)',
      'make status reads the rehearsed stack from its state: prefixed names, the DLQ holding the poison',
    ]);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}, 600_000);
