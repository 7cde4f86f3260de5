// Which local stack: the Terraform state that holds it, and what its outputs say. Beneath both the
// stack's lifecycle (local/stack/) and the operator tools (local/ops/), which find a stack alike.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { localEnvDir, localStateDir } from './paths.js';

/** The state that holds the local stack: the one named, make up's, or `tflocal apply`'s default in envs/local. */
export function findState(explicit?: string): string | undefined {
  const candidates = explicit
    ? [explicit]
    : [join(localStateDir, 'terraform.tfstate'), join(localEnvDir, 'terraform.tfstate')];
  return candidates.find((path) => existsSync(path));
}

/** The state's outputs, by name (`terraform output -json`). */
export async function outputs(statePath: string): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(
    'terraform',
    [`-chdir=${localEnvDir}`, 'output', '-json', `-state=${statePath}`],
    { env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' }, maxBuffer: 16 * 1024 * 1024 },
  );
  const json = JSON.parse(stdout) as Record<string, { value: unknown }>;
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, v.value]));
}
