import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yazl from 'yazl';
import {
  codeSha256,
  CodeMismatchError,
  extractZip,
  resolveHandler,
  verifyCode,
} from '../../../../../emulation/runtime/invoke/code.js';

let dir: string;

async function zipOf(files: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files))
    zip.addBuffer(Buffer.from(content), name, { mtime: new Date(0) });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'code-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('code integrity', () => {
  it("hashes a zip the way Lambda's CodeSha256 does (base64 SHA-256)", async () => {
    const zip = await zipOf({ 'handler.mjs': 'export const handler = async () => 1;' });
    const file = join(dir, 'fn.zip');
    writeFileSync(file, zip);

    expect(await codeSha256(file)).toBe(createHash('sha256').update(zip).digest('base64'));
    await expect(verifyCode('fn', file, createHash('sha256').update(zip).digest('base64'))).resolves.toBeUndefined();
  });

  it('refuses a zip that differs from the deployed code, naming both hashes', async () => {
    expect.assertions(2);
    const file = join(dir, 'stale.zip');
    writeFileSync(file, await zipOf({ 'handler.mjs': 'export const handler = async () => 2;' }));
    try {
      await verifyCode('stale', file, 'deployedHash=');
    } catch (error) {
      expect(error).toBeInstanceOf(CodeMismatchError);
      expect((error as Error).message).toMatch(
        /stale: .*stale\.zip \(sha256 .*\) is not the code deployed to the emulator \(CodeSha256 deployedHash=\)/,
      );
    }
  });

  it('refuses a missing zip', async () => {
    await expect(verifyCode('ghost', join(dir, 'ghost.zip'), 'x')).rejects.toThrow(/ghost: .*ghost\.zip is missing/);
  });
});

describe('extractZip and resolveHandler', () => {
  it('extracts every entry and finds the handler module by the extensions Node.js Lambda tries', async () => {
    const file = join(dir, 'app.zip');
    writeFileSync(
      file,
      await zipOf({ 'handler.mjs': 'export const handler = 1;', 'lib/util.mjs': 'export const x = 1;' }),
    );

    const out = await extractZip(file, 'code-test-x-');
    try {
      expect(readFileSync(join(out, 'lib/util.mjs'), 'utf8')).toBe('export const x = 1;');
      await expect(resolveHandler(out, 'handler.handler')).resolves.toEqual({
        moduleFile: join(out, 'handler.mjs'),
        exportName: 'handler',
      });
      await expect(resolveHandler(out, 'lib/util.x')).resolves.toEqual({
        moduleFile: join(out, 'lib/util.mjs'),
        exportName: 'x',
      });
      await expect(resolveHandler(out, 'missing.handler')).rejects.toThrow(/no missing\.js, \.mjs or \.cjs/);
      await expect(resolveHandler(out, 'nodot')).rejects.toThrow(/not of the form module\.export/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
