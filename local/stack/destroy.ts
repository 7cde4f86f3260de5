// `make destroy`: tears down the Terraform stack `make up` applied (infra/envs/local, its state in
// .local/), against the emulator that holds it, with the variables make up applies with.
// It refuses while that make up runs: its runtime polls the queues and the stream and runs the
// functions the destroy removes. Stopped, make up stops the emulator it started, and the stack goes
// with it (moto keeps its state in memory only): then there is nothing to destroy, make destroy says
// so, removes the state that lists only what is gone, and exits 0 (destroy-step.ts decides). It
// destroys a stack that outlives make up, in an emulator make up found running (one you started, or
// LocalStack: `tflocal destroy` there).
//   npx tsx local/stack/destroy.ts [--state FILE]
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { answersAws } from '../../emulation/emulator.js';
import { outputs } from '../state.js';
import { distDir as builtDir, localStateDir, repoRoot } from '../paths.js';
import * as terraform from './terraform.js';
import { destroyStep } from './destroy-step.js';
import { forgetEmulator, isAlive, recordedEmulator, runningUp } from './up-pid.js';

const { values } = parseArgs({ options: { state: { type: 'string' } } });
const statePath = values.state ?? join(localStateDir, 'terraform.tfstate');
const endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:4566';

const stateDir = dirname(statePath);
const emulator = recordedEmulator(stateDir);
const step = destroyStep({
  statePath,
  endpoint,
  stateExists: existsSync(statePath),
  upPid: runningUp(stateDir),
  emulator,
  recordedPidAlive: emulator?.pid !== undefined && isAlive(emulator.pid),
  answers: await answersAws(emulator?.url ?? endpoint, 5_000),
});
if (step.kind === 'nothing') {
  if (step.forgetState) {
    rmSync(statePath, { force: true });
    forgetEmulator(stateDir);
  }
  console.log(step.message);
  process.exit(0);
}
if (step.kind === 'refuse') {
  console.error(step.message);
  process.exit(1);
}
const started = performance.now();
console.log(`destroy: terraform destroy infra/envs/local (state ${statePath}, emulator ${endpoint})`);
try {
  await terraform.init();
  // The configuration reads the zips' hashes even to destroy: the stand-in zips do when dist/ was cleaned.
  const distDir = existsSync(join(builtDir, 'order-api.zip'))
    ? builtDir
    : join(repoRoot, 'infra', 'tests', 'fixtures', 'lambda-zips');
  // The prefix the stack was applied with, from its state (NAME_PREFIX may have changed since).
  const { name_prefix: namePrefix } = await outputs(statePath);
  await terraform.destroy({
    endpoint,
    statePath,
    distDir,
    vars: typeof namePrefix === 'string' ? { name_prefix: namePrefix } : {},
    onOutput: (chunk) => process.stdout.write(chunk),
  });
  console.log(`destroy: done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
} catch (error) {
  console.error(`make destroy failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
