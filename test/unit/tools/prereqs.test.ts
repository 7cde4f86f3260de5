// make test's prerequisite check (tools/prereqs.mjs): a missing Chromium is named with how to get it,
// and make test stops before it has run anything.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../../local/paths.js';
import { chromiumPath, missingPrerequisites } from '../../../tools/prereqs.mjs';

const MISSING = '/nonexistent/order-fanout/chromium';

describe('chromiumPath', () => {
  it('is CHROMIUM when set, else chromium or chromium-browser from PATH, else undefined', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prereqs-'));
    const browser = join(dir, 'chromium-browser');
    writeFileSync(browser, '#!/bin/sh\n');
    chmodSync(browser, 0o755);

    expect(chromiumPath({ CHROMIUM: '/opt/chrome/chrome', PATH: dir })).toBe('/opt/chrome/chrome');
    expect(chromiumPath({ PATH: `/nonexistent:${dir}` })).toBe(browser);
    expect(chromiumPath({ PATH: '/nonexistent' })).toBeUndefined();
  });
});

describe('missingPrerequisites', () => {
  it('names a CHROMIUM that is not there, and how to install Chromium', () => {
    const missing = missingPrerequisites({ ...process.env, CHROMIUM: MISSING });

    expect(missing.filter((line) => line.startsWith('Chromium'))).toEqual([
      expect.stringContaining(`CHROMIUM=${MISSING} is not an executable file`),
    ]);
    expect(missing.join('\n')).toContain('apt-get install chromium');
  });
});

describe('make test', () => {
  it('with no Chromium, says so and runs nothing', () => {
    // Not make's own variables of a make test this may run inside (its job server, its level).
    const { MAKEFLAGS: _flags, MAKELEVEL: _level, MFLAGS: _mflags, ...env } = process.env;
    const result = spawnSync('make', ['--no-print-directory', 'test', `CHROMIUM=${MISSING}`], {
      cwd: repoRoot,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });

    expect(result.stderr).toContain('make test needs what is missing here; nothing has run:');
    expect(result.stderr).toContain(`CHROMIUM=${MISSING} is not an executable file`);
    expect(result.status).toBe(2);
    // Neither npm ci, nor the emulator check of make install, nor a lane started.
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toMatch(/make test: |npm |emulator: /);
  });
});
