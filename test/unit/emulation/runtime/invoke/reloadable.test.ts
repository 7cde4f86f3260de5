import { describe, expect, it } from '@jest/globals';
import type { InvokeOutcome } from '../../../../../emulation/runtime/invoke/contract.js';
import { controlRoutes } from '../../../../../emulation/runtime/api/control.js';
import type { WorkerPool } from '../../../../../emulation/runtime/invoke/pool.js';
import { ReloadablePool } from '../../../../../emulation/runtime/invoke/reloadable.js';

/** A pool whose invocations finish when the test says so. */
function fakePool(name: string) {
  const running: ((outcome: InvokeOutcome) => void)[] = [];
  const pool = {
    name,
    stopped: false,
    invoked: 0,
    warm: async () => {},
    invoke: (_event: unknown) =>
      new Promise<InvokeOutcome>((resolve) => {
        pool.invoked += 1;
        running.push(resolve);
      }),
    stop: async () => {
      pool.stopped = true;
    },
    finishAll: () => {
      for (const finish of running.splice(0)) finish({ ok: true, value: name });
    },
  };
  return pool;
}
const asPool = (fake: ReturnType<typeof fakePool>) => fake as unknown as WorkerPool;
const tick = () => new Promise((r) => setImmediate(r));

describe('ReloadablePool', () => {
  it('sends new invocations to the new pool at once, lets running ones finish on the old, then stops it', async () => {
    const old = fakePool('old');
    const next = fakePool('new');
    const pool = new ReloadablePool(asPool(old));
    const inFlight = pool.invoke({ n: 1 });
    await tick();

    const retired = pool.replace(asPool(next));
    const later = pool.invoke({ n: 2 });
    await tick();

    expect(next.invoked).toBe(1);
    expect(old.stopped).toBe(false); // still running the first invocation
    old.finishAll();
    expect(await inFlight).toEqual({ ok: true, value: 'old' });
    await retired;
    expect(old.stopped).toBe(true);
    next.finishAll();
    expect(await later).toEqual({ ok: true, value: 'new' });
    expect(next.stopped).toBe(false);
  });

  it('stops an idle old pool at once; stop() stops the current one and any still retiring', async () => {
    const first = fakePool('first');
    const second = fakePool('second');
    const third = fakePool('third');
    const pool = new ReloadablePool(asPool(first));
    await pool.replace(asPool(second));
    expect(first.stopped).toBe(true);

    void pool.invoke({});
    await tick();
    void pool.replace(asPool(third)); // second is busy: it retires later
    await pool.stop();
    expect([second.stopped, third.stopped]).toEqual([true, true]);
  });
});

describe('the control endpoint', () => {
  const reloaded = [{ name: 'order-api', codeSha256: 'abc=' }];
  const control = controlRoutes(async () => reloaded);

  it('POST /_runtime/reload reloads and says what', async () => {
    const answer = await control('POST', '/_runtime/reload');
    expect(answer?.statusCode).toBe(200);
    expect(JSON.parse(answer?.body.toString() ?? '')).toEqual({ reloaded });
  });

  it('leaves every other path to the APIs and refuses other methods', async () => {
    expect(await control('GET', '/_aws/execute-api/x/local/orders')).toBeUndefined();
    expect((await control('GET', '/_runtime/reload'))?.statusCode).toBe(405);
  });

  it('answers 500 with the reason when the reload fails', async () => {
    const failing = controlRoutes(async () => {
      throw new Error('order-api: dist/order-api.zip is not the code deployed');
    });
    const answer = await failing('POST', '/_runtime/reload');
    expect(answer?.statusCode).toBe(500);
    expect(answer?.body.toString()).toContain('is not the code deployed');
  });
});
