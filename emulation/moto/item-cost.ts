// What one stored item costs the emulator's memory: item_cost.py run on samples of each table's items,
// in a Python process of its own (moto in process, the launcher's fixes applied; no server, no network).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as z from 'zod';
import { pythonCommand } from './python.mjs';

/** A table's samples: its key schema and attribute definitions (as DescribeTable gives them) and items in DynamoDB JSON. */
export interface ItemSamples {
  keySchema: unknown;
  attributeDefinitions: unknown;
  items: Record<string, unknown>[];
}

const ItemCostSchema = z.record(
  z.string(),
  z.object({
    /** How many items were stored to measure it. */
    items: z.number(),
    /** By how much the process's resident memory grew per item stored. */
    bytesPerItem: z.number(),
    /** The item's size as DynamoDB bills it. */
    dynamoBytesPerItem: z.number(),
  }),
);

/** By table: what one item of the samples' shapes costs (a table with no sample is not measured). */
export type ItemCost = z.infer<typeof ItemCostSchema>;

/** Measures each table's item cost from `copies` copies of each of its samples. */
export function measureItemCost(tables: Record<string, ItemSamples>, copies: number): ItemCost {
  const result = spawnSync(pythonCommand(), [join(import.meta.dirname, 'item_cost.py')], {
    input: JSON.stringify({ copies, tables }),
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (result.status !== 0) throw new Error(`item_cost.py: ${result.stderr || result.error?.message}`);
  return ItemCostSchema.parse(JSON.parse(result.stdout));
}
