// Where things are, for every local/ module, tool and test: one place instead of each one climbing
// from its own directory.
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..');
/** make up's own state: Terraform's state, the pid file, the Terraform CLI config (gitignored). */
export const localStateDir = join(repoRoot, '.local');
/** build.mjs's output: one zip per function. */
export const distDir = join(repoRoot, 'dist');
/** The Terraform environment make up applies. */
export const localEnvDir = join(repoRoot, 'infra', 'envs', 'local');
