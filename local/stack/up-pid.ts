// make up's files beside the state it applies (.local/): its pid (up.pid), which a second make up,
// make down and make destroy read to find the make up that runs the stack; and the emulator it
// applied the stack to (emulator.json), which make destroy reads once make up has stopped.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const upPidFile = (stateDir: string): string => join(stateDir, 'up.pid');

/** Whether a process with this pid exists (signal 0 asks without signalling it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid of the make up running on stateDir's stack, or undefined (no file, or a stale one from a run that did not clean up). */
export function runningUp(stateDir: string): number | undefined {
  const file = upPidFile(stateDir);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8'));
  return isAlive(pid) ? pid : undefined;
}

/** The emulator that holds the stack of stateDir's state, as make up found or started it. */
const EmulatorRecord = z.object({
  url: z.string(),
  /** make up started it (and stops it when it stops); false: it was already running and is left alone. */
  startedByUp: z.boolean(),
  pid: z.number().optional(),
});
export type EmulatorRecord = z.infer<typeof EmulatorRecord>;

const emulatorFile = (stateDir: string): string => join(stateDir, 'emulator.json');

/** make up writes it once its stack is applied; forgetEmulator removes it before a new apply. */
export function recordEmulator(stateDir: string, record: EmulatorRecord): void {
  writeFileSync(emulatorFile(stateDir), `${JSON.stringify(record)}\n`);
}

export function forgetEmulator(stateDir: string): void {
  rmSync(emulatorFile(stateDir), { force: true });
}

/** The record beside the state, or undefined (none, or unreadable: then nothing is assumed). */
export function recordedEmulator(stateDir: string): EmulatorRecord | undefined {
  try {
    return EmulatorRecord.parse(JSON.parse(readFileSync(emulatorFile(stateDir), 'utf8')));
  } catch {
    return undefined;
  }
}
