// The Python that runs the emulator, and the moto version it must have (local/requirements.txt pins
// it; local/moto_server.py refuses any other). One rule for every caller: PYTHON when set, else the
// project's .venv when `make install` made one, else python3 from PATH.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { motoLauncher, repoRoot } from './paths.js';

export const requirementsFile = join(repoRoot, 'local', 'requirements.txt');
/** The project-local virtual environment `make install` creates where no Python has the pinned moto. */
export const venvDir = join(repoRoot, '.venv');
export const venvPython = join(venvDir, 'bin', 'python');

/** The moto version local/requirements.txt pins (its `moto[server]==X` line). */
export function pinnedMoto(file = requirementsFile): string {
  const match = /^\s*moto\[server\]==([^\s#;]+)/m.exec(readFileSync(file, 'utf8'));
  if (match?.[1] === undefined) throw new Error(`${file} pins no moto[server]==<version>`);
  return match[1];
}

/** The interpreter that runs local/moto_server.py. */
export function pythonCommand(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.PYTHON?.trim();
  if (chosen !== undefined && chosen !== '') return chosen;
  return existsSync(venvPython) ? venvPython : 'python3';
}

export type MotoCheck = { ok: true; detail: string } | { ok: false; detail: string };

/** Asks the launcher itself whether `python` has the pinned moto with its server extra (its message when not). */
export function checkMoto(python: string): MotoCheck {
  const result = spawnSync(python, [motoLauncher, '--check-version'], { encoding: 'utf8' });
  if (result.error !== undefined) return { ok: false, detail: `${python} cannot be run (${result.error.message})` };
  const said = `${result.stdout}${result.stderr}`.trim();
  return result.status === 0 ? { ok: true, detail: said } : { ok: false, detail: said };
}
