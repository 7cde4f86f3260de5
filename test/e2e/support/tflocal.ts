// The LocalStack path (docs/local-stack.md, "With LocalStack"), deployed for tflocal.test.ts: `tflocal apply` inside
// infra/envs/local, with the defaults. tflocal writes a provider override beside the configuration
// and runs terraform; this writes an override of the same shape (test credentials, the skip flags, the
// region, an endpoints block) into a copy of infra/, pointed at an emulator of its own, and applies
// with no -var. global-setup runs it beside the shared stack's apply: both spend most of their time
// in the AWS provider's SQS waits, so side by side they take about as long as one.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, startEmulator, type Emulator } from '../../../emulation/emulator.js';
import { distDir } from '../../../local/paths.js';
import { copyInfra, providerOverride, writeOverride } from '../../../local/stack/tf-overrides.js';

const run = promisify(execFile);

export interface TflocalDeployment {
  /** The emulator the copy was applied to. */
  endpoint: string;
  /** infra/envs/local in the copy: `terraform output` there reads what was deployed. */
  envDir: string;
  /** Why the apply failed, for the test to report (the rest of the suite does not depend on it). */
  error?: string;
}

/** Deploys once `built` settles (the plan reads the bundles in dist/). Never rejects: a failure is the deployment's `error`. */
export async function deployTflocal(
  built: Promise<unknown>,
): Promise<{ deployment: TflocalDeployment; stop(): Promise<void> }> {
  // A copy of infra/ beside a link to dist/: the default dist_dir (../../../dist) holds, and the checkout is left as it is.
  const work = mkdtempSync(join(tmpdir(), 'order-fanout-tflocal-'));
  const envDir = join(work, 'infra', 'envs', 'local');
  const deployment: TflocalDeployment = { endpoint: '', envDir };
  let emulator: Emulator | undefined;
  try {
    emulator = await startEmulator({ port: await freePort() });
    deployment.endpoint = emulator.url;
    copyInfra(work);
    symlinkSync(distDir, join(work, 'dist'));
    writeOverride(envDir, 'localstack_providers_override.tf', providerOverride(emulator.url));
    await terraform(envDir, 'init', '-input=false', '-no-color');
    await built;
    await terraform(envDir, 'apply', '-auto-approve', '-input=false', '-no-color', '-parallelism=30');
  } catch (error) {
    deployment.error = error instanceof Error ? error.message : String(error);
  }
  return {
    deployment,
    async stop() {
      await emulator?.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

export async function terraform(envDir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('terraform', args, {
    cwd: envDir,
    env: { ...process.env, TF_IN_AUTOMATION: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}
