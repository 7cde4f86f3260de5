// emulation/ imports nothing of the project: biome.jsonc's override for emulation/** restricts imports
// of functions/, local/, bench/, tools/, infra/, test/ and build.mjs (Biome's noRestrictedImports), so
// `make lint` (biome ci) fails on one. Proven on planted files in a temporary folder holding a copy
// of biome.jsonc, and on the real emulation/ folder. A require() made with createRequire is not seen.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const biome = join(repoRoot, 'node_modules', '.bin', 'biome');

/** Biome's lint of `dir` (its biome.jsonc) as it reports it: the files with a restricted import, and the exit status. */
function lint(dir: string, paths: string[]): { restricted: string[]; status: number | null; output: string } {
  const result = spawnSync(biome, ['lint', '--colors=off', '--vcs-enabled=false', '--max-diagnostics=100', ...paths], {
    cwd: dir,
    encoding: 'utf8',
  });
  const output = `${result.stdout}${result.stderr}`;
  const restricted = [...output.matchAll(/^(\S+):\d+:\d+ lint\/style\/noRestrictedImports/gm)].map((m) => m[1] ?? '');
  return { restricted: restricted.sort(), status: result.status, output };
}

/** The lint of a temporary folder holding biome.jsonc and these files (path → source), removed after. */
function lintPlanted(files: Record<string, string>): ReturnType<typeof lint> {
  const dir = mkdtempSync(join(tmpdir(), 'emulation-boundary-'));
  try {
    cpSync(join(repoRoot, 'biome.jsonc'), join(dir, 'biome.jsonc'));
    for (const [path, source] of Object.entries(files)) {
      mkdirSync(join(dir, dirname(path)), { recursive: true });
      writeFileSync(join(dir, path), source);
    }
    return lint(dir, ['.']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const use = (specifier: string) => `import { thing } from '${specifier}';\n\nexport const used = thing;\n`;

describe('the emulation kit imports nothing of the project', () => {
  it('fails on an import of each project folder planted in emulation/, at any depth and in any form', () => {
    const { restricted, status, output } = lintPlanted({
      'emulation/runtime/of-functions.ts': use('../../functions/shared/config.js'),
      'emulation/runtime/of-local.ts': use('../../local/console/server.js'),
      'emulation/runtime/api/of-bench.ts': use('../../../bench/run.js'),
      'emulation/of-tools.ts': use('../tools/plan.js'),
      'emulation/iam/of-infra.ts': use('../../infra/grants.js'),
      'emulation/moto/of-test.mjs': use('../../test/fixtures/plans.js'),
      'emulation/of-build.ts': use('../build.mjs'),
      'emulation/runtime/type-only.ts':
        "import type { Thing } from '../../local/thing.js';\n\nexport type Used = Thing;\n",
      'emulation/runtime/re-export.ts': "export * from '../../tools/x.js';\n",
      'emulation/runtime/dynamic.ts': "export const loaded = await import('../../functions/x.js');\n",
    });

    expect(restricted).toEqual([
      'emulation/iam/of-infra.ts',
      'emulation/moto/of-test.mjs',
      'emulation/of-build.ts',
      'emulation/of-tools.ts',
      'emulation/runtime/api/of-bench.ts',
      'emulation/runtime/dynamic.ts',
      'emulation/runtime/of-functions.ts',
      'emulation/runtime/of-local.ts',
      'emulation/runtime/re-export.ts',
      'emulation/runtime/type-only.ts',
    ]);
    expect({ status, output }).toEqual({ status: 1, output: expect.any(String) });
  });

  it('lets emulation/ import itself, Node and packages, and lets the project import emulation/', () => {
    const { restricted, status, output } = lintPlanted({
      'emulation/runtime/own.ts': use('./invoke/contract.js'),
      'emulation/runtime/sibling.ts': use('../moto/python.mjs'),
      'emulation/runtime/node.ts': use('node:fs'),
      'emulation/runtime/package.ts': use('@aws-sdk/client-sqs'),
      'local/stack/user.ts': use('../../emulation/runtime/index.js'),
      'test/unit/user.ts': use('../../emulation/emulator.js'),
    });

    expect(restricted).toEqual([]);
    expect({ status, output }).toEqual({ status: 0, output: expect.any(String) });
  });

  it('passes on the real emulation/ folder', () => {
    const { restricted, status, output } = lint(repoRoot, ['emulation']);

    expect(restricted).toEqual([]);
    expect({ status, output }).toEqual({ status: 0, output: expect.any(String) });
  });
});
