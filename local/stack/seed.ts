// Seeds the inventory table from local/stack/seed/products.json. Safe to run again: a product that
// already exists is left as it is (its stock may have moved since), so `make up` twice changes nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';

const ProductsSchema = z.array(
  z.object({
    productId: z.string().min(1),
    name: z.string().min(1),
    unitPrice: z.number().int().nonnegative(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    stock: z.number().int().nonnegative(),
  }),
);
export type Product = z.infer<typeof ProductsSchema>[number];

export const seedFile = join(import.meta.dirname, 'seed', 'products.json');

export function readProducts(file = seedFile): Product[] {
  return ProductsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** Puts each product unless it exists; returns how many were new. No endpoint: the SDK's own (AWS, or AWS_ENDPOINT_URL). */
export async function seed(endpoint: string | undefined, table: string, products = readProducts()): Promise<number> {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(endpoint === undefined ? {} : { endpoint }));
  let created = 0;
  for (const product of products) {
    try {
      await db.send(
        new PutCommand({ TableName: table, Item: product, ConditionExpression: 'attribute_not_exists(productId)' }),
      );
      created += 1;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  db.destroy();
  return created;
}

// `make seed`: seeds the stack that `make up` or `tflocal apply` applied (its Terraform state names
// the table; without a state, the default name), at AWS_ENDPOINT_URL.
// `--table <name>`: that table, wherever the SDK's default chain points (AWS: docs/aws.md).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { table: { type: 'string' } } });
  if (values.table !== undefined) {
    console.log(`new products: ${await seed(undefined, values.table)}`);
    process.exit(0);
  }
  const { findState, outputs } = await import('../state.js');
  const state = findState();
  const tables = (state === undefined ? {} : (await outputs(state)).table_names) as Record<string, string>;
  const endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:4566';
  console.log(`new products: ${await seed(endpoint, tables.inventory ?? 'inventory')}`);
}
