// Bundle size and cold import time per function, beside a floor: a bundle that only creates the same
// SDK clients the function creates, built with the same esbuild settings (build.mjs bundleOptions).
// The clients a function creates are read from its own bundle's inputs (esbuild's metafile), so the
// floor follows the code. Cold import: a fresh `node` process imports the bundle once and reports how
// long the import took (module evaluation included: clients and config at module scope). The figure
// is the median of paired ratios (function ÷ its floor, imported back to back, the order alternating)
// with its 95 % interval (bench/stats.ts), every bundle interleaved in one loop (importSchedule).
//
// Run by itself (no stack, ~1 min): `npx tsx bench/bundles.ts` prints the report's bundles table;
// BENCH_IMPORT_RUNS sets the pairs per bundle (default 16), as in `make bench`.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { bundleFunction, bundleOptions as sharedOptions, functionNames } from '../build.mjs';
import { repoRoot } from '../local/paths.js';
import { bundleSection } from './report.js';
import { GOALS, type BundleResult, type RatioInterval } from './results.js';
import { median, medianInterval, pairedRatios, round, verdict, type MedianInterval } from './stats.js';

const run = promisify(execFile);
/** build.mjs is plain JS: its settings are the esbuild options the functions are built with. */
const bundleOptions = sharedOptions as esbuild.BuildOptions;

/** SDK packages whose clients the floor creates, and how. */
const CLIENTS: Record<string, { imports: string; create: string }> = {
  '@aws-sdk/client-dynamodb': {
    imports: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    create: 'new DynamoDBClient({})',
  },
  '@aws-sdk/lib-dynamodb': {
    imports: "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
    create: 'DynamoDBDocumentClient.from(new DynamoDBClient({}))',
  },
  '@aws-sdk/client-sns': { imports: "import { SNSClient } from '@aws-sdk/client-sns';", create: 'new SNSClient({})' },
  '@aws-sdk/client-sesv2': {
    imports: "import { SESv2Client } from '@aws-sdk/client-sesv2';",
    create: 'new SESv2Client({})',
  },
  '@aws-sdk/client-sqs': { imports: "import { SQSClient } from '@aws-sdk/client-sqs';", create: 'new SQSClient({})' },
};

/** Every variable any handler requires at import (values are placeholders: nothing is called). */
export const IMPORT_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  ORDERS_TABLE: 'orders',
  INVENTORY_TABLE: 'inventory',
  IDEMPOTENCY_TABLE: 'idempotency',
  RESERVATIONS_TABLE: 'inventory-reservations',
  BILLING_TABLE: 'billing',
  NOTIFICATIONS_TABLE: 'notifications',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:order-events',
  DEAD_LETTER_QUEUE_ARN: 'arn:aws:sqs:us-east-1:000000000000:order-processing-dlq',
  PLACED_ORDERS_INDEX: 'placed-orders',
  STUCK_AFTER_SECONDS: '300',
  SENDER_EMAIL: 'orders@example.com',
  FUNCTION_TIMEOUT_SECONDS: '30',
  LOG_LEVEL: 'INFO',
  POWERTOOLS_METRICS_NAMESPACE: 'order-fanout',
  // As on Lambda's nodejs22.x: the SDK's warning about Node 20 is not printed (it cost both sides alike).
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

function packageOf(path: string): string | undefined {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  return m?.[1];
}

/** One import's wall time and the CPU time the process spent on it (all its threads: parsing, compiling, evaluating). */
export interface ImportTime {
  ms: number;
  cpuMs: number;
}

async function importTime(file: string, nodeFlags: string[] = []): Promise<ImportTime> {
  const script = `const c=process.cpuUsage();const t=performance.now();await import(${JSON.stringify(`file://${file}`)});const u=process.cpuUsage(c);process.stdout.write(JSON.stringify({ms:performance.now()-t,cpuMs:(u.user+u.system)/1000}));`;
  const { stdout } = await run(process.execPath, [...nodeFlags, '--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...IMPORT_ENV },
  });
  return JSON.parse(stdout) as ImportTime;
}

/**
 * The order of the cold imports: in each of `runs` rounds, every bundle once as a pair (its function,
 * its floor) imported back to back, so a pair shares the same seconds of load and its ratio cancels
 * what they share. Across rounds the bundles take turns going first (round r starts at bundle r mod
 * m), so no function always meets the machine's same moment; within a pair the function goes first
 * in one round and the floor in the next (half each with an even number of runs), so "the second
 * import of a pair is faster" (a warmer page cache, a CPU clocked up) cancels out of the median.
 */
export function importSchedule(bundles: number, runs: number): { bundle: number; first: 'function' | 'floor' }[] {
  const out: { bundle: number; first: 'function' | 'floor' }[] = [];
  for (let r = 0; r < runs; r += 1)
    for (let j = 0; j < bundles; j += 1) {
      const bundle = (r + j) % bundles;
      // This bundle's r-th pair; neighbouring bundles start on opposite sides.
      out.push({ bundle, first: (r + bundle) % 2 === 0 ? 'function' : 'floor' });
    }
  return out;
}

/** One function's paired import times (function, floor), in the order they were taken. */
export interface PairedImports {
  fn: ImportTime[];
  floor: ImportTime[];
}

/** The cold-import figures of one function from its pairs: medians, the median of the paired ratios, its interval and verdict. */
export function importFigures(
  pairs: PairedImports,
): Pick<
  BundleResult,
  | 'importMs'
  | 'floorImportMs'
  | 'importRatio'
  | 'importRatioInterval'
  | 'importVerdict'
  | 'importCpuMs'
  | 'floorImportCpuMs'
  | 'importCpuRatio'
  | 'importCpuRatioInterval'
  | 'importCpuVerdict'
> {
  const wall = medianInterval(
    pairedRatios(
      pairs.fn.map((t) => t.ms),
      pairs.floor.map((t) => t.ms),
    ),
  );
  const cpu = medianInterval(
    pairedRatios(
      pairs.fn.map((t) => t.cpuMs),
      pairs.floor.map((t) => t.cpuMs),
    ),
  );
  const interval = (i: MedianInterval): RatioInterval => ({
    low: Number.isNaN(i.low) ? null : round(i.low, 3),
    high: Number.isNaN(i.high) ? null : round(i.high, 3),
    confidence: round(i.confidence, 4),
    pairs: i.n,
  });
  return {
    importMs: round(median(pairs.fn.map((t) => t.ms)), 1),
    floorImportMs: round(median(pairs.floor.map((t) => t.ms)), 1),
    importRatio: round(wall.median, 3),
    importRatioInterval: interval(wall),
    importVerdict: verdict(wall, GOALS.bundleRatio, 'at most'),
    importCpuMs: round(median(pairs.fn.map((t) => t.cpuMs)), 1),
    floorImportCpuMs: round(median(pairs.floor.map((t) => t.cpuMs)), 1),
    importCpuRatio: round(cpu.median, 3),
    importCpuRatioInterval: interval(cpu),
    importCpuVerdict: verdict(cpu, GOALS.bundleRatio, 'at most'),
  };
}

interface Built {
  name: string;
  outfile: string;
  floorFile: string;
  /** The bundle with its source map beside it, imported with --enable-source-maps. */
  mappedFile: string;
  mapBytes: number;
  clients: string[];
  extraInputs: { path: string; bytes: number }[];
}

export async function measureBundles(
  outDir: string,
  runs: number,
  log: (line: string) => void = () => {},
): Promise<BundleResult[]> {
  mkdirSync(outDir, { recursive: true });
  const built: Built[] = [];
  for (const name of functionNames() as string[]) {
    const outfile = join(outDir, name, 'handler.mjs');
    const fnBuilt = await esbuild.build({
      ...bundleOptions,
      entryPoints: [join(repoRoot, 'functions', name, 'handler.ts')],
      outfile,
      metafile: true,
    });
    const output = Object.values(fnBuilt.metafile?.outputs ?? {})[0];
    const packages = new Set(
      Object.keys(output?.inputs ?? {})
        .map(packageOf)
        .filter((p): p is string => p !== undefined),
    );
    const clients = Object.keys(CLIENTS).filter((p) => packages.has(p));
    // lib-dynamodb's document client wraps a DynamoDBClient: import that too.
    const imports = new Set(clients.map((p) => CLIENTS[p]?.imports ?? ''));
    if (clients.includes('@aws-sdk/lib-dynamodb')) imports.add(CLIENTS['@aws-sdk/client-dynamodb']?.imports ?? '');
    const creates = clients
      .filter((p) => !(p === '@aws-sdk/client-dynamodb' && clients.includes('@aws-sdk/lib-dynamodb')))
      .map((p) => CLIENTS[p]?.create ?? '');
    const floorEntry = join(outDir, name, 'floor-entry.ts');
    writeFileSync(
      floorEntry,
      `// Generated by bench/bundles.ts: only the SDK clients ${name} creates.\n${[...imports].join('\n')}\nexport const clients = [${creates.join(', ')}];\n`,
    );
    const floorFile = join(outDir, name, 'floor.mjs');
    const floorBuilt = await esbuild.build({
      ...bundleOptions,
      entryPoints: [floorEntry],
      outfile: floorFile,
      metafile: true,
      nodePaths: [join(repoRoot, 'node_modules')],
    });
    const floorInputs = new Set(Object.keys(Object.values(floorBuilt.metafile?.outputs ?? {})[0]?.inputs ?? {}));

    // The same function as its zip carries it: the bundle and its source map (build.mjs), imported
    // with --enable-source-maps (Terraform's source_maps), which makes Node read the map.
    const { bundle: mappedBundle, map } = await bundleFunction(
      join(repoRoot, 'functions', name, 'handler.ts'),
      join(repoRoot, 'dist', name, 'handler.mjs'), // names the map's sources as build.mjs does; nothing is written there
    );
    const mappedFile = join(outDir, name, 'mapped', 'handler.mjs');
    mkdirSync(join(outDir, name, 'mapped'), { recursive: true });
    writeFileSync(mappedFile, mappedBundle);
    writeFileSync(`${mappedFile}.map`, map);

    // What the function carries beyond the floor, by package (our own sources as one group).
    const extra = new Map<string, number>();
    for (const [path, info] of Object.entries(output?.inputs ?? {})) {
      if (floorInputs.has(path)) continue;
      const group = packageOf(path) ?? (path.startsWith('functions/') ? 'functions/ (our code)' : path);
      extra.set(group, (extra.get(group) ?? 0) + info.bytesInOutput);
    }
    const extraInputs = [...extra]
      .map(([path, bytes]) => ({ path, bytes }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 8);
    built.push({ name, outfile, floorFile, mappedFile, mapBytes: map.length, clients, extraInputs });
  }

  // Every bundle in one loop (importSchedule), so all of them share the same minutes of load.
  for (const b of built) {
    await importTime(b.outfile); // warm the file cache once for each
    await importTime(b.floorFile);
    await importTime(b.mappedFile, ['--enable-source-maps']);
  }
  const pairs: PairedImports[] = built.map(() => ({ fn: [], floor: [] }));
  // The source-mapped import right after each pair: its CPU against the pair's floor.
  const mapped: ImportTime[][] = built.map(() => []);
  const schedule = importSchedule(built.length, runs);
  for (const [i, { bundle, first }] of schedule.entries()) {
    const b = built[bundle];
    const p = pairs[bundle];
    if (b === undefined || p === undefined) continue;
    if (first === 'function') {
      p.fn.push(await importTime(b.outfile));
      p.floor.push(await importTime(b.floorFile));
    } else {
      p.floor.push(await importTime(b.floorFile));
      p.fn.push(await importTime(b.outfile));
    }
    mapped[bundle]?.push(await importTime(b.mappedFile, ['--enable-source-maps']));
    if ((i + 1) % built.length === 0) log(`bundles: round ${(i + 1) / built.length} of ${runs} imported`);
  }

  return built.map((b, i) => {
    const mappedCpu = (mapped[i] ?? []).map((t) => t.cpuMs);
    const bundleBytes = statSync(b.outfile).size;
    const floorBytes = statSync(b.floorFile).size;
    const result: BundleResult = {
      name: b.name,
      clients: b.clients,
      bundleBytes,
      floorBytes,
      sizeRatio: round(bundleBytes / floorBytes, 2),
      ...importFigures(pairs[i] ?? { fn: [], floor: [] }),
      mapBytes: b.mapBytes,
      mappedImportCpuMs: round(median(mappedCpu), 1),
      mappedImportCpuRatio: round(
        median(
          pairedRatios(
            mappedCpu,
            (pairs[i]?.floor ?? []).map((t) => t.cpuMs),
          ),
        ),
        2,
      ),
      extraInputs: b.extraInputs,
    };
    const iv = result.importRatioInterval;
    log(
      `bundles: ${b.name} ${(bundleBytes / 1024).toFixed(0)} KB (floor ${(floorBytes / 1024).toFixed(0)} KB), import ratio ${result.importRatio} [${iv?.low}, ${iv?.high}] ${result.importVerdict}, CPU with its source map ${result.mappedImportCpuMs} ms`,
    );
    return result;
  });
}

// By itself: the bundles only, into a fresh temporary directory, printed as the report prints them.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = Math.max(1, Number(process.env.BENCH_IMPORT_RUNS ?? '16'));
  const results = await measureBundles(mkdtempSync(join(tmpdir(), 'order-fanout-bundles-')), runs, console.error);
  console.log(bundleSection(results).join('\n'));
}
