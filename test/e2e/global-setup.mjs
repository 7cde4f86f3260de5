// Starts one local stack for the whole e2e run: its own emulator on a free port, a real
// `terraform apply` of infra/envs/local, the seed, and the local runtime. Tests read its
// coordinates from E2E_STACK (see support/stack.ts); global-teardown stops exactly what this started.
//
// Plain ESM on purpose: jest loads global setup outside its transform pipeline, so the stack's
// TypeScript sources are loaded through tsx, the same loader `make up` uses.
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

/** @type {import('../../emulation/emulator.js')} */
const { freePort } = await tsImport('../../emulation/emulator.ts', import.meta.url);
/** @type {import('../../local/stack/stack.js')} */
const { DEFAULT_NAME_PREFIX, startStack } = await tsImport('../../local/stack/stack.ts', import.meta.url);
/** @type {import('../../local/stack/narrate.js')} */
const { createNarrator } = await tsImport('../../local/stack/narrate.ts', import.meta.url);
/** @type {import('./support/tflocal.js')} */
const { deployTflocal } = await tsImport('./support/tflocal.ts', import.meta.url);
/** @type {import('../../build.mjs')} */
const { functionNames } = await import('../../build.mjs');

// The runtime's long-poll wait, shorter than make up's 20 s: moto fixes a received message's
// visibility timeout when the ReceiveMessage call starts, so after a test shortens a queue's
// visibility it waits for the polls already waiting to end (support/stack.ts, pollsRestarted).
// Messages still arrive the moment they are sent: a long poll returns as soon as there is one.
const RUNTIME_WAIT_SECONDS = 2;
// The pause between retries of a failed stream batch, at most (make up's: 5 s): outbox.test.ts holds
// order-publisher's batch failing through more retries than its old budget of 20.
const STREAM_MAX_RETRY_BACKOFF_MS = 250;
// Terraform variables of the e2e stack beyond make up's (infra.test.ts plans with the same):
// auth.test.ts's browser origin, whose CORS preflight the API answers.
const STACK_VARS = { cors_allowed_origins: '["http://localhost:5173"]' };

export default async function globalSetup() {
  const stateDir = mkdtempSync(join(tmpdir(), 'order-fanout-e2e-'));
  const started = performance.now();
  // Terraform's output and the runtime's log (every function's log lines): where to look when a test fails.
  const log = createWriteStream(join(stateDir, 'stack.log'));
  // What `make up` prints after "ready", uncoloured (narration.test.ts reads it).
  const narration = createWriteStream(join(stateDir, 'narration.log'));
  // Every name carries make up's prefix, as in every real environment: a test that finds a resource by
  // its bare name fails (tests read names from the outputs, support/stack.ts's named()).
  const namePrefix = DEFAULT_NAME_PREFIX;
  const narrate = createNarrator({
    functions: functionNames().map((name) => `${namePrefix}${name}`),
    color: false,
    json: false,
  });
  // tflocal.test.ts's deployment, applied beside the stack's: both wait mostly on the provider's SQS
  // waiters. E2E_SKIP_TFLOCAL=1 leaves it out, for a run without tflocal.test.ts (see make test-e2e).
  let markBuilt = () => {};
  const built = new Promise((resolve) => (markBuilt = resolve));
  const tflocal = process.env.E2E_SKIP_TFLOCAL === '1' ? undefined : deployTflocal(built);
  let stack;
  try {
    stack = await startStack({
      emulatorPort: await freePort(),
      apiPort: await freePort(),
      stateDir,
      faultProxy: true,
      namePrefix,
      step: (m) => process.stderr.write(`[e2e setup] ${m}\n`),
      verbose: (chunk) => log.write(chunk.endsWith('\n') ? chunk : `${chunk}\n`),
      onReport: (report) => narration.write(`${narrate(report)}\n`),
      onBuilt: markBuilt,
      waitTimeSeconds: RUNTIME_WAIT_SECONDS,
      streamMaxRetryBackoffMs: STREAM_MAX_RETRY_BACKOFF_MS,
      vars: STACK_VARS,
    });
  } catch (error) {
    markBuilt();
    await (await tflocal)?.stop();
    throw error;
  }
  if (tflocal !== undefined) {
    globalThis.__E2E_TFLOCAL__ = await tflocal;
    process.env.E2E_TFLOCAL = JSON.stringify(globalThis.__E2E_TFLOCAL__.deployment);
  }
  globalThis.__E2E_STACK__ = stack;
  process.env.E2E_STACK = JSON.stringify({
    endpoint: stack.endpoint,
    apiUrl: stack.apiUrl,
    consoleUrl: stack.consoleUrl,
    faultProxyUrl: stack.faultProxy.url,
    runtimeWaitSeconds: RUNTIME_WAIT_SECONDS,
    vars: STACK_VARS,
    stateDir,
    outputs: stack.outputs,
  });
  process.stderr.write(
    `[e2e setup] stack up in ${((performance.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(stack.timings)}\n`,
  );
  process.stderr.write(
    `[e2e setup] logs: ${join(stateDir, 'stack.log')} (runtime and functions), ${join(stateDir, 'narration.log')} (as make up narrates them), ${join(stateDir, 'emulator.log')}\n`,
  );
}
