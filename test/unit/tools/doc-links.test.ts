import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { checkDoc, docFiles, helpVerbs, makeVerbs } from '../../../tools/doc-links.js';

const verbs = new Set(['up', 'demo', 'token', 'test', 'help']);
const files = new Set(['docs/operating.md', 'bench/README.md', 'local', 'docs/img/chart.svg']);
const exists = (path: string): boolean => files.has(path);

describe('makeVerbs', () => {
  it.each([
    ['make up', ['up']],
    ['TOKEN=$(make token)', ['token']],
    ['make token CUSTOMER=alice EMAIL=a@example.com', ['token']],
    ['make -j3 test', ['test']],
    ['make -C other up', ['up']],
    ['make up && make demo', ['up', 'demo']],
    ['DEMO_LANG=ja make demo', ['demo']],
    ['make up # then, in another terminal', ['up']],
    ['npx tsx local/stack/make-thing.ts', []],
    ['remake up', []],
  ])('%s → %j', (code, expected) => {
    expect(makeVerbs(code)).toEqual(expected);
  });
});

describe('checkDoc', () => {
  it('accepts links that resolve (relative to the file, with anchors) and verbs make help lists', () => {
    const markdown = [
      'See [operating](operating.md#dlq), [the bench](../bench/README.md) and [local/](../local).',
      '![chart](img/chart.svg) and [AWS](https://aws.amazon.com/sns/) and [top](#top).',
      '',
      '```sh',
      'make up',
      'TOKEN=$(make token)',
      '```',
      '',
      'Then `make demo`; make sure nothing else runs (prose is not code).',
    ].join('\n');
    expect(checkDoc('docs/start.md', markdown, verbs, exists)).toEqual([]);
  });

  it('reports a link to nothing, in prose, a list and a table', () => {
    const markdown = [
      '[gone](docs/gone.md)',
      '',
      '- [also gone](missing/)',
      '',
      '| a | b |',
      '|---|---|',
      '| [cell](nowhere.md) | x |',
    ].join('\n');
    expect(checkDoc('README.md', markdown, verbs, exists)).toEqual([
      { file: 'README.md', message: 'link docs/gone.md: docs/gone.md does not exist' },
      { file: 'README.md', message: 'link missing/: missing does not exist' },
      { file: 'README.md', message: 'link nowhere.md: nowhere.md does not exist' },
    ]);
  });

  it('reports a verb make help does not list, in inline code and in a code block, once each', () => {
    const markdown = ['Run `make demos`.', '', '```', 'make deploy', 'make deploy', '```'].join('\n');
    expect(checkDoc('README.md', markdown, verbs, exists).map((f) => f.message)).toEqual([
      'make demos: not a verb of make help',
      'make deploy: not a verb of make help',
    ]);
  });

  it('does not read a link inside code', () => {
    expect(checkDoc('README.md', '`[x](nowhere.md)`', verbs, exists)).toEqual([]);
  });
});

it('helpVerbs reads make help', () => {
  const help = '  make help            List every verb\n  make test-e2e        End-to-end tests\n';
  expect([...helpVerbs(help)]).toEqual(['help', 'test-e2e']);
});

describe('docFiles', () => {
  it("the READMEs, docs/**/*.md and the parts' READMEs (bench, infra, every one under emulation/), those that exist", () => {
    const root = mkdtempSync(join(tmpdir(), 'doc-files-'));
    try {
      for (const file of [
        'README.md',
        'README.ja.md',
        'docs/operating.md',
        'docs/guides/aws.md',
        'docs/notes.txt',
        'bench/README.md',
        'emulation/README.md',
        'emulation/runtime/README.md',
        'emulation/runtime/notes.md',
        'local/README.md',
      ]) {
        mkdirSync(join(root, dirname(file)), { recursive: true });
        writeFileSync(join(root, file), '# x\n');
      }
      expect(docFiles(root)).toEqual([
        'README.md',
        'README.ja.md',
        'bench/README.md',
        'docs/guides/aws.md',
        'docs/operating.md',
        'emulation/README.md',
        'emulation/runtime/README.md',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
