// The whole local stack in one call: emulator → build → terraform apply → seed → runtime.
// `make up` (local/stack/up.ts) and the end-to-end tests (test/e2e/global-setup.mjs) both use it, so the
// tests run exactly what a user runs.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildFunction, functionNames } from '../../build.mjs';
import { startEmulator, type Emulator } from '../../emulation/emulator.js';
import { startFaultProxy, type FaultProxy } from '../../emulation/fault-proxy.js';
import { createIamGate, type IamReport } from '../../emulation/iam/gate.js';
import { startRuntime, type RuntimeReport } from '../../emulation/runtime/index.js';
import { CONSOLE_PATH, mountConsole } from '../console/server.js';
import { seed } from './seed.js';
import { distDir as defaultDistDir } from '../paths.js';
import type { Span } from './phases.js';
import * as terraform from './terraform.js';

/**
 * The name prefix of make up's stack and of the e2e stacks (NAME_PREFIX= for none): every name carries
 * one, as in every real environment, so that a tool or test that finds a resource by its bare name fails here.
 */
export const DEFAULT_NAME_PREFIX = 'local-';

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
  /** The runtime's batches, requests and function output, typed (emulation/runtime/reports.ts). */
  onReport?: (report: RuntimeReport) => void;
  /** Extra Terraform variables, e.g. a shorter function timeout for a test. */
  vars?: Record<string, string>;
  /** infra/envs/local's name_prefix (default DEFAULT_NAME_PREFIX). */
  namePrefix?: string;
  /** What is applied: infra/envs/local by default; make rehearse passes its copy of infra/envs/aws. */
  deployment?: Deployment;
  /**
   * Where the functions are built, applied and run from (default dist/). make rehearse builds into a
   * directory of its own: beside make test's e2e tests, watch.test.ts edits sources and rebuilds dist/.
   */
  distDir?: string;
  /** Route the functions' AWS calls through a fault proxy (counts calls, injects faults on demand). */
  faultProxy?: boolean;
  /**
   * Authorise every call a function makes, or the runtime makes for it, as AWS would: its role's
   * policies and the target's resource policy (emulation/iam/). Default on; the calls then go through the proxy.
   */
  iam?: boolean;
  /** With iam: the account is in the SES sandbox (recipients must be verified identities). Default off. */
  sesSandbox?: boolean;
  /** Called once the bundles are in dist/ (the e2e setup applies a second configuration from them). */
  onBuilt?: () => void;
  /** The runtime's long-poll wait per ReceiveMessage (default 20 s, as Lambda's pollers wait). */
  waitTimeSeconds?: number;
  /** One function's worker with the inspector on a port (INSPECT=<function> make up; see the runtime's option). */
  inspect?: { functionName: string; port: number };
  /** The runtime's longest pause between retries of a failed stream batch (default 5 s). */
  streamMaxRetryBackoffMs?: number;
}

/** How startStack applies the stack's Terraform to the emulator it found or started. */
export interface Deployment {
  /** The configuration, for the progress lines ("infra/envs/local"). */
  name: string;
  /** Its `terraform init`, run while the emulator starts and the functions build. */
  init(onOutput?: (chunk: string) => void): Promise<void>;
  /** Its apply against the emulator: the outputs. */
  apply(options: terraform.TerraformOptions): Promise<Record<string, unknown>>;
}

/** infra/envs/local, with the emulator's variables and the name prefix. */
const localDeployment = (vars: Record<string, string>): Deployment => ({
  name: 'infra/envs/local',
  init: (onOutput) => terraform.init(onOutput),
  apply: (options) => terraform.apply({ ...options, vars: { ...vars, ...options.vars } }),
});

export interface StackOutputs {
  /** The prefix every name below carries (name_prefix). */
  name_prefix: string;
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
  /** The same phases as wall-clock spans (performance.now()): some run side by side (local/stack/phases.ts). */
  spans: Span[];
  emulator: Emulator;
  faultProxy?: FaultProxy;
  /** What the IAM gate allowed and denied, per role (undefined when IAM is not enforced). */
  iamReport?: () => IamReport;
  stop(): Promise<void>;
}

async function timed<T>(
  timings: Record<string, number>,
  spans: Span[],
  phase: string,
  work: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    const ended = performance.now();
    timings[phase] = Math.round(ended - started);
    spans.push({ phase, startMs: started, endMs: ended });
  }
}

export async function startStack(options: StackOptions): Promise<Stack> {
  Object.assign(process.env, LOCAL_AWS_ENV);
  const step = options.step ?? (() => {});
  const timings: Record<string, number> = {};
  const spans: Span[] = [];
  mkdirSync(options.stateDir, { recursive: true });
  const distDir = options.distDir ?? defaultDistDir;
  const deployment =
    options.deployment ?? localDeployment({ name_prefix: options.namePrefix ?? DEFAULT_NAME_PREFIX, ...options.vars });

  // The emulator, the bundles and `terraform init` need nothing from one another: side by side.
  step(
    `emulator: looking for an AWS emulator on 127.0.0.1:${options.emulatorPort}; build: bundling every function; terraform: init`,
  );
  const [started, built, initialised] = await Promise.allSettled([
    timed(timings, spans, 'emulator', () =>
      startEmulator({ port: options.emulatorPort, logFile: join(options.stateDir, 'emulator.log') }),
    ),
    timed(timings, spans, 'build', () => Promise.all(functionNames().map((name) => buildFunction(name, distDir)))),
    timed(timings, spans, 'init', () => deployment.init(options.verbose)),
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
      onOutput: options.verbose,
    };
    const onProgress = (summary: string) => step(`terraform: ${summary}`);
    // moto keeps nothing on disk: a state left from an emulator that is gone lists only what no longer
    // exists, and Terraform would first refresh each of those resources. A new emulator starts from none.
    if (emulator.started) rmSync(tf.statePath, { force: true });
    step(
      `terraform: apply ${deployment.name} (at least ~50 s: two SQS steps of ~25 s each, the DLQ, then the queues that name it)`,
    );
    // The apply's plan and its changes, apart: the plan ends when Terraform reports its change summary.
    const applyStarted = performance.now();
    let plannedAt: number | undefined;
    const onPlanned = () => {
      plannedAt = performance.now();
      timings.plan = Math.round(plannedAt - applyStarted);
      spans.push({ phase: 'plan', startMs: applyStarted, endMs: plannedAt });
    };
    const outputs = (await timed(timings, spans, 'apply', () =>
      deployment.apply({ ...tf, onProgress, onPlanned }),
    )) as unknown as StackOutputs;
    // "apply" is what follows the plan (the whole command when no plan was reported).
    const applySpan = spans.at(-1);
    if (plannedAt !== undefined && applySpan?.phase === 'apply') {
      applySpan.startMs = plannedAt;
      timings.apply = Math.round(applySpan.endMs - plannedAt);
    }
    step(`terraform: every name carries the prefix "${outputs.name_prefix}"`);

    step('seed: inventory from local/stack/seed/products.json');
    const inventory = outputs.table_names.inventory;
    if (inventory === undefined) throw new Error('the stack has no inventory table (outputs.table_names)');
    const created = await timed(timings, spans, 'seed', () => seed(emulator.url, inventory));
    step(`seed: ${created} new products`);

    const iam = options.iam ?? true;
    const gate = iam
      ? createIamGate({ endpoint: emulator.url, region: LOCAL_AWS_ENV.AWS_REGION, sesSandbox: options.sesSandbox })
      : undefined;
    const faultProxy =
      options.faultProxy || gate !== undefined ? await startFaultProxy({ target: emulator.url, gate }) : undefined;
    step(
      iam
        ? `IAM: enforced — every call a function makes is authorised with its role's policies and the target's resource policy (${faultProxy?.url ?? ''})${options.sesSandbox ? '; SES sandbox: recipients must be verified' : ''}`
        : 'IAM: NOT enforced (LOCAL_IAM=off): the emulator lets every call through, as no AWS account would',
    );
    if (options.faultProxy && faultProxy) step(`fault proxy: the functions' AWS calls go through ${faultProxy.url}`);

    step('runtime: discovering functions, event source mappings and the API');
    const liveConsole = mountConsole({
      endpoint: emulator.url,
      region: LOCAL_AWS_ENV.AWS_REGION,
      credentials: {
        accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID,
        secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY,
      },
    });
    const runtime = await timed(timings, spans, 'runtime', () =>
      startRuntime({
        endpoint: emulator.url,
        distDir,
        // functions/<name> is built as dist/<name>.zip and deployed as <prefix><name>.
        zipName: (name) => (name.startsWith(outputs.name_prefix) ? name.slice(outputs.name_prefix.length) : name),
        apiPort: options.apiPort,
        log: options.verbose,
        onReport: (report) => {
          liveConsole.observe(report);
          options.onReport?.(report);
        },
        localRoutes: liveConsole.routes,
        functionEndpoint: faultProxy?.functionUrl,
        mayInvoke: gate?.mayInvoke,
        streamCheckpointFile: join(options.stateDir, 'stream-checkpoints.json'),
        waitTimeSeconds: options.waitTimeSeconds,
        inspect: options.inspect,
        streamMaxRetryBackoffMs: options.streamMaxRetryBackoffMs,
      }),
    );

    return {
      endpoint: emulator.url,
      apiUrl: runtime.apiUrl,
      consoleUrl: `${runtime.frontDoorUrl}${CONSOLE_PATH}`,
      outputs,
      timings,
      spans,
      emulator,
      faultProxy,
      ...(gate === undefined ? {} : { iamReport: () => gate.report() }),
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
