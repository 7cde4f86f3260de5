// Builds one minified ESM bundle and one deterministic zip per function:
//   functions/<name>/handler.ts  →  dist/<name>/handler.mjs  →  dist/<name>.zip
// Same sources give the same zip bytes, so the same CodeSha256, so Terraform sees no change.
// Usage: node build.mjs [name ...]   (no names: every function)
import { createHash } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as esbuild from 'esbuild';
import yazl from 'yazl';

const root = import.meta.dirname;
const dist = join(root, 'dist');

// A fixed timestamp in local time: the zip stores local DOS time, so this is the same bytes in every time zone.
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

export const functionNames = () =>
  readdirSync(join(root, 'functions'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, 'functions', d.name, 'handler.ts')))
    .map((d) => d.name)
    .sort();

/** The esbuild settings every function bundle uses (the benchmark builds its floor bundles with them too). */
export const bundleOptions = {
  bundle: true,
  platform: 'node',
  // The oldest Node that runs these bundles: the local runtime's Node 20 (Lambda runs nodejs22.x).
  target: 'node20',
  format: 'esm',
  minify: true,
  treeShaking: true,
  legalComments: 'none',
  // The SDK is CommonJS inside: give the ESM bundle a `require` for its node: built-ins.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  // Prefer ESM entry points of dependencies: they tree-shake better.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
};

async function writeZipOf(bundle, zipPath) {
  const zip = new yazl.ZipFile();
  zip.addBuffer(bundle, 'handler.mjs', { mtime: FIXED_MTIME, mode: 0o100644, forceDosTimestamp: true });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipPath));
}

export async function writeZip(file, zipPath) {
  await writeZipOf(readFileSync(file), zipPath);
}

/**
 * Writes beside the file and renames it into place: builds that run side by side (make test's two
 * e2e stacks, make plan's beside them) and the Terraform plans and runtimes reading dist/ meanwhile
 * never see a file half written. Both builds write the same bytes.
 */
async function writeInPlace(path, write) {
  const partial = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  await write(partial);
  renameSync(partial, path);
}

/** Bundles functions/<name> into <outDir>/<name>.zip (default dist/; make rehearse builds into a directory of its own). */
export async function buildFunction(name, outDir = dist) {
  const outfile = join(outDir, name, 'handler.mjs');
  // In memory (write: false), then written in place: another build may be writing the same outfile.
  const { outputFiles } = await esbuild.build({
    ...bundleOptions,
    entryPoints: [join(root, 'functions', name, 'handler.ts')],
    outfile,
    write: false,
  });
  const bundle = Buffer.from(outputFiles[0].contents);
  mkdirSync(dirname(outfile), { recursive: true });
  await writeInPlace(outfile, async (path) => writeFileSync(path, bundle));
  const zipPath = join(outDir, `${name}.zip`);
  await writeInPlace(zipPath, (path) => writeZipOf(bundle, path));
  const zipBytes = readFileSync(zipPath);
  return {
    name,
    bundleBytes: bundle.length,
    zipBytes: zipBytes.length,
    codeSha256: createHash('sha256').update(zipBytes).digest('base64'),
  };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(dist, { recursive: true });
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : functionNames();
  const results = await Promise.all(names.map((name) => buildFunction(name)));
  for (const r of results) {
    console.log(
      `${r.name.padEnd(14)} bundle ${kb(r.bundleBytes).padStart(9)}  zip ${kb(r.zipBytes).padStart(9)}  sha256 ${r.codeSha256}`,
    );
  }
}
