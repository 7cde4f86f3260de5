// make up's pid file, beside the state it applies (.local/up.pid): a second make up, make down and
// make destroy read it to find the make up that runs the stack.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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
