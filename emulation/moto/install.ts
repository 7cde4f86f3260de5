// `make install`'s emulator step: the pinned moto (emulation/moto/requirements.txt), found or installed.
// - The Python given by PYTHON, or python3 from PATH, that already has exactly that version is used as it is
//   (python3 only while there is no .venv: once made, .venv is what runs moto, and is kept at the pin).
// - Otherwise the project's .venv gets it: created from that Python (`-m venv`), then
//   `pip install -r emulation/moto/requirements.txt`, which needs the Python package index.
// - Otherwise this says what is missing and how to get it, and fails.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { checkMoto, pinnedMoto, requirementsFile, venvDir, venvPython } from './python.mjs';

const fail = (message: string): never => {
  process.stderr.write(`make install: ${message}\n`);
  process.exit(1);
};

const chosen = process.env.PYTHON?.trim() || undefined;
const base = chosen ?? 'python3';
const pinned = pinnedMoto();
const asIs = checkMoto(base);

const inVenv = existsSync(venvPython) ? checkMoto(venvPython) : undefined;

if (asIs.ok && (chosen !== undefined || inVenv === undefined)) {
  process.stderr.write(`emulator: ${asIs.detail}, used as it is\n`);
} else if (inVenv?.ok === true && chosen === undefined) {
  process.stderr.write(`emulator: ${inVenv.detail}\n`);
} else {
  process.stderr.write(`emulator: ${asIs.detail}\nemulator: installing moto ${pinned} into .venv (from ${base})\n`);
  const run = (command: string, args: string[]): boolean =>
    spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] }).status === 0;
  const created = !existsSync(venvPython);
  if (created && !run(base, ['-m', 'venv', venvDir]))
    fail(
      `${base} -m venv .venv failed: install Python's venv module (Debian: apt-get install python3-venv), or give an interpreter with PYTHON=<python>`,
    );
  if (!run(venvPython, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', requirementsFile])) {
    // A .venv without moto would be chosen over python3 next time (emulation/moto/python.mjs): leave none behind.
    if (created) rmSync(venvDir, { recursive: true, force: true });
    fail(
      `pip could not install moto[server]==${pinned} into .venv (is the Python package index reachable?). ` +
        `Install it for any Python 3.9+ yourself (<python> -m pip install -r emulation/moto/requirements.txt) and run make with PYTHON=<python>`,
    );
  }
  const installed = checkMoto(venvPython);
  if (!installed.ok) fail(installed.detail);
  process.stderr.write(`emulator: ${installed.detail}\n`);
  if (chosen !== undefined)
    process.stderr.write(`emulator: PYTHON=${chosen} lacks it: leave PYTHON unset to use .venv\n`);
}
