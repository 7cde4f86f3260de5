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
import { decode, encode } from '@jridgewell/sourcemap-codec';
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

/**
 * Source maps: esbuild writes handler.mjs.map beside the bundle (linked by a sourceMappingURL
 * comment) and the zip carries it, so that with `--enable-source-maps` (NODE_OPTIONS in the
 * functions' Terraform environment, on Lambda and in the local runtime alike) a stack trace names
 * the TypeScript file and line. Without that flag Node never reads the map. See sourceMapOf.
 */
export const SOURCE_MAP_ROOT = '/order-fanout/';
export const functionOptions = { ...bundleOptions, sourcemap: 'linked' };

/**
 * The map as the zip carries it: our own code only. Its sources are named from the repository's
 * root under a fixed absolute root (`/order-fanout/functions/order-api/handler.ts`), wherever the zip
 * is extracted (/var/task on Lambda, a temporary directory locally): the same bytes on every machine,
 * and one path prefix for a debugger to map back to the checkout (.vscode/launch.json). The
 * dependencies (the SDK, middy, valibot: nine tenths of the map) are left out: their stretches of
 * the bundle are marked unmapped (a one-field segment, as the source map format allows), so a frame
 * in them names handler.mjs and its column, and Node parses a map of about a tenth of the size when a
 * worker starts (docs/operating.md: Debugging; bench/bundles.ts measures it). Our sources' text stays in the map, so that a
 * debugger shows it without a checkout.
 */
export function sourceMapOf(mapText) {
  const map = JSON.parse(mapText);
  const sources = map.sources.map((source) =>
    source.startsWith(SOURCE_MAP_ROOT) ? source : `${SOURCE_MAP_ROOT}${source.replace(/^(\.\.\/)+/, '')}`,
  );
  const sourceIndex = new Map(); // old index → new, for the sources kept
  const nameIndex = new Map();
  const kept = { sources: [], sourcesContent: [], names: [] };
  sources.forEach((source, i) => {
    if (source.includes('/node_modules/')) return;
    sourceIndex.set(i, kept.sources.length);
    kept.sources.push(source);
    kept.sourcesContent.push(map.sourcesContent?.[i] ?? null);
  });
  const lines = decode(map.mappings).map((line) => {
    const out = [];
    for (const segment of line) {
      const source = segment.length >= 4 ? sourceIndex.get(segment[1]) : undefined;
      if (source === undefined) {
        if (out.at(-1)?.length !== 1) out.push([segment[0]]); // one marker per unmapped stretch
        continue;
      }
      const mapped = [segment[0], source, segment[2], segment[3]];
      if (segment.length === 5) {
        if (!nameIndex.has(segment[4])) nameIndex.set(segment[4], kept.names.push(map.names[segment[4]]) - 1);
        mapped.push(nameIndex.get(segment[4]));
      }
      out.push(mapped);
    }
    return out;
  });
  return Buffer.from(
    JSON.stringify({
      version: 3,
      sources: kept.sources,
      sourcesContent: kept.sourcesContent,
      mappings: encode(lines),
      names: kept.names,
    }),
  );
}

async function writeZipOf(files, zipPath) {
  const zip = new yazl.ZipFile();
  for (const [name, bytes] of files)
    zip.addBuffer(bytes, name, { mtime: FIXED_MTIME, mode: 0o100644, forceDosTimestamp: true });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipPath));
}

/** Zips dist/<name>/handler.mjs and its map as buildFunction does (make watch's rebuilds write them with esbuild). */
export async function writeZip(file, zipPath) {
  const files = [['handler.mjs', readFileSync(file)]];
  if (existsSync(`${file}.map`)) files.push(['handler.mjs.map', sourceMapOf(readFileSync(`${file}.map`, 'utf8'))]);
  await writeZipOf(files, zipPath);
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

/**
 * One function's bundle and source map, in memory: the map's sources are named relative to outfile's
 * directory (dist/<name>/) before sourceMapOf names them from the repository's root.
 */
export async function bundleFunction(entryPoint, outfile) {
  const { outputFiles } = await esbuild.build({ ...functionOptions, entryPoints: [entryPoint], outfile, write: false });
  const output = (suffix) => outputFiles.find((file) => file.path.endsWith(suffix));
  return { bundle: Buffer.from(output('.mjs').contents), map: sourceMapOf(output('.mjs.map').text) };
}

/** Bundles functions/<name> into <outDir>/<name>.zip (default dist/; make rehearse builds into a directory of its own). */
export async function buildFunction(name, outDir = dist) {
  const outfile = join(outDir, name, 'handler.mjs');
  // In memory (write: false), then written in place: another build may be writing the same outfile.
  const { bundle, map } = await bundleFunction(join(root, 'functions', name, 'handler.ts'), outfile);
  mkdirSync(dirname(outfile), { recursive: true });
  await writeInPlace(`${outfile}.map`, async (path) => writeFileSync(path, map));
  await writeInPlace(outfile, async (path) => writeFileSync(path, bundle));
  const zipPath = join(outDir, `${name}.zip`);
  await writeInPlace(zipPath, (path) =>
    writeZipOf(
      [
        ['handler.mjs', bundle],
        ['handler.mjs.map', map],
      ],
      path,
    ),
  );
  const zipBytes = readFileSync(zipPath);
  return {
    name,
    bundleBytes: bundle.length,
    mapBytes: map.length,
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
      `${r.name.padEnd(14)} bundle ${kb(r.bundleBytes).padStart(9)}  map ${kb(r.mapBytes).padStart(9)}  zip ${kb(r.zipBytes).padStart(9)}  sha256 ${r.codeSha256}`,
    );
  }
}
