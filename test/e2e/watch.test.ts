// `make watch` beside the running stack: a saved source file is rebuilt, deployed and its
// functions' workers restarted within 2 s, and messages in flight meanwhile are not lost.
// It edits files under functions/ and restores them; at the end the deployed code is byte for byte
// what Terraform applied (the other e2e files, and the clean second plan, rely on it).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { repoRoot } from '../../local/paths.js';
import {
  effectsOf,
  finalOrders,
  getOrderResponse,
  messagesInQueue,
  orderRequest,
  postOrder,
  stockOf,
  stockProduct,
  uniqueId,
} from './support/orders.js';
import { eventually, named, stack } from './support/stack.js';

const { endpoint, apiUrl, outputs } = stack();
const lambda = new LambdaClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
const deployedCode = async () =>
  Object.fromEntries(
    await Promise.all(
      outputs.function_names.map(async (name) => [
        name,
        (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).CodeSha256,
      ]),
    ),
  ) as Record<string, string>;

/** A source file under functions/, edited for the test and always put back. */
const source = (path: string) => {
  const file = join(repoRoot, 'functions', path);
  const original = readFileSync(file, 'utf8');
  return {
    file,
    original,
    write: (text: string) => writeFileSync(file, text),
    restore: () => writeFileSync(file, original),
  };
};
const http404 = source('order-api/http.ts');
const logger = source('shared/logger.ts');

let watcher: ChildProcess;
let output = '';
let applied: Record<string, string>;
const watcherSays = async (pattern: RegExp, what: string, timeoutMs = 30_000) => {
  try {
    return await eventually(async () => (pattern.test(output) ? true : undefined), {
      timeoutMs,
      intervalMs: 20,
      what: `make watch to say ${what}`,
    });
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; it said:\n${output.slice(-3_000)}`);
  }
};

beforeAll(async () => {
  applied = await deployedCode();
  // --state: the e2e stack's, whose outputs give the functions' prefixed names (make watch finds make up's).
  watcher = spawn('npx', ['tsx', 'local/stack/watch.ts', '--state', join(stack().stateDir, 'terraform.tfstate')], {
    cwd: repoRoot,
    env: { ...process.env, AWS_ENDPOINT_URL: endpoint, API_PORT: new URL(apiUrl).port },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: npx, tsx and watch.ts are stopped together
  });
  watcher.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  watcher.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await watcherSays(/\[watch\] watching functions\//, 'it is watching', 120_000);
}, 150_000);

afterAll(async () => {
  http404.restore();
  logger.restore();
  try {
    // Back to the applied code: the same sources build the same bytes.
    await eventually(
      async () => {
        const now = await deployedCode();
        return JSON.stringify(now) === JSON.stringify(applied) ? true : undefined;
      },
      { timeoutMs: 60_000, what: 'the deployed code to be what Terraform applied again' },
    );
  } finally {
    lambda.destroy();
    const exited = new Promise((resolve) => watcher.once('exit', resolve));
    if (watcher.pid !== undefined && watcher.exitCode === null) process.kill(-watcher.pid, 'SIGTERM');
    await exited;
  }
}, 90_000);

it('the new code answers within 2 s of the save, deployed with a matching CodeSha256', async () => {
  const marker = uniqueId('watch');
  const before = await deployedCode();
  const missing = randomUUID();
  expect((await getOrderResponse<{ detail: string }>(missing)).body.detail).toBe('No order with this id');

  const savedAt = Date.now();
  http404.write(
    http404.original.replace(
      "problem(404, 'No order with this id'",
      `problem(404, 'No order with this id (${marker})'`,
    ),
  );
  const answeredAt = await eventually(
    async () =>
      (await getOrderResponse<{ detail: string }>(missing)).body.detail.includes(marker) ? Date.now() : undefined,
    {
      timeoutMs: 20_000,
      intervalMs: 25,
      what: 'the edited order-api to answer',
    },
  );

  expect(answeredAt - savedAt).toBeLessThanOrEqual(2_000);
  const after = await deployedCode();
  expect(Object.keys(after).filter((name) => after[name] !== before[name])).toEqual([named('order-api')]); // only the function that bundles the file
  await watcherSays(/http\.ts → order-api rebuilt, deployed and reloaded/, 'order-api was reloaded');
}, 60_000);

it('every function reloaded while orders are in flight: none lost, each effect once', async () => {
  const productId = await stockProduct(100);
  const dlqBefore = await messagesInQueue(outputs.dlq_url);
  const orders = await Promise.all(
    Array.from({ length: 20 }, async () => (await postOrder(orderRequest([{ productId, quantity: 1 }]))).body),
  );
  // Saved while the consumers work on those orders: logger.ts is in every bundle.
  logger.write(
    logger.original.replace("new Set(['email', ", `new Set(['${uniqueId('watch').replace(/-/g, '')}', 'email', `),
  );
  await watcherSays(
    /logger\.ts → billing, inventory, notification, order-api, order-publisher, order-status, order-sweeper rebuilt, deployed and reloaded/,
    'every function was reloaded',
    120_000,
  );

  const final = await finalOrders(orders.map((o) => o.orderId));
  expect(final.map((o) => o.status)).toEqual(orders.map(() => 'CONFIRMED'));
  for (const order of final) {
    const { billing, notifications } = await effectsOf(order);
    expect(billing).toHaveLength(1);
    expect(notifications.filter((n) => n.status === 'SENT')).toHaveLength(2);
  }
  expect(await stockOf(productId)).toBe(80);
  expect(await messagesInQueue(outputs.dlq_url)).toBe(dlqBefore);
}, 180_000);
