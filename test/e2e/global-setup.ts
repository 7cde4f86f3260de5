// Starts one local stack for the whole e2e run: its own emulator on a free port, a real
// `terraform apply` of infra/envs/local, the seed, and the local runtime. Tests read its
// coordinates from E2E_STACK; global-teardown stops exactly what this started.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/emulator.js';
import { startStack, type Stack } from '../../local/stack.js';
import type { E2EStack } from './support/stack.js';

declare global {
  var __E2E_STACK__: Stack | undefined;
}

export default async function globalSetup(): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'order-fanout-e2e-'));
  const started = performance.now();
  const stack = await startStack({
    emulatorPort: await freePort(),
    apiPort: await freePort(),
    stateDir,
    step: (m) => process.stderr.write(`[e2e setup] ${m}\n`),
  });
  globalThis.__E2E_STACK__ = stack;
  const info: E2EStack = { endpoint: stack.endpoint, apiUrl: stack.apiUrl, stateDir, outputs: stack.outputs };
  process.env.E2E_STACK = JSON.stringify(info);
  process.stderr.write(`[e2e setup] stack up in ${((performance.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(stack.timings)}\n`);
}
