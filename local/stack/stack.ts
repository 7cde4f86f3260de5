// The whole local stack in one call: emulator → build → terraform apply → seed → runtime.
// `make up` (local/stack/up.ts) and the end-to-end tests (test/e2e/global-setup.mjs) both use it, so the
// tests run exactly what a user runs.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildFunction, functionNames } from '../../build.mjs';
import { startEmulator, type Emulator } from './emulator.js';
import { startFaultProxy, type FaultProxy } from '../fault-proxy.js';
import { startRuntime, type RuntimeReport } from '../runtime/index.js';
import { seed } from './seed.js';
import { distDir } from '../paths.js';
import * as terraform from './terraform.js';

/** The local stack always runs in one region with dummy credentials; moto accepts any. */
const LOCAL_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
} as const;

export interface StackOptions {
  emulatorPort: number;
  apiPort: number;
  /** Where the Terraform state and the logs live. */
  stateDir: string;
  /** Progress lines ("building functions", …) go here. */
  step?: (message: string) => void;
  /** Terraform's and the emulator's own output, and the runtime's log (default: dropped). */
  verbose?: (chunk: string) => void;
  /** The runtime's batches, requests and function output, typed (local/runtime/reports.ts). */
  onReport?: (report: RuntimeReport) => void;
  /** Extra Terraform variables, e.g. a shorter function timeout for a test. */
  vars?: Record<string, string>;
  /** Route the functions' AWS calls through a fault proxy (counts calls, injects faults on demand). */
  faultProxy?: boolean;
  /** Called once the bundles are in dist/ (the e2e setup applies a second configuration from them). */
  onBuilt?: () => void;
  /** The runtime's long-poll wait per ReceiveMessage (default 20 s, as Lambda's pollers wait). */
  waitTimeSeconds?: number;
  /** The runtime's longest pause between retries of a failed stream batch (default 5 s). */
  streamMaxRetryBackoffMs?: number;
}

export interface StackOutputs {
  api_id: string;
  stage_name: string;
  topic_arn: string;
  queue_urls: Record<string, string>;
  dlq_url: string;
  table_names: Record<string, string>;
  function_names: string[];
  /** The customers' user pool and the app client whose ID tokens the API accepts (local/stack/token.ts signs customers in). */
  user_pool_id: string;
  user_pool_client_id: string;
}

export interface Stack {
  endpoint: string;
  apiUrl: string;
  /** The runtime's live console (local only). */
  consoleUrl: string;
  outputs: StackOutputs;
  /** Phase durations in milliseconds, as measured by this start. */
  timings: Record<string, number>;
  emulator: Emulator;
  faultProxy?: FaultProxy;
  stop(): Promise<void>;
}

async function timed<T>(timings: Record<string, number>, phase: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    timings[phase] = Math.round(performance.now() - started);
  }
}

export async function startStack(options: StackOptions): Promise<Stack> {
  Object.assign(process.env, LOCAL_AWS_ENV);
  const step = options.step ?? (() => {});
  const timings: Record<string, number> = {};
  mkdirSync(options.stateDir, { recursive: true });

  // The emulator, the bundles and `terraform init` need nothing from one another: side by side.
  step(
    `emulator: looking for an AWS emulator on 127.0.0.1:${options.emulatorPort}; build: bundling every function; terraform: init`,
  );
  const [started, built, initialised] = await Promise.allSettled([
    timed(timings, 'emulator', () =>
      startEmulator({ port: options.emulatorPort, logFile: join(options.stateDir, 'emulator.log') }),
    ),
    timed(timings, 'build', () => Promise.all(functionNames().map(buildFunction))),
    timed(timings, 'init', () => terraform.init(options.verbose)),
  ]);
  if (started.status === 'rejected') throw started.reason;
  const emulator = started.value;
  step(
    emulator.started
      ? `emulator: started moto_server (pid ${emulator.pid})`
      : 'emulator: reusing the one already running',
  );

  try {
    if (built.status === 'rejected') throw built.reason;
    if (initialised.status === 'rejected') throw initialised.reason;
    for (const b of built.value) step(`build: ${b.name} (${(b.zipBytes / 1024).toFixed(0)} KB zip)`);
    options.onBuilt?.();

    const tf = {
      endpoint: emulator.url,
      statePath: join(options.stateDir, 'terraform.tfstate'),
      distDir,
      vars: options.vars,
      onOutput: options.verbose,
    };
    const onProgress = (summary: string) => step(`terraform: ${summary}`);
    // moto keeps nothing on disk: a state left from an emulator that is gone lists only what no longer
    // exists, and Terraform would first refresh each of those resources. A new emulator starts from none.
    if (emulator.started) rmSync(tf.statePath, { force: true });
    step(
      'terraform: apply infra/envs/local (at least ~50 s: two SQS steps of ~25 s each, the DLQ, then the queues that name it)',
    );
    const outputs = (await timed(timings, 'apply', () =>
      terraform.apply({ ...tf, onProgress }),
    )) as unknown as StackOutputs;

    step('seed: inventory from local/stack/seed/products.json');
    const created = await timed(timings, 'seed', () =>
      seed(emulator.url, outputs.table_names.inventory ?? 'inventory'),
    );
    step(`seed: ${created} new products`);

    const faultProxy = options.faultProxy ? await startFaultProxy({ target: emulator.url }) : undefined;
    if (faultProxy) step(`fault proxy: the functions' AWS calls go through ${faultProxy.url}`);

    step('runtime: discovering functions, event source mappings and the API');
    const runtime = await timed(timings, 'runtime', () =>
      startRuntime({
        endpoint: emulator.url,
        distDir,
        apiPort: options.apiPort,
        log: options.verbose,
        onReport: options.onReport,
        functionEndpoint: faultProxy?.functionUrl,
        streamCheckpointFile: join(options.stateDir, 'stream-checkpoints.json'),
        waitTimeSeconds: options.waitTimeSeconds,
        streamMaxRetryBackoffMs: options.streamMaxRetryBackoffMs,
      }),
    );

    return {
      endpoint: emulator.url,
      apiUrl: runtime.apiUrl,
      consoleUrl: runtime.consoleUrl,
      outputs,
      timings,
      emulator,
      faultProxy,
      async stop() {
        await runtime.stop();
        await faultProxy?.stop();
        await emulator.stop();
      },
    };
  } catch (error) {
    await emulator.stop();
    throw error;
  }
}
