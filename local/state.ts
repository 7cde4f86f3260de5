// Which local stack: the Terraform state that holds it, and what its outputs say. Beneath both the
// stack's lifecycle (local/stack/) and the operator tools (local/ops/), which find a stack alike.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { localEnvDir, localStateDir } from './paths.js';

/** The state that holds the local stack: the one named, make up's, or `tflocal apply`'s default in envs/local. */
export function findState(explicit?: string): string | undefined {
  const candidates = explicit
    ? [explicit]
    : [join(localStateDir, 'terraform.tfstate'), join(localEnvDir, 'terraform.tfstate')];
  return candidates.find((path) => existsSync(path));
}

/**
 * The state's outputs, by name, as `terraform output -json` gives them: read from the state file
 * itself (its root module's outputs), so that no configuration need be initialised to read them (a
 * state from another configuration, make rehearse's copy of envs/aws, reads the same).
 */
export async function outputs(statePath: string): Promise<Record<string, unknown>> {
  const state = StateSchema.parse(JSON.parse(await readFile(statePath, 'utf8')));
  return Object.fromEntries(Object.entries(state.outputs).map(([k, v]) => [k, v.value]));
}

/** What a state file (format version 4) holds of its outputs. */
const StateSchema = z.object({
  version: z.literal(4),
  outputs: z.record(z.string(), z.object({ value: z.unknown() })).default({}),
});
