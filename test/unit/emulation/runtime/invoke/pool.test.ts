// Real worker processes (no network): the pool's timeout, crash, isolation and concurrency rules.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFunction } from '../../../../../build.mjs';
import { repoRoot } from '../../../../../local/paths.js';
import { WorkerPool, type FunctionProcessSpec } from '../../../../../emulation/runtime/invoke/pool.js';
import { freePort } from '../../../../../emulation/emulator.js';
import { isAlive } from '../../../../../local/stack/up-pid.js';

let dir: string;
const pools: WorkerPool[] = [];

const handlerSource = `
export const handler = async (event, context) => {
  if (event.action === 'sleep') await new Promise((resolve) => setTimeout(resolve, event.ms));
  if (event.action === 'spin') for (;;) {}
  if (event.action === 'throw') throw new TypeError('bad input');
  if (event.action === 'exit') process.exit(3);
  if (event.action === 'callback') return undefined;
  return { pid: process.pid, env: process.env, requestId: context.awsRequestId, functionName: context.functionName, remaining: context.getRemainingTimeInMillis() };
};`;

function pool(overrides: Partial<FunctionProcessSpec> = {}, concurrency = 2): WorkerPool {
  const created = new WorkerPool(
    {
      name: 'test-fn',
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:test-fn',
      moduleFile: join(dir, 'handler.mjs'),
      exportName: 'handler',
      codeDir: dir,
      timeoutSeconds: 2,
      memorySize: 128,
      env: { ONLY_THIS: 'yes', AWS_REGION: 'us-east-1' },
      ...overrides,
    },
    { concurrency, onOutput: () => {} },
  );
  pools.push(created);
  return created;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pool-test-'));
  writeFileSync(join(dir, 'handler.mjs'), handlerSource);
  writeFileSync(join(dir, 'broken.mjs'), 'throw new Error("cannot load");');
  writeFileSync(
    join(dir, 'callback.mjs'),
    'export const handler = (event, context, callback) => { setTimeout(() => callback(null, { via: "callback" }), 10); };',
  );
  process.env.PARENT_SECRET = 'parent-only';
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((created) => created.stop()));
});
afterAll(() => {
  delete process.env.PARENT_SECRET;
  rmSync(dir, { recursive: true, force: true });
});

describe('WorkerPool', () => {
  it("runs the handler with the function's environment only and a Lambda-like context", async () => {
    const fn = pool();
    await fn.warm();

    const outcome = await fn.invoke({});

    expect(outcome.ok).toBe(true);
    const value = (
      outcome as { value: { env: Record<string, string>; requestId: string; functionName: string; remaining: number } }
    ).value;
    expect(value.env).toMatchObject({ ONLY_THIS: 'yes', AWS_REGION: 'us-east-1' });
    expect(value.env.PARENT_SECRET).toBeUndefined();
    expect(value.functionName).toBe('test-fn');
    expect(value.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(value.remaining).toBeGreaterThan(1000);
    expect(value.remaining).toBeLessThanOrEqual(2000);
  });

  it('reuses a warm worker between invocations', async () => {
    const fn = pool();
    const first = await fn.invoke({});
    const second = await fn.invoke({});

    expect((first as { value: { pid: number } }).value.pid).toBe((second as { value: { pid: number } }).value.pid);
  });

  it('reports a thrown error as a function error and keeps the worker', async () => {
    const fn = pool();
    const before = await fn.invoke({});

    expect(await fn.invoke({ action: 'throw' })).toEqual({ ok: false, kind: 'error', message: 'TypeError: bad input' });
    const after = await fn.invoke({});
    expect((after as { value: { pid: number } }).value.pid).toBe((before as { value: { pid: number } }).value.pid);
  });

  it('SIGKILLs a worker that passes the function timeout, even with a blocked event loop, and starts a fresh one', async () => {
    const fn = pool({ timeoutSeconds: 1 });
    const before = await fn.invoke({});
    const pid = (before as { value: { pid: number } }).value.pid;

    const started = Date.now();
    const outcome = await fn.invoke({ action: 'spin' });

    expect(outcome).toEqual({ ok: false, kind: 'timeout', message: 'Task timed out after 1.00 seconds' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(Date.now() - started).toBeLessThan(1500);
    const after = await fn.invoke({});
    expect(after.ok).toBe(true);
    expect((after as { value: { pid: number } }).value.pid).not.toBe(pid);
    expect(isAlive(pid)).toBe(false);
  });

  it('fails the invocation of a worker that exits, and replaces it', async () => {
    const fn = pool();

    expect(await fn.invoke({ action: 'exit' })).toMatchObject({
      ok: false,
      kind: 'crash',
      message: expect.stringContaining('code 3'),
    });
    expect((await fn.invoke({})).ok).toBe(true);
  });

  it('runs up to `concurrency` invocations at once and queues the rest', async () => {
    const fn = pool({}, 2);
    await fn.warm();

    const started = Date.now();
    const outcomes = await Promise.all([1, 2, 3].map(() => fn.invoke({ action: 'sleep', ms: 400 })));
    const elapsed = Date.now() - started;

    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(fn.size).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(800); // the third waited for a free worker
    expect(elapsed).toBeLessThan(1200 + 1000); // but the first two ran side by side (+ one cold start)
  });

  it('supports callback-style handlers', async () => {
    const fn = pool({ moduleFile: join(dir, 'callback.mjs') });

    expect(await fn.invoke({})).toEqual({ ok: true, value: { via: 'callback' } });
  });

  it('reports a handler that cannot be imported, on warm-up and per invocation', async () => {
    const fn = pool({ moduleFile: join(dir, 'broken.mjs') });

    await expect(fn.warm()).rejects.toThrow(/cannot load/);
    expect(await fn.invoke({})).toMatchObject({
      ok: false,
      kind: 'error',
      message: expect.stringContaining('cannot load'),
    });
  });

  it('kills its workers on stop', async () => {
    const fn = pool();
    const outcome = await fn.invoke({});
    const pid = (outcome as { value: { pid: number } }).value.pid;

    await fn.stop();

    expect(isAlive(pid)).toBe(false);
    expect(await fn.invoke({})).toMatchObject({ ok: false, kind: 'crash' });
  });
});

describe('debugging a worker', () => {
  /** test/fixtures/source-mapped.ts bundled and mapped as build.mjs bundles a function, in a directory of its own. */
  async function sourceMappedCode(): Promise<string> {
    const { bundle, map } = await bundleFunction(
      join(repoRoot, 'test', 'fixtures', 'source-mapped.ts'),
      join(repoRoot, 'dist', 'source-mapped', 'handler.mjs'), // where build.mjs would put it: nothing is written there
    );
    const codeDir = mkdtempSync(join(dir, 'mapped-'));
    writeFileSync(join(codeDir, 'handler.mjs'), bundle);
    writeFileSync(join(codeDir, 'handler.mjs.map'), map);
    return codeDir;
  }

  async function failureLog(env: Record<string, string>): Promise<string> {
    const codeDir = await sourceMappedCode();
    const output: string[] = [];
    const mapped = new WorkerPool(
      {
        name: 'mapped-fn',
        arn: 'arn:aws:lambda:us-east-1:000000000000:function:mapped-fn',
        moduleFile: join(codeDir, 'handler.mjs'),
        exportName: 'handler',
        codeDir,
        timeoutSeconds: 5,
        memorySize: 128,
        env,
      },
      { concurrency: 1, onOutput: (_name, line) => output.push(line) },
    );
    pools.push(mapped);
    const outcome = await mapped.invoke({ quantity: 3 });
    expect(outcome).toEqual({ ok: false, kind: 'error', message: 'FixtureError: cannot reserve 3' });
    await mapped.stop(); // its output is all read once it has exited
    return output.join('\n');
  }

  it("logs a handler's error as Lambda does, its stack naming the TypeScript file and line when NODE_OPTIONS has --enable-source-maps", async () => {
    const log = await failureLog({ NODE_OPTIONS: '--enable-source-maps' });

    expect(log).toMatch(/^ERROR\tInvoke Error \t\{"errorType":"FixtureError"/m);
    expect(log).toContain('at reserve (/order-fanout/test/fixtures/source-mapped.ts:8:');
  });

  it('without the flag the same stack names only the bundle', async () => {
    const log = await failureLog({});

    expect(log).toContain('handler.mjs:');
    expect(log).not.toContain('source-mapped.ts');
  });

  it('with inspectPort, the worker answers the inspector protocol on that port (its /json endpoint)', async () => {
    const port = await freePort();
    const inspected = new WorkerPool(
      {
        name: 'inspected-fn',
        arn: 'arn:aws:lambda:us-east-1:000000000000:function:inspected-fn',
        moduleFile: join(dir, 'handler.mjs'),
        exportName: 'handler',
        codeDir: dir,
        timeoutSeconds: 5,
        memorySize: 128,
        env: {},
      },
      { concurrency: 1, onOutput: () => {}, inspectPort: port },
    );
    pools.push(inspected);
    await inspected.warm();

    const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as {
      type: string;
      webSocketDebuggerUrl: string;
    }[];

    expect(targets).toEqual([
      expect.objectContaining({ type: 'node', webSocketDebuggerUrl: expect.stringContaining(`127.0.0.1:${port}/`) }),
    ]);
    expect(await inspected.invoke({})).toMatchObject({ ok: true }); // and it still serves invocations
  });
});
