// A function's worker pool that can be replaced while it serves (make watch): new invocations go to
// the pool running the new code at once; invocations already running finish on the old pool, which
// is stopped once they have. Nothing is cut off, so no batch is lost or retried because of a reload.
import type { InvokeOutcome } from './batch-result.js';
import type { Invoker } from './poller.js';
import type { WorkerPool } from './pool.js';

export class ReloadablePool implements Invoker {
  private readonly running = new Map<WorkerPool, number>();
  private readonly idleWaiters = new Map<WorkerPool, (() => void)[]>();
  private readonly retiring = new Set<WorkerPool>();

  constructor(private current: WorkerPool) {}

  warm(): Promise<void> {
    return this.current.warm();
  }

  async invoke(event: unknown): Promise<InvokeOutcome> {
    const pool = this.current;
    this.running.set(pool, (this.running.get(pool) ?? 0) + 1);
    try {
      return await pool.invoke(event);
    } finally {
      const left = (this.running.get(pool) ?? 1) - 1;
      if (left > 0) this.running.set(pool, left);
      else {
        this.running.delete(pool);
        for (const wake of this.idleWaiters.get(pool)?.splice(0) ?? []) wake();
      }
    }
  }

  /** Serves every new invocation from `next`; resolves once the old pool's running invocations have finished and it is stopped. */
  replace(next: WorkerPool): Promise<void> {
    const old = this.current;
    this.current = next;
    this.retiring.add(old);
    return (async () => {
      if (this.running.has(old)) await new Promise<void>((wake) => this.idleWaiters.set(old, [...(this.idleWaiters.get(old) ?? []), wake]));
      await old.stop();
      this.retiring.delete(old);
    })();
  }

  /** Stops the current pool and any still retiring (their running invocations are cut off, as at shutdown). */
  async stop(): Promise<void> {
    await Promise.all([this.current, ...this.retiring].map((pool) => pool.stop()));
  }
}
