import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { type DestroyFacts, destroyStep } from '../../../../local/stack/destroy-step.js';
import { forgetEmulator, recordEmulator, recordedEmulator } from '../../../../local/stack/up-pid.js';

const facts = (over: Partial<DestroyFacts> = {}): DestroyFacts => ({
  statePath: '.local/terraform.tfstate',
  endpoint: 'http://127.0.0.1:4566',
  stateExists: true,
  upPid: undefined,
  emulator: { url: 'http://127.0.0.1:4566', startedByUp: true, pid: 4242 },
  recordedPidAlive: false,
  answers: false,
  ...over,
});

describe('destroyStep', () => {
  it('the default path: make up started moto and has stopped (moto with it): nothing to destroy, the stale state removed', () => {
    const step = destroyStep(facts());
    expect(step).toEqual({
      kind: 'nothing',
      message: expect.stringContaining('Nothing to destroy'),
      forgetState: true,
    });
    expect(step.kind === 'nothing' && step.message).toContain('moto_server make up started (pid 4242)');
  });

  it('another emulator answers on the port, but the moto that held the stack is gone: still nothing to destroy', () => {
    expect(destroyStep(facts({ answers: true, recordedPidAlive: false }))).toMatchObject({
      kind: 'nothing',
      forgetState: true,
    });
  });

  it('make up was killed and left its moto running: that moto holds the stack, so destroy it', () => {
    expect(destroyStep(facts({ answers: true, recordedPidAlive: true }))).toEqual({ kind: 'destroy' });
  });

  it('no state: nothing to destroy, nothing removed', () => {
    expect(destroyStep(facts({ stateExists: false }))).toEqual({
      kind: 'nothing',
      message: 'Nothing to destroy: no Terraform state at .local/terraform.tfstate.',
      forgetState: false,
    });
  });

  it('refuses while make up runs the stack', () => {
    expect(destroyStep(facts({ upPid: 77, answers: true, recordedPidAlive: true }))).toEqual({
      kind: 'refuse',
      message: expect.stringContaining('make up is running this stack (pid 77)'),
    });
  });

  it.each([
    ['an emulator make up found running (reused)', { url: 'http://127.0.0.1:4566', startedByUp: false }],
    ['no record of the emulator (a state from elsewhere)', undefined],
  ])('%s, now gone: refuses, since it may keep its state (LocalStack can)', (_, emulator) => {
    expect(destroyStep(facts({ emulator, answers: false }))).toEqual({
      kind: 'refuse',
      message: expect.stringContaining('No AWS emulator answers at http://127.0.0.1:4566'),
    });
  });

  it('an emulator make up found running, still answering: destroy in it', () => {
    expect(
      destroyStep(facts({ emulator: { url: 'http://127.0.0.1:4566', startedByUp: false }, answers: true })),
    ).toEqual({ kind: 'destroy' });
  });
});

describe("make up's record of its emulator", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('is written, read back and forgotten; an unreadable one reads as none', () => {
    dir = mkdtempSync(join(tmpdir(), 'up-record-'));
    expect(recordedEmulator(dir)).toBeUndefined();
    recordEmulator(dir, { url: 'http://127.0.0.1:4566', startedByUp: true, pid: 12 });
    expect(recordedEmulator(dir)).toEqual({ url: 'http://127.0.0.1:4566', startedByUp: true, pid: 12 });
    forgetEmulator(dir);
    expect(recordedEmulator(dir)).toBeUndefined();
    writeFileSync(join(dir, 'emulator.json'), '{"url": 3}');
    expect(recordedEmulator(dir)).toBeUndefined();
  });
});
