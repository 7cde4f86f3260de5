// `make demo` (local/demo/demo.ts) on the e2e stack, as a user runs it beside `make up`: a process of
// its own that finds the stack through its Terraform state's outputs, the emulator through
// AWS_ENDPOINT_URL and the runtime's front door through API_PORT. The demo products' stock is moved
// first, so the run passes only if the demo resets it. Its output is kept in test/e2e/artifacts/demo.log.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, stockOf, tables } from './support/orders.js';
import { stack } from './support/stack.js';

const root = join(import.meta.dirname, '..', '..');

it('runs the three scenarios and says what each service did; every outcome is as the brief says', async () => {
  // Stock the demo does not start from: it must reset it.
  for (const [productId, stock] of [
    ['p-demo-sencha', 0],
    ['p-demo-yuzu', 30],
  ] as const)
    await db.send(
      new UpdateCommand({
        TableName: tables().inventory,
        Key: { productId },
        UpdateExpression: 'SET stock = :stock',
        ExpressionAttributeValues: { ':stock': stock },
      }),
    );

  const { endpoint, apiUrl, stateDir } = stack();
  const started = Date.now();
  const { stdout, stderr } = await promisify(execFile)(
    'npx',
    ['tsx', 'local/demo/demo.ts', '--state', join(stateDir, 'terraform.tfstate')],
    {
      cwd: root,
      env: { ...process.env, AWS_ENDPOINT_URL: endpoint, API_PORT: new URL(apiUrl).port, DEMO_LANG: 'en' },
      timeout: 300_000,
    },
  ).catch((error: { stdout?: string; stderr?: string; code?: number }) => {
    throw new Error(`make demo exited ${String(error.code)}:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
  });
  mkdirSync(join(import.meta.dirname, 'artifacts'), { recursive: true });
  writeFileSync(
    join(import.meta.dirname, 'artifacts', 'demo.log'),
    `${stdout}${stderr}\n(${Date.now() - started} ms)\n`,
  );

  expect(stdout).not.toContain('✗');
  expect(stdout).toMatch(/All three scenarios ended as the brief says \([\d.]+ s\)\.\n$/);
  // What each service did, in each scenario, with where to look in the console.
  for (const said of [
    /1\/3 A normal order/,
    /✓ inventory reserved the stock \(10 → 8\)/,
    /✓ billing charged ¥2,400/,
    /✓ notification emailed the customer: order received, then order confirmed/,
    /✓ order-status applied every result and set the order CONFIRMED/,
    /2\/3 More than the stock/,
    /✓ inventory refused: out of stock: p-demo-teapot \(requested 5, available 2\)/,
    /✓ billing (had already charged, and refunded it|worked on the order too, then voided the charge)/,
    /✓ notification emailed the customer: order received, then order cancelled/,
    /✓ order-status applied every result and set the order CANCELLED \(reason: out of stock/,
    /3\/3 Many orders at once/,
    /✓ 12 orders CONFIRMED and 8 CANCELLED/,
    /✓ Stock: 12 → 0/,
    /✓ Billing kept 12 charges, ¥9,600 in all/,
    /✓ The 8 cancelled orders: inventory refused them, billing voided or refunded 8, notification sent 8 cancellation emails saying why/,
  ])
    expect(stdout).toMatch(said);
  expect(stdout.match(/Console: http:\/\/127\.0\.0\.1:\d+\/_console#[0-9a-f-]{36}/g)).toHaveLength(3);
  expect(await stockOf('p-demo-yuzu')).toBe(0);
}, 320_000);
