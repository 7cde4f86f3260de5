// The code a function runs locally: the zip in dist/ whose SHA-256 matches what the emulator holds,
// extracted once to a private temporary directory.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

export class CodeMismatchError extends Error {
  override name = 'CodeMismatchError';
}

/** Base64 SHA-256 of a file: the form of Lambda's CodeSha256. */
export async function codeSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('base64');
}

/** Throws CodeMismatchError unless the zip exists and hashes to the deployed CodeSha256. */
export async function verifyCode(functionName: string, zipFile: string, deployedSha256: string): Promise<void> {
  let actual: string;
  try {
    actual = await codeSha256(zipFile);
  } catch {
    throw new CodeMismatchError(
      `${functionName}: ${zipFile} is missing; build the functions (make build) and apply again`,
    );
  }
  if (actual !== deployedSha256) {
    throw new CodeMismatchError(
      `${functionName}: ${zipFile} (sha256 ${actual}) is not the code deployed to the emulator (CodeSha256 ${deployedSha256}); ` +
        'refusing to run it: rebuild and re-apply so both agree (make up does both; beside it, make watch redeploys what changed)',
    );
  }
}

/** Extracts a zip into a new temporary directory and returns it. Entries escaping the directory are refused. */
export async function extractZip(zipFile: string, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    const zip = await yauzl.openPromise(zipFile, { lazyEntries: true, strictFileNames: true });
    try {
      await new Promise<void>((resolve, reject) => {
        zip.on('error', reject);
        zip.on('end', resolve);
        zip.on('entry', (entry: yauzl.Entry) => {
          const relative = normalize(entry.fileName);
          if (isAbsolute(relative) || relative.split(sep).includes('..')) {
            reject(new Error(`${zipFile}: entry ${entry.fileName} would escape the extraction directory`));
            return;
          }
          const target = join(dir, relative);
          if (entry.fileName.endsWith('/')) {
            mkdir(target, { recursive: true }).then(() => zip.readEntry(), reject);
            return;
          }
          mkdir(dirname(target), { recursive: true })
            .then(() => zip.openReadStreamPromise(entry))
            .then((stream) => pipeline(stream, createWriteStream(target)))
            .then(() => zip.readEntry(), reject);
        });
        zip.readEntry();
      });
    } finally {
      zip.close();
    }
    return dir;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Resolves a Lambda Handler setting ("handler.handler", "src/app.main") inside the code directory:
 * the module is looked up with the extensions the Node.js runtime tries (.js, .mjs, .cjs).
 */
export async function resolveHandler(
  codeDir: string,
  handler: string,
): Promise<{ moduleFile: string; exportName: string }> {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) throw new Error(`Handler "${handler}" is not of the form module.export`);
  const modulePath = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  for (const extension of ['.js', '.mjs', '.cjs']) {
    const moduleFile = join(codeDir, `${modulePath}${extension}`);
    try {
      await access(moduleFile);
      return { moduleFile, exportName };
    } catch {
      // try the next extension
    }
  }
  throw new Error(`Handler "${handler}": no ${modulePath}.js, .mjs or .cjs in the function's code`);
}
