// The applied local stack against its configuration: once applied, a second plan finds nothing to
// change (the emulator's quirks that used to show a diff are handled in infra/: see infra/README.md).
import { join } from 'node:path';
import { distDir } from '../../local/paths.js';
import { planIsClean } from '../../local/stack/terraform.js';
import { stack } from './support/stack.js';

it('a second terraform plan after the apply shows no changes', async () => {
  const { endpoint, stateDir, vars, outputs } = stack();
  const { clean, output } = await planIsClean({
    endpoint,
    statePath: join(stateDir, 'terraform.tfstate'),
    distDir,
    vars: { ...vars, name_prefix: outputs.name_prefix }, // as applied: every name carries the prefix
  });
  expect(clean ? 'no changes' : output).toBe('no changes');
}, 180_000);
