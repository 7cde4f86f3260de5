// emulation/moto/item-cost.ts and item_cost.py: what one stored item costs the emulator's memory, measured on moto in a
// Python process of its own (no server, no network). make soak uses it to tell the tables' data from a leak.
import { describe, expect, it } from '@jest/globals';
import { measureItemCost } from '../../../../emulation/moto/item-cost.js';

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
    const cost = measureItemCost(
      {
        small: table([{ id: { S: 'a' } }]),
        large: table([{ id: { S: 'a' }, ...large }]),
        numbered: {
          keySchema: [{ AttributeName: 'n', KeyType: 'HASH' }],
          attributeDefinitions: [{ AttributeName: 'n', AttributeType: 'N' }],
          items: [{ n: { N: '7' }, text: { S: 'x' } }],
        },
        empty: table([]),
      },
      3000,
    );
    expect(Object.keys(cost).sort()).toEqual(['large', 'numbered', 'small']); // a table with no sample is not measured
    expect(cost.numbered?.items).toBe(3000); // copies of a Number key are numbered too
    expect(cost.small?.items).toBe(3000);
    expect(cost.large?.dynamoBytesPerItem).toBeGreaterThan(20 * 40);
    expect(cost.small?.dynamoBytesPerItem).toBeLessThan(10);
    expect(cost.large?.bytesPerItem).toBeGreaterThan(cost.large?.dynamoBytesPerItem ?? 0);
    expect(cost.large?.bytesPerItem).toBeGreaterThan(3 * (cost.small?.bytesPerItem ?? 0));
  }, 120_000);
});
