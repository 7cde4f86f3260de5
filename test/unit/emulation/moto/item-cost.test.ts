// emulation/moto/item_cost.py: what one stored item costs the emulator's memory, measured on moto in a
// Python process of its own (no server, no network). make soak uses it to tell the tables' data from a leak.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pythonCommand } from '../../../../emulation/moto/python.mjs';

const itemCost = join(import.meta.dirname, '..', '..', '..', '..', 'emulation', 'moto', 'item_cost.py');
const table = (items: Record<string, unknown>[]) => ({
  keySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  attributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
  items,
});

describe('emulation/moto/item_cost.py', () => {
  it('measures per table what an item of that shape holds: more attributes, more memory', () => {
    const large = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`attribute${i}`, { M: { text: { S: 'x'.repeat(40) }, n: { N: '1' } } }]),
    );
    const result = spawnSync(pythonCommand(), [itemCost], {
      input: JSON.stringify({
        copies: 3000,
        tables: { small: table([{ id: { S: 'a' } }]), large: table([{ id: { S: 'a' }, ...large }]), empty: table([]) },
      }),
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      timeout: 120_000,
    });
    if (result.status !== 0) throw new Error(`item_cost.py: ${result.stderr}`);
    const cost = JSON.parse(result.stdout) as Record<
      string,
      { items: number; bytesPerItem: number; dynamoBytesPerItem: number }
    >;
    expect(Object.keys(cost).sort()).toEqual(['large', 'small']); // a table with no sample is not measured
    expect(cost.small?.items).toBe(3000);
    expect(cost.large?.dynamoBytesPerItem).toBeGreaterThan(20 * 40);
    expect(cost.small?.dynamoBytesPerItem).toBeLessThan(10);
    expect(cost.large?.bytesPerItem).toBeGreaterThan(cost.large?.dynamoBytesPerItem ?? 0);
    expect(cost.large?.bytesPerItem).toBeGreaterThan(3 * (cost.small?.bytesPerItem ?? 0));
  }, 120_000);
});
