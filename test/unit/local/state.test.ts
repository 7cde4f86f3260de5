import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outputs } from '../../../local/state.js';

describe('outputs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'state-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a state file's root outputs by name, as terraform output -json gives their values", async () => {
    const path = join(dir, 'terraform.tfstate');
    writeFileSync(
      path,
      JSON.stringify({
        version: 4,
        terraform_version: '1.11.4',
        outputs: {
          name_prefix: { value: 'rehearsal-', type: 'string' },
          table_names: { value: { orders: 'rehearsal-orders' }, type: ['map', 'string'] },
          operator_role_arn: { value: null, type: 'string' },
        },
        resources: [],
      }),
    );

    await expect(outputs(path)).resolves.toEqual({
      name_prefix: 'rehearsal-',
      table_names: { orders: 'rehearsal-orders' },
      operator_role_arn: null,
    });
  });

  it('refuses a file that is not a state of format 4', async () => {
    expect.assertions(1);
    const path = join(dir, 'other.json');
    writeFileSync(path, JSON.stringify({ version: 3, outputs: {} }));
    await expect(outputs(path)).rejects.toThrow();
  });
});
