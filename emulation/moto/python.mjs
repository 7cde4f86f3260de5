// The Python that runs the emulator, and the moto version it must have (emulation/moto/requirements.txt pins
// it; emulation/moto/launcher.py refuses any other). One rule for every caller: PYTHON when set, else the
// project's .venv when `make install` made one, else python3 from PATH.
// Plain JavaScript with no dependency: `make test` checks its prerequisites with it before npm ci.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '..', '..');
export const motoLauncher = join(import.meta.dirname, 'launcher.py');
export const requirementsFile = join(import.meta.dirname, 'requirements.txt');
/** The project-local virtual environment `make install` creates where no Python has the pinned moto. */
export const venvDir = join(repoRoot, '.venv');
export const venvPython = join(venvDir, 'bin', 'python');

/**
 * The moto version emulation/moto/requirements.txt pins (its `moto[server]==X` line).
 * @returns {string}
 */
export function pinnedMoto(file = requirementsFile) {
  const match = /^\s*moto\[server\]==([^\s#;]+)/m.exec(readFileSync(file, 'utf8'));
  if (match?.[1] === undefined) throw new Error(`${file} pins no moto[server]==<version>`);
  return match[1];
}

/**
 * The interpreter that runs emulation/moto/launcher.py.
 * @param {Record<string, string | undefined>} env
 * @returns {string}
 */
export function pythonCommand(env = process.env) {
  const chosen = env.PYTHON?.trim();
  if (chosen !== undefined && chosen !== '') return chosen;
  return existsSync(venvPython) ? venvPython : 'python3';
}

/**
 * Asks the launcher itself whether `python` has the pinned moto with its server extra (its message when not).
 * @param {string} python
 * @returns {{ ok: boolean, detail: string }}
 */
export function checkMoto(python) {
  const result = spawnSync(python, [motoLauncher, '--check-version'], { encoding: 'utf8' });
  if (result.error !== undefined) return { ok: false, detail: `${python} cannot be run (${result.error.message})` };
  return { ok: result.status === 0, detail: `${result.stdout}${result.stderr}`.trim() };
}
