// Bundle size and cold import time per function, beside a floor: a bundle that only creates the same
// SDK clients the function creates, built with the same esbuild settings (build.mjs bundleOptions).
// The clients a function creates are read from its own bundle's inputs (esbuild's metafile), so the
// floor follows the code. Cold import: a fresh `node` process imports the bundle once and reports how
// long the import took (module evaluation included: clients and config at module scope); median of
// `runs`, function and floor alternating so that drift in the machine's load hits both alike.
//
// Run by itself (no stack, ~1 min): `npx tsx bench/bundles.ts` prints the report's bundles table;
// BENCH_IMPORT_RUNS sets the fresh processes per bundle (default 15), as in `make bench`.
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
import type { BundleResult } from './results.js';
import { median, round } from './stats.js';

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
const IMPORT_ENV = {
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
interface ImportTime {
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

export async function measureBundles(
  outDir: string,
  runs: number,
  log: (line: string) => void = () => {},
): Promise<BundleResult[]> {
  mkdirSync(outDir, { recursive: true });
  const results: BundleResult[] = [];
  for (const name of functionNames() as string[]) {
    const outfile = join(outDir, name, 'handler.mjs');
    const built = await esbuild.build({
      ...bundleOptions,
      entryPoints: [join(repoRoot, 'functions', name, 'handler.ts')],
      outfile,
      metafile: true,
    });
    const output = Object.values(built.metafile?.outputs ?? {})[0];
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

    const fnTimes: ImportTime[] = [];
    const floorTimes: ImportTime[] = [];
    const mappedTimes: ImportTime[] = [];
    await importTime(outfile); // warm the file cache once for each
    await importTime(floorFile);
    await importTime(mappedFile, ['--enable-source-maps']);
    for (let i = 0; i < runs; i += 1) {
      fnTimes.push(await importTime(outfile));
      floorTimes.push(await importTime(floorFile));
      mappedTimes.push(await importTime(mappedFile, ['--enable-source-maps']));
    }
    const mappedCpu = median(mappedTimes.map((t) => t.cpuMs));
    const wall = { fn: median(fnTimes.map((t) => t.ms)), floor: median(floorTimes.map((t) => t.ms)) };
    const cpu = { fn: median(fnTimes.map((t) => t.cpuMs)), floor: median(floorTimes.map((t) => t.cpuMs)) };
    const bundleBytes = statSync(outfile).size;
    const floorBytes = statSync(floorFile).size;
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
    const result: BundleResult = {
      name,
      clients,
      bundleBytes,
      floorBytes,
      sizeRatio: round(bundleBytes / floorBytes, 2),
      importMs: round(wall.fn, 1),
      floorImportMs: round(wall.floor, 1),
      importRatio: round(wall.fn / wall.floor, 2),
      importCpuMs: round(cpu.fn, 1),
      floorImportCpuMs: round(cpu.floor, 1),
      importCpuRatio: round(cpu.fn / cpu.floor, 2),
      mapBytes: map.length,
      mappedImportCpuMs: round(mappedCpu, 1),
      mappedImportCpuRatio: round(mappedCpu / cpu.floor, 2),
      extraInputs,
    };
    log(
      `bundles: ${name} ${(bundleBytes / 1024).toFixed(0)} KB (floor ${(floorBytes / 1024).toFixed(0)} KB), import ${result.importMs} ms (floor ${result.floorImportMs} ms), CPU ${result.importCpuMs} ms (floor ${result.floorImportCpuMs} ms), with its source map ${result.mappedImportCpuMs} ms`,
    );
    results.push(result);
  }
  return results;
}

// By itself: the bundles only, into a fresh temporary directory, printed as the report prints them.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = Math.max(1, Number(process.env.BENCH_IMPORT_RUNS ?? '15'));
  const results = await measureBundles(mkdtempSync(join(tmpdir(), 'order-fanout-bundles-')), runs, console.error);
  console.log(bundleSection(results).join('\n'));
}
