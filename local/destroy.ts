// `make destroy`: tears down the Terraform stack `make up` applied (infra/envs/local, its state in
// .local/), against the emulator that holds it, with the variables make up applies with. The
// emulator itself keeps running (moto keeps its state only in memory: stopping it loses everything
// anyway, so destroy matters while it runs, or against LocalStack: `tflocal destroy` there).
//   npx tsx local/destroy.ts [--state FILE]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as terraform from './terraform.js';

const { values } = parseArgs({ options: { state: { type: 'string' } } });
const statePath = values.state ?? join(terraform.repoRoot, '.local', 'terraform.tfstate');
const endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:4566';

if (!existsSync(statePath)) {
  console.log(`Nothing to destroy: no Terraform state at ${statePath}.`);
  process.exit(0);
}
try {
  await fetch(endpoint, { signal: AbortSignal.timeout(5_000) });
} catch {
  console.error(`Nothing answers at ${endpoint}: the stack lived in that emulator (moto keeps no state on disk). Start it again with make up.`);
  process.exit(1);
}
const started = performance.now();
console.log(`destroy: terraform destroy infra/envs/local (state ${statePath}, emulator ${endpoint})`);
try {
  await terraform.init();
  // The configuration reads the zips' hashes even to destroy: the stand-in zips do when dist/ was cleaned.
  const dist = join(terraform.repoRoot, 'dist');
  const distDir = existsSync(join(dist, 'order-api.zip')) ? dist : join(terraform.repoRoot, 'infra', 'tests', 'fixtures', 'lambda-zips');
  await terraform.destroy({ endpoint, statePath, distDir, onOutput: (chunk) => process.stdout.write(chunk) });
  console.log(`destroy: done in ${((performance.now() - started) / 1000).toFixed(1)} s. If make up is still running, its runtime has nothing left to run: make down stops it.`);
} catch (error) {
  console.error(`make destroy failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
