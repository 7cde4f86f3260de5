// `make bench`: one run of the whole benchmark on a stack of its own (its own emulator on a free
// port, its own state directory); stops everything it started. See bench/README.md for how to read it.
//
// Settings (environment):
//   BENCH_ORDERS=2000          orders in all, split evenly over the levels (quick try: BENCH_ORDERS=100)
//   BENCH_LEVELS=1,4,16,32     orders in flight per level
//   BENCH_WARMUP=20            orders placed (at 4 in flight) before the first level, not measured
//   BENCH_CEILING=1            0 skips the ceiling replay
//   BENCH_ROUNDS=16            rounds per level: the pipeline and the ceiling alternate, one round each (bench/efficiency.ts)
//   BENCH_IAM=0                1 enforces the IAM gate as make up does (the ceiling cannot run then: set BENCH_CEILING=0)
//   BENCH_DUPLICATES=20        OrderPlaced events published again at the end, to measure a duplicate's cost (bench/duplicates.ts)
//   BENCH_IMPORT_RUNS=16       pairs (function, floor) per bundle for the cold-import ratio and its interval
//   BENCH_BUNDLES=1            0 skips the bundle measurements (a reduced run of the pipeline only)
//   BENCH_OUT=bench/results    where latest.json, latest.md and the chart go
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, startEmulator } from '../emulation/emulator.js';
import type { RuntimeReport } from '../emulation/runtime/index.js';
import { startStack } from '../local/stack/stack.js';
import { customerTokens } from '../local/stack/token.js';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { clients } from './aws.js';
import { measureBundles } from './bundles.js';
import {
  combineCeilingRounds,
  mirrorStack,
  runCeiling,
  startDrainers,
  type CallMix,
  type CeilingRun,
  withoutRuntime,
} from './ceiling.js';
import { billedMs, biggestItems, loadPrices } from './cost.js';
import { cpuSnapshot, type CpuSnapshot, machineInfo } from './cpu.js';
import {
  BENCH_CUSTOMERS,
  benchCustomer,
  drained,
  combineRounds,
  FinalWatcher,
  queueDepth,
  runLevel,
  stockProducts,
  type LevelRun,
} from './load.js';
import { efficiencyFigures, roundOrder, roundSizes } from './efficiency.js';
import { levelCost, modelledScenarios, writeReport } from './report.js';
import type { BenchResults, InvocationStats, RoundPair } from './results.js';
import { addCounts, diffCounts, mean, perOrder, percentile, round, total, type Counts } from './stats.js';

const env = (name: string, fallback: string): string => process.env[name] ?? fallback;
const config = {
  orders: Number(env('BENCH_ORDERS', '2000')),
  levels: env('BENCH_LEVELS', '1,4,16,32')
    .split(',')
    .map(Number)
    .filter((n) => n > 0),
  warmup: Number(env('BENCH_WARMUP', '20')),
  ceiling: env('BENCH_CEILING', '1') !== '0',
  rounds: Math.max(1, Number(env('BENCH_ROUNDS', '16'))),
  duplicates: Math.max(0, Number(env('BENCH_DUPLICATES', '20'))),
  iam: env('BENCH_IAM', '0') === '1',
  importRuns: Math.max(1, Number(env('BENCH_IMPORT_RUNS', '16'))),
  bundles: env('BENCH_BUNDLES', '1') !== '0',
  out: env('BENCH_OUT', join(import.meta.dirname, 'results')),
};
/** The benchmark's queue of final events (bench/load.ts), and of its mirror's for the ceiling. */
const FINAL_QUEUE = 'bench-final';
const perLevel = Math.max(1, Math.floor(config.orders / config.levels.length));

const began = performance.now();
const step = (message: string): void =>
  console.log(`[bench ${((performance.now() - began) / 1000).toFixed(1).padStart(6)}s] ${message}`);

const stateDir = mkdtempSync(join(tmpdir(), 'order-fanout-bench-'));
const runtimeLog = createWriteStream(join(stateDir, 'runtime.log'));

/** The runtime's batches and requests per level, and how many lines each function logged. */
let invocations: { fn: string; batch: number; durationMs: number; retried: number }[] = [];
let logLines: Record<string, number> = {};
let logBytes: Record<string, number> = {};
const verbose = (chunk: string): void => void runtimeLog.write(chunk.endsWith('\n') ? chunk : `${chunk}\n`);
const onReport = (report: RuntimeReport): void => {
  if (report.type === 'batch')
    invocations.push({
      fn: report.functionName,
      batch: report.records,
      retried: report.failures,
      durationMs: report.durationMs,
    });
  else if (report.type === 'request')
    invocations.push({ fn: report.functionName ?? '-', batch: 1, retried: 0, durationMs: report.durationMs });
  else {
    logLines[report.functionName] = (logLines[report.functionName] ?? 0) + 1;
    logBytes[report.functionName] = (logBytes[report.functionName] ?? 0) + Buffer.byteLength(report.line) + 1;
  }
};

function invocationStats(orders: number): Record<string, InvocationStats> {
  const byFn = new Map<string, typeof invocations>();
  for (const i of invocations) byFn.set(i.fn, [...(byFn.get(i.fn) ?? []), i]);
  return Object.fromEntries(
    [...byFn]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([fn, list]) => [
        fn,
        {
          invocations: list.length,
          perOrder: round(list.length / orders, 2),
          meanBatch: round(mean(list.map((i) => i.batch)), 2),
          durationMsP50: Math.round(
            percentile(
              list.map((i) => i.durationMs),
              50,
            ),
          ),
          durationMsP95: Math.round(
            percentile(
              list.map((i) => i.durationMs),
              95,
            ),
          ),
          busySeconds: round(list.reduce((s, i) => s + i.durationMs, 0) / 1000, 1),
          retried: list.reduce((s, i) => s + i.retried, 0),
          logLines: logLines[fn] ?? 0,
          billedMs: list.reduce((s, i) => s + billedMs(i.durationMs), 0),
          logBytes: logBytes[fn] ?? 0,
        },
      ]),
  );
}

function cpuShares(after: CpuSnapshot, before: CpuSnapshot, wallMs: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([key, ms]) => [key, round((ms - (before[key] ?? 0)) / wallMs, 2)] as const)
      .filter(([, share]) => share > 0),
  );
}

async function startCounter(target: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'counter.ts'), target], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`call counter exited (${String(code)})`)));
    lines.on('line', (line) => {
      if (line.startsWith('READY ')) resolve(line.slice(6));
    });
  });
  return { url, child };
}

const stopChild = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.pid === undefined) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

/** The AWS calls the counter saw, by API; not the emulator's own endpoints (Local.*: the runtime's stream waits). */
async function counterStats(url: string): Promise<Counts> {
  const response = await fetch(`${url}/_fault-proxy/stats`);
  const { calls } = (await response.json()) as { calls: Counts };
  return Object.fromEntries(Object.entries(calls).filter(([api]) => !api.startsWith('Local.')));
}

const results: BenchResults = {
  startedAt: new Date().toISOString(),
  machine: machineInfo(),
  config: { ...config, ordersPerLevel: perLevel },
  phases: {},
  levels: [],
  bundles: [],
};

// 1. The emulator (ours, clean), the call counter in front of it, then the stack through the counter.
step(`state in ${stateDir}`);
const emulatorPort = await freePort();
const t = performance.now();
const emulator = await startEmulator({ port: emulatorPort, logFile: join(stateDir, 'emulator.log') });
results.phases.emulator = Math.round(performance.now() - t);
results.phaseSpans = [
  { phase: 'emulator', startMs: Math.round(t - began), endMs: Math.round(performance.now() - began) },
];
step(`emulator: moto_server pid ${String(emulator.pid)} on ${emulator.url} (${results.phases.emulator} ms)`);
const counter = await startCounter(emulator.url);
step(`call counter on ${counter.url}`);

let stopStack: (() => Promise<void>) | undefined;
const cleanup = async (): Promise<void> => {
  await stopStack?.().catch(() => {});
  await stopChild(counter.child);
  await emulator.stop();
};
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
process.on('SIGTERM', () => void cleanup().then(() => process.exit(143)));

try {
  const counterPort = Number(new URL(counter.url).port);
  const stack = await startStack({
    emulatorPort: counterPort,
    apiPort: await freePort(),
    stateDir,
    faultProxy: true,
    // The design's bare names: the call mix, the ceiling and the cost model key the calls by the
    // function that made them ("order-api"), as results in bench/results/ do.
    namePrefix: '',
    // The IAM gate (emulation/iam/) is off unless BENCH_IAM=1: the ceiling replays the functions' requests
    // against mirror tables and a mirror topic that no function's role grants, so the gate denies
    // every one of them and the ceiling never completes an order. With it off, neither side pays the
    // gate's cost: an emulation cost that AWS's own authorisation does not add to our code's time.
    iam: config.iam,
    step: (m) => step(m),
    verbose,
    onReport,
  });
  stopStack = () => stack.stop();
  const { emulator: _reused, ...stackPhases } = stack.timings;
  Object.assign(results.phases, stackPhases);
  // The stack found the bench's emulator already running: its own "emulator" phase is that look.
  results.phaseSpans?.push(
    ...stack.spans
      .filter((p) => p.phase !== 'emulator')
      .map((p) => ({ phase: p.phase, startMs: Math.round(p.startMs - began), endMs: Math.round(p.endMs - began) })),
  );
  step(`stack up: ${JSON.stringify(results.phases)}`);
  const faultProxy = stack.faultProxy;
  if (faultProxy === undefined) throw new Error('the stack started without its fault proxy');

  const admin = clients(emulator.url); // bookkeeping: straight to the emulator, never counted
  const tables = stack.outputs.table_names;
  const queueUrls = Object.values(stack.outputs.queue_urls);
  const stock = (config.orders + config.warmup) * 3 + 1000;
  await stockProducts(admin.db, tables.inventory ?? 'inventory', stock);
  // Customers sign in straight at the emulator (never counted), once each, before the first level.
  const tokenFor = customerTokens(
    new CognitoIdentityProviderClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
    {
      userPoolId: stack.outputs.user_pool_id,
      clientId: stack.outputs.user_pool_client_id,
    },
  );
  await Promise.all(Array.from({ length: BENCH_CUSTOMERS }, (_, i) => tokenFor(benchCustomer(i))));
  const watcher = await FinalWatcher.create(admin.sqs, admin.sns, stack.outputs.topic_arn, FINAL_QUEUE);
  watcher.start();
  const ceilingSource = { topicArn: stack.outputs.topic_arn, ordersTable: tables.orders ?? 'orders' };
  const ceilingSetup = config.ceiling ? await mirrorStack(admin, ceilingSource, FINAL_QUEUE) : undefined;
  const ceilingWatcher =
    ceilingSetup === undefined ? undefined : FinalWatcher.on(admin.sqs, ceilingSetup.finalQueueUrl);
  ceilingWatcher?.start();
  // The ceiling's replayed requests take the functions' path (fault proxy → counter → emulator); its
  // queue draining takes the runtime's path (counter → emulator).
  const drainClients = clients(counter.url);
  const stopDrainers =
    ceilingSetup === undefined ? async () => {} : startDrainers(drainClients.sqs, ceilingSetup.queueUrls, 4);

  if (config.warmup > 0) {
    step(`warm-up: ${config.warmup} orders at 4 in flight (not measured)`);
    await runLevel({ apiUrl: stack.apiUrl, watcher, concurrency: 4, orders: config.warmup, tokenFor });
    await drained(admin.sqs, queueUrls);
  }

  for (const concurrency of config.levels) {
    const sizes = roundSizes(perLevel, config.rounds, concurrency);
    step(
      `level ${concurrency} in flight: ${sizes.length} rounds of ${sizes.join('/')} orders` +
        (ceilingSetup === undefined ? '' : ', pipeline and ceiling alternating (bench/efficiency.ts)'),
    );
    invocations = [];
    logLines = {};
    logBytes = {};
    const pipelineRuns: LevelRun[] = [];
    const ceilingRuns: (CeilingRun & { calls: Counts })[] = [];
    const pairs: Omit<RoundPair, 'efficiency'>[] = [];
    let calls: Counts = {};
    const fnCalls: Record<string, Counts> = {};
    const cpuUsed: CpuSnapshot = {};
    let cpuWindowMs = 0;
    let drainMs = 0;

    /** One pipeline round: its orders, then its tail drained; the calls and CPU it cost added to the level's. */
    const pipelineRound = async (orders: number): Promise<LevelRun> => {
      const callsBefore = await counterStats(counter.url);
      const fnBefore = structuredClone(faultProxy.stats().byFunction);
      faultProxy.record(true); // what the next ceiling round replays
      const cpuBefore = cpuSnapshot({ emulator: emulator.pid, counter: counter.child.pid });
      const run = await runLevel({ apiUrl: stack.apiUrl, watcher, concurrency, orders, tokenFor });
      const cpuAfter = cpuSnapshot({ emulator: emulator.pid, counter: counter.child.pid });
      cpuWindowMs += Date.now() - run.startedAt;
      for (const [key, ms] of Object.entries(cpuAfter)) cpuUsed[key] = (cpuUsed[key] ?? 0) + ms - (cpuBefore[key] ?? 0);
      drainMs += await drained(admin.sqs, queueUrls);
      faultProxy.record(false);
      calls = addCounts(calls, diffCounts(await counterStats(counter.url), callsBefore));
      for (const [fn, counts] of Object.entries(faultProxy.stats().byFunction))
        fnCalls[fn] = addCounts(fnCalls[fn] ?? {}, withoutRuntime(diffCounts(counts, fnBefore[fn] ?? {})));
      pipelineRuns.push(run);
      return run;
    };

    /** One ceiling round: the latest pipeline round's orders replayed, then its mirror queues drained. */
    const ceilingRound = async (orders: number): Promise<CeilingRun | undefined> => {
      if (ceilingSetup === undefined || ceilingWatcher === undefined) return undefined;
      const before = await counterStats(counter.url);
      const run = await runCeiling({
        proxyUrl: faultProxy.url,
        recorded: faultProxy.recorded(),
        concurrency,
        orders,
        source: ceilingSource,
        mirror: ceilingSetup,
        watcher: ceilingWatcher,
      });
      await drained(admin.sqs, ceilingSetup.queueUrls);
      ceilingRuns.push({ ...run, calls: diffCounts(await counterStats(counter.url), before) });
      return run;
    };

    for (const [r, orders] of sizes.entries()) {
      const order = roundOrder(r);
      const done: { pipeline?: LevelRun; ceiling?: CeilingRun } = {};
      for (const side of order) {
        if (side === 'pipeline') done.pipeline = await pipelineRound(orders);
        else done.ceiling = await ceilingRound(orders);
      }
      const { pipeline, ceiling } = done;
      if (pipeline !== undefined && ceiling !== undefined)
        pairs.push({ pipeline: pipeline.ordersPerSecond, ceiling: ceiling.ordersPerSecond, first: order[0] });
      step(
        `round ${r + 1}/${sizes.length}: pipeline ${pipeline?.ordersPerSecond ?? '?'} orders/s (p50 ${pipeline?.latencyMs.p50 ?? '?'} ms)` +
          (ceiling === undefined
            ? ''
            : `, ceiling ${ceiling.ordersPerSecond} orders/s (${order[0]} first; ratio ${round((pipeline?.ordersPerSecond ?? 0) / ceiling.ordersPerSecond, 2)}; ` +
              `${ceiling.recordedOrders} recorded orders replayed, ${ceiling.unassigned} requests named no order, ${ceiling.unseen} final events not seen)`),
      );
    }

    const { samples: _samples, ...pipeline } = combineRounds(pipelineRuns);
    const placed = pipeline.orders;
    const byFunction: CallMix = {};
    for (const [fn, counts] of Object.entries(fnCalls))
      if (Object.keys(counts).length > 0) byFunction[fn] = perOrder(counts, placed);
    const functionCalls = Object.values(byFunction).reduce((sum, c) => sum + total(c), 0);
    const ceilingOrders = ceilingRuns.reduce((sum, r) => sum + r.orders, 0);
    const ceiling =
      ceilingRuns.length === 0
        ? undefined
        : {
            ...combineCeilingRounds(ceilingRuns),
            callsPerOrder: perOrder(
              ceilingRuns.reduce<Counts>((sum, r) => addCounts(sum, r.calls), {}),
              ceilingOrders,
            ),
          };
    const figures = pairs.length === 0 ? undefined : efficiencyFigures(pairs);
    const interval = figures?.efficiencyInterval;
    step(
      `level ${concurrency}: pipeline ${pipeline.ordersPerSecond} orders/s, p50 ${pipeline.latencyMs.p50} ms, p95 ${pipeline.latencyMs.p95} ms; ` +
        `${round(total(calls) / placed, 1)} AWS calls/order at the emulator (${round(functionCalls, 1)} by the functions)` +
        (figures === undefined
          ? ''
          : `; efficiency ${figures.efficiency} [${interval?.low ?? '–'}, ${interval?.high ?? '–'}] ${figures.efficiencyVerdict} (median of ${pairs.length} rounds)`),
    );

    results.levels.push({
      ...pipeline,
      drainMs,
      callsPerOrder: perOrder(calls, placed),
      totalCallsPerOrder: round(total(calls) / placed, 1),
      functionCallsPerOrder: round(functionCalls, 1),
      byFunction,
      cpuShare: cpuShares(cpuUsed, {}, cpuWindowMs),
      invocations: invocationStats(placed),
      ceiling,
      ...(figures ?? {}),
    });
  }

  // 3. What a duplicate OrderPlaced costs (bench/duplicates.ts): order-publisher's own publishes of the
  // last pipeline round, sent again byte for byte as order-publisher, and what the consumers did.
  const again = faultProxy
    .recorded()
    .filter((r) => r.function === 'order-publisher' && r.action === 'SNS.Publish')
    .slice(0, config.duplicates);
  if (again.length > 0) {
    step(`duplicates: publishing ${again.length} OrderPlaced events again, as the stream backstop would`);
    invocations = [];
    logLines = {};
    logBytes = {};
    const fnBefore = structuredClone(faultProxy.stats().byFunction);
    for (const request of again) {
      const response = await fetch(`${faultProxy.url}/fn/order-publisher${request.path}`, {
        method: request.method,
        headers: request.headers,
        body: request.body,
      });
      await response.arrayBuffer();
      if (response.status >= 400) throw new Error(`publishing a duplicate failed: ${response.status}`);
    }
    await drained(admin.sqs, queueUrls);
    const n = again.length;
    const calls: CallMix = {};
    for (const [fn, counts] of Object.entries(faultProxy.stats().byFunction)) {
      const delta = withoutRuntime(diffCounts(counts, fnBefore[fn] ?? {}));
      if (fn !== 'order-publisher' && Object.keys(delta).length > 0) calls[fn] = perOrder(delta, n);
    }
    const stats = invocationStats(n);
    const per = (pick: (i: InvocationStats) => number) =>
      Object.fromEntries(Object.entries(stats).map(([fn, i]) => [fn, round(pick(i) / n, 3)]));
    results.duplicateProbe = {
      duplicates: n,
      publishBytes: Math.round(mean(again.map((r) => Buffer.byteLength(r.body)))),
      calls,
      invocations: per((i) => i.invocations),
      records: Object.fromEntries(
        [...new Set(invocations.map((i) => i.fn))].map((fn) => [
          fn,
          round(invocations.filter((i) => i.fn === fn).reduce((sum, i) => sum + i.batch, 0) / n, 3),
        ]),
      ),
      billedMs: per((i) => i.billedMs ?? 0),
      logBytes: per((i) => i.logBytes ?? 0),
    };
    step(
      `duplicates: per duplicate ${JSON.stringify(results.duplicateProbe.invocations)} invocations, ` +
        `${round(
          Object.values(calls).reduce((sum, c) => sum + total(c), 0),
          2,
        )} AWS calls by the consumers`,
    );
  }

  results.dlqDepth = await queueDepth(admin.sqs, stack.outputs.dlq_url);
  results.finalDuplicates = watcher.duplicates;
  await watcher.stop();
  await ceilingWatcher?.stop();
  await stopDrainers();
  drainClients.destroy();
  admin.destroy();
} finally {
  step('stopping the stack, the call counter and the emulator');
  await cleanup();
  runtimeLog.end();
}

// 2. Bundles, on a quiet machine (everything above is stopped).
if (config.bundles) {
  step(
    `bundles: size and cold import against the floor (${config.importRuns} pairs per bundle, all bundles interleaved)`,
  );
  results.bundles = await measureBundles(join(stateDir, 'bundles'), config.importRuns, step);
}

results.finishedAt = new Date().toISOString();
results.machine.loadAverageAtEnd = loadavg().map((l) => round(l, 1));
results.totalSeconds = round((performance.now() - began) / 1000, 1);
mkdirSync(config.out, { recursive: true });
const prices = loadPrices();
results.cost = results.levels.map((level) => ({ concurrency: level.concurrency, ...levelCost(level, prices) }));
const written = await writeReport(results, config.out);
for (const cost of results.cost) {
  const biggest = biggestItems(cost)
    .map((i) => `${i.name} $${i.dollars.toFixed(2)}`)
    .join(', ');
  step(
    `cost per million orders at ${cost.concurrency} in flight (${prices.region}, on-demand, ${prices.date}): $${cost.total.toFixed(2)}; biggest: ${biggest}`,
  );
}
for (const { label, options, modelled } of modelledScenarios())
  step(
    `modelled on AWS, POST → final status: ${label}, ${options.fanout} fan-out: p50 ${Math.round(modelled.p50)} ms, p99 ${Math.round(modelled.p99)} ms (bound ${Math.round(modelled.p99Bound)} ms)`,
  );
step(`wrote ${written.join(', ')}`);
step(`logs kept in ${stateDir} (runtime.log, emulator.log)`);
process.exit(0);
