// The launcher's version check (emulation/moto/launcher.py): a fake moto package placed first on
// PYTHONPATH stands in for another version; nothing is started, nothing reaches the network.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { motoLauncher } from '../../../../emulation/moto/python.mjs';
import { freePort, startEmulator } from '../../../../emulation/emulator.js';
import { pinnedMoto, pythonCommand, venvPython } from '../../../../emulation/moto/python.mjs';

/** A directory holding a package named moto with this __version__ (and moto.server when asked). */
function fakeMoto(version: string, withServer: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-moto-'));
  mkdirSync(join(dir, 'moto'));
  writeFileSync(join(dir, 'moto', '__init__.py'), `__version__ = ${JSON.stringify(version)}\n`);
  if (withServer) writeFileSync(join(dir, 'moto', 'server.py'), 'def main(argv=None):\n    raise SystemExit(99)\n');
  return dir;
}

function launch(pythonPath: string, args: string[]) {
  return spawnSync(pythonCommand(), [motoLauncher, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', PYTHONPATH: pythonPath },
    timeout: 20_000,
  });
}

describe('launcher.py version check', () => {
  it('reads the pin from emulation/moto/requirements.txt', () => {
    expect(pinnedMoto()).toBe('5.2.1');
  });

  it('refuses another moto before it starts, naming the version it needs and how to get it', () => {
    const result = launch(fakeMoto('5.2.5', true), ['-H', '127.0.0.1', '-p', '1']);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('needs moto 5.2.1 (moto[server]==5.2.1)');
    expect(result.stderr).toContain('has moto 5.2.5');
    expect(result.stderr).toContain('make install');
    expect(result.stderr).toContain('-m pip install -r emulation/moto/requirements.txt');
    expect(result.stderr).toContain('PYTHON=');
  });

  it('refuses the pinned version without its server extra', () => {
    const result = launch(fakeMoto(pinnedMoto(), false), ['--check-version']);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('installed without its server extra');
  });

  it('passes the pinned version with its server extra (--check-version says which Python)', () => {
    const result = launch(fakeMoto(pinnedMoto(), true), ['--check-version']);

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^moto 5\.2\.1 \(/);
  });
});

describe('startEmulator with another moto', () => {
  it("fails at once with the launcher's message, naming the version it needs", async () => {
    const saved = process.env.PYTHONPATH;
    process.env.PYTHONPATH = fakeMoto('5.2.5', true); // the child inherits the environment
    try {
      const attempt = startEmulator({ port: await freePort(), readyTimeoutMs: 20_000 });
      await expect(attempt).rejects.toThrow(/exited with 1:\n.*needs moto 5\.2\.1 .*has moto 5\.2\.5/);
    } finally {
      if (saved === undefined) delete process.env.PYTHONPATH;
      else process.env.PYTHONPATH = saved;
    }
  });
});

describe('pythonCommand', () => {
  it('is PYTHON when set, whatever else exists', () => {
    expect(pythonCommand({ PYTHON: '/opt/py/bin/python3.12' })).toBe('/opt/py/bin/python3.12');
  });

  it('is .venv when it exists and PYTHON is unset or empty, else python3', () => {
    const expected = existsSync(venvPython) ? venvPython : 'python3';
    expect(pythonCommand({})).toBe(expected);
    expect(pythonCommand({ PYTHON: '  ' })).toBe(expected);
  });
});
