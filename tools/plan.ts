// `make plan`: the pull request's plan summary of infra/envs/aws, offline and with no AWS account.
// envs/aws is planned in a temporary copy through a plan-only override (a local backend, fake
// credentials, no account lookup), so nothing is written to the repository and no AWS API is called:
// the plan is every resource to create, as for an empty account. The markdown goes to stdout,
// progress to stderr.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { distDir, repoRoot } from '../local/paths.js';
import { renderPlan } from './plan-markdown.js';

export const PLAN_ONLY_OVERRIDE = `# Written by \`make plan\` into a temporary copy of envs/aws: plan without an account.
terraform {
  backend "local" {}
}

provider "aws" {
  access_key                  = "plan-only"
  secret_key                  = "plan-only"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
`;

function terraform(dir: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    // Only the plan-only provider settings: no profile or role from the caller's environment.
    const env = { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', AWS_PROFILE: '', AWS_ENDPOINT_URL: '' };
    const child = spawn('terraform', [`-chdir=${dir}`, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`terraform ${args[0]} failed (exit ${code}):\n${stderr || stdout}`)),
    );
  });
}

export interface OfflinePlan {
  json: unknown;
  text: string;
}

/** Plans infra/envs/aws in a temporary copy with the plan-only override; the copy is removed. */
export async function planOffline(step: (message: string) => void = () => {}): Promise<OfflinePlan> {
  const work = mkdtempSync(join(tmpdir(), 'order-fanout-plan-'));
  try {
    // The copy keeps envs/aws's relative path to the modules (../../modules).
    const env = join(work, 'envs', 'aws');
    const skip = new Set(['.terraform', '.terraform.lock.hcl', 'terraform.tfstate', 'terraform.tfstate.backup']);
    cpSync(join(repoRoot, 'infra', 'envs', 'aws'), env, { recursive: true, filter: (src) => !skip.has(basename(src)) });
    symlinkSync(join(repoRoot, 'infra', 'modules'), join(work, 'modules'));
    writeFileSync(join(env, 'plan_only_override.tf'), PLAN_ONLY_OVERRIDE);

    step('terraform init (local backend, providers from the configured mirror or registry)');
    await terraform(env, ['init', '-input=false', '-no-color']);
    step('terraform plan infra/envs/aws (fake credentials: nothing is read from or sent to AWS)');
    const vars = ['-var', `dist_dir=${distDir}`];
    if (!process.env.TF_VAR_sender_email) vars.push('-var', 'sender_email=orders@example.org');
    if (!process.env.TF_VAR_name_prefix) vars.push('-var', 'name_prefix=plan-');
    const text = await terraform(env, ['plan', '-input=false', '-no-color', '-lock=false', '-out=tfplan', ...vars]);
    const json: unknown = JSON.parse(await terraform(env, ['show', '-json', 'tfplan']));
    return { json, text };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const step = (message: string) =>
    console.error(`[plan ${((performance.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}`);
  try {
    const { json, text } = await planOffline(step);
    process.stdout.write(
      renderPlan(json, text, {
        title: 'infra/envs/aws',
        note: '_Planned offline by `make plan`: an empty state and fake credentials, so every resource is new._',
      }),
    );
    step('done');
  } catch (error) {
    console.error(`make plan failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
