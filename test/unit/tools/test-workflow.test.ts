// The test workflow's promises, read from the file (actionlint, in `make lint`, checks its syntax).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { repoRoot } from '../../../local/paths.js';

const workflow = readFileSync(join(repoRoot, '.github', 'workflows', 'test.yml'), 'utf8');
const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } };

describe('.github/workflows/test.yml', () => {
  it('runs on pull requests and on pushes to main, never pull_request_target', () => {
    expect(workflow).toMatch(/\non:\n {2}pull_request:\n {2}push:\n {4}branches: \[main\]\n/);
    expect(workflow).not.toContain('pull_request_target');
  });

  it('reads the code and asks for nothing else', () => {
    expect(workflow).toMatch(/\npermissions:\n {2}contents: read\n\n/);
    expect(workflow).not.toMatch(/id-token|secrets\./);
  });

  it('runs make install, then make test, on the Node major that package.json asks for', () => {
    const runs = [...workflow.matchAll(/\n {8}run: (make \S+)/g)].map((m) => m[1]);
    expect(runs).toEqual(['make install', 'make test']);
    expect(packageJson.engines.node).toBe('>=22');
    expect(workflow).toMatch(/node-version: 22\n/);
  });

  it('hands make test a Chromium through CHROMIUM', () => {
    expect(workflow).toContain('echo "CHROMIUM=$browser" >> "$GITHUB_ENV"');
  });

  it('pins every action to a commit', () => {
    const uses = [...workflow.matchAll(/uses: (\S+)/g)].map((m) => m[1]);
    expect(uses.length).toBe(3);
    for (const ref of uses) expect(ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
  });
});
