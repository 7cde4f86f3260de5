// What `make destroy` does, decided from what it finds (destroy.ts gathers the facts and acts):
// nothing when there is no state, or when the emulator make up started for the stack has stopped
// (moto keeps its state in memory only: the stack went with it, and the state lists only what no
// longer exists); a refusal while make up runs the stack, or when an emulator make up did not start
// is gone (it may keep its state, as LocalStack can); otherwise terraform destroy.
import type { EmulatorRecord } from './up-pid.js';

export interface DestroyFacts {
  statePath: string;
  /** The emulator's endpoint make destroy was given (AWS_ENDPOINT_URL). */
  endpoint: string;
  stateExists: boolean;
  /** The pid of a make up running this stack. */
  upPid: number | undefined;
  /** What make up recorded of the emulator it applied this state to. */
  emulator: EmulatorRecord | undefined;
  /** Whether the process of that record's pid is alive. */
  recordedPidAlive: boolean;
  /** Whether an AWS emulator answers at the record's URL (else at the endpoint). */
  answers: boolean;
}

export type DestroyStep =
  | { kind: 'nothing'; message: string; forgetState: boolean }
  | { kind: 'refuse'; message: string }
  | { kind: 'destroy' };

export function destroyStep(facts: DestroyFacts): DestroyStep {
  if (!facts.stateExists)
    return {
      kind: 'nothing',
      message: `Nothing to destroy: no Terraform state at ${facts.statePath}.`,
      forgetState: false,
    };
  if (facts.upPid !== undefined)
    return {
      kind: 'refuse',
      message:
        `make up is running this stack (pid ${facts.upPid}); its runtime would keep polling what the destroy removes. ` +
        'Stop it first (Ctrl-C in its terminal, or make down). If it started the emulator, that stops the emulator too and the stack is gone with it.',
    };
  const { emulator } = facts;
  if (emulator?.startedByUp === true && (!facts.recordedPidAlive || !facts.answers))
    return {
      kind: 'nothing',
      message:
        `Nothing to destroy: the stack lived in the moto_server make up started${emulator.pid === undefined ? '' : ` (pid ${emulator.pid})`}, ` +
        'which stopped with make up, and moto keeps nothing on disk. Removed its Terraform state, which listed only what is gone. make up applies a new stack.',
      forgetState: true,
    };
  if (!facts.answers)
    return {
      kind: 'refuse',
      message:
        `No AWS emulator answers at ${emulator?.url ?? facts.endpoint}, and make up did not start the one that held this stack: ` +
        'start it again to destroy the stack in it (moto keeps no state on disk: if it was moto, the stack is gone, and make up starts afresh).',
    };
  return { kind: 'destroy' };
}
