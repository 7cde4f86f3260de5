// The LocalStack path (README "With LocalStack"), deployed for tflocal.test.ts: `tflocal apply` inside
// infra/envs/local, with the defaults. tflocal writes a provider override beside the configuration
// and runs terraform; this writes an override of the same shape (test credentials, the skip flags, the
// region, an endpoints block) into a copy of infra/, pointed at an emulator of its own, and applies
// with no -var. global-setup runs it beside the shared stack's apply: both spend most of their time
// in the AWS provider's SQS waits, so side by side they take about as long as one.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, startEmulator, type Emulator } from '../../../local/stack/emulator.js';
import { distDir, localEnvDir, repoRoot } from '../../../local/paths.js';

const run = promisify(execFile);

/** The services our provider block points at the emulator: tflocal's override names the same ones. */
function providerServices(): string[] {
  const providers = readFileSync(join(localEnvDir, 'providers.tf'), 'utf8');
  const endpoints = /endpoints\s*\{([^}]*)\}/.exec(providers)?.[1] ?? '';
  return [...endpoints.matchAll(/^\s*(\w+)\s*=/gm)].map((m) => m[1] ?? '');
}

/** What tflocal writes as localstack_providers_override.tf, with `endpoint` for every service. */
const tflocalOverride = (endpoint: string): string => `provider "aws" {
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  region                      = "us-east-1"

  endpoints {
${providerServices()
  .map((service) => `    ${service} = "${endpoint}"`)
  .join('\n')}
  }
}
`;

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
    cpSync(join(repoRoot, 'infra'), join(work, 'infra'), {
      recursive: true,
      // Neither Terraform's data (.terraform, or make test-e2e's .terraform-<group>) nor any state.
      filter: (source) => !/\.terraform(-[\w-]+)?$|\.tfstate/.test(source),
    });
    symlinkSync(distDir, join(work, 'dist'));
    writeFileSync(join(envDir, 'localstack_providers_override.tf'), tflocalOverride(emulator.url));
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
