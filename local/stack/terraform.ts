// Runs Terraform for the local environment: the same `infra/envs/local` that `make up` applies,
// with the state wherever the caller keeps it (make up: .local/, the e2e tests: a temp dir); or, with
// envDir, another configuration whose own override files point it at the emulator (make rehearse's
// copy of infra/envs/aws).
import { spawn } from 'node:child_process';
import { createApplyProgress } from './apply-progress.js';
import { localEnvDir } from '../paths.js';
import { outputs } from '../state.js';

export interface TerraformOptions {
  /** The emulator's URL: the provider's endpoints and the functions' AWS_ENDPOINT_URL. */
  endpoint: string;
  statePath: string;
  distDir: string;
  /** Extra -var values. */
  vars?: Record<string, string>;
  /** Where Terraform's own output goes (default: dropped). */
  onOutput?: (chunk: string) => void;
  /** Apply's progress ("12/40 done; waiting on …"), every few seconds while it runs. */
  onProgress?: (summary: string) => void;
  /** Called once, when the apply's plan is done and its changes begin (make up reports plan and apply apart). */
  onPlanned?: () => void;
  /**
   * The configuration, infra/envs/local by default, applied with the emulator's variables (endpoint,
   * functions_endpoint, the mappings disabled). Another one gets only dist_dir and `vars`: its own
   * override files point it at the emulator.
   */
  envDir?: string;
}

function run(args: string[], onOutput?: (chunk: string) => void, envDir = localEnvDir): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('terraform', [`-chdir=${envDir}`, ...args], {
      env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      onOutput?.(d.toString());
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      onOutput?.(d.toString());
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolvePromise(stdout)
        : reject(new Error(`terraform ${args[0]} failed (exit ${code}):\n${stderr || stdout}`)),
    );
  });
}

// envs/local's defaults are LocalStack's (tflocal apply); what moto and the local runtime need is passed here.
const varArgs = (o: TerraformOptions) =>
  Object.entries({
    ...(o.envDir === undefined
      ? { endpoint: o.endpoint, functions_endpoint: o.endpoint, event_source_mappings_enabled: 'false' }
      : {}),
    dist_dir: o.distDir,
    ...o.vars,
  }).flatMap(([k, v]) => ['-var', `${k}=${v}`]);

/** `terraform init` once: providers come from the mirror named by TF_CLI_CONFIG_FILE (see Makefile). */
export async function init(onOutput?: (chunk: string) => void, envDir = localEnvDir): Promise<void> {
  await run(['init', '-input=false', '-no-color'], onOutput, envDir);
}

/**
 * Terraform's default of 10 operations at once is too few here: the four queues and the DLQ wait
 * ~25 s each on the provider's SQS waiter, and the five functions queue behind the provider's lock
 * for zip uploads, all holding a slot, while the rest of the stack waits for one.
 */
const PARALLELISM = 30;

/** What apply and destroy both pass: no prompt, the wider parallelism, the stack's state and variables. */
const changeArgs = (verb: 'apply' | 'destroy', output: '-json' | '-no-color', o: TerraformOptions): string[] => [
  verb,
  '-auto-approve',
  '-input=false',
  output,
  `-parallelism=${PARALLELISM}`,
  `-state=${o.statePath}`,
  ...varArgs(o),
];

/** Apply's progress: at most once a second as resources complete, and every 5 s while none does (the SQS waits). */
const PROGRESS_MIN_MS = 1_000;
const PROGRESS_EVERY_MS = 5_000;

/** Splits a stream's chunks into whole lines. */
function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let rest = '';
  return (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    lines.forEach(onLine);
  };
}

/**
 * `terraform apply -json`: Terraform's machine-readable output gives each resource's start and end,
 * so the caller sees resources done / total and what the apply is waiting on, not one silent line.
 */
export async function apply(o: TerraformOptions): Promise<Record<string, unknown>> {
  const progress = createApplyProgress();
  let reportedAt = 0;
  let reported = '';
  const report = () => {
    reportedAt = Date.now();
    reported = progress.summary(reportedAt);
    o.onProgress?.(reported);
  };
  let reportedDone = 0;
  let planned = false;
  const onLine = (line: string) => {
    const text = progress.read(line);
    if (!planned && progress.planned) {
      planned = true;
      o.onPlanned?.();
    }
    if (text) o.onOutput?.(`${text}\n`);
    if (progress.done !== reportedDone && Date.now() - reportedAt >= PROGRESS_MIN_MS) {
      reportedDone = progress.done;
      report();
    }
  };
  const timer = setInterval(report, PROGRESS_EVERY_MS);
  try {
    await run(changeArgs('apply', '-json', o), lineSplitter(onLine), o.envDir);
  } catch (error) {
    const errors = progress.errors();
    throw errors.length > 0 ? new Error(`terraform apply failed:\n${errors.join('\n')}`) : error;
  } finally {
    clearInterval(timer);
  }
  if (progress.summary() !== reported) report(); // the last line says the apply is done
  return outputs(o.statePath);
}

/** `terraform plan -detailed-exitcode`: true when the deployed stack matches the configuration. */
export async function planIsClean(o: TerraformOptions): Promise<{ clean: boolean; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      'terraform',
      [
        `-chdir=${o.envDir ?? localEnvDir}`,
        'plan',
        '-detailed-exitcode',
        '-input=false',
        '-no-color',
        `-state=${o.statePath}`,
        ...varArgs(o),
      ],
      { env: { ...process.env, TF_IN_AUTOMATION: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 1 ? reject(new Error(output)) : resolvePromise({ clean: code === 0, output }),
    );
  });
}

/** `terraform destroy` of the state at statePath, with the variables the apply had. */
export async function destroy(o: TerraformOptions): Promise<void> {
  await run(changeArgs('destroy', '-no-color', o), o.onOutput, o.envDir);
}
