// A function's worker pool that can be replaced while it serves (make watch): new invocations go to
// the pool running the new code at once; invocations already running finish on the old pool, which
// is stopped once they have. Nothing is cut off, so no batch is lost or retried because of a reload.
import type { InvokeOutcome, Invoker } from './contract.js';
import type { WorkerPool } from './pool.js';

export class ReloadablePool implements Invoker {
  /** The invocations each pool is running now: a replaced pool is stopped once its set has settled. */
  private readonly running = new Map<WorkerPool, Set<Promise<InvokeOutcome>>>();
  private readonly retiring = new Set<WorkerPool>();

  constructor(private current: WorkerPool) {}

  warm(): Promise<void> {
    return this.current.warm();
  }

  async invoke(event: unknown): Promise<InvokeOutcome> {
    const pool = this.current;
    const invocations = this.running.get(pool) ?? new Set();
    this.running.set(pool, invocations);
    const invocation = pool.invoke(event);
    invocations.add(invocation);
    try {
      return await invocation;
    } finally {
      invocations.delete(invocation);
    }
  }

  /** Serves every new invocation from `next`; resolves once the old pool's running invocations have finished and it is stopped. */
  async replace(next: WorkerPool): Promise<void> {
    const old = this.current;
    this.current = next;
    this.retiring.add(old);
    await Promise.allSettled(this.running.get(old) ?? []);
    this.running.delete(old);
    await old.stop();
    this.retiring.delete(old);
  }

  /** Stops the current pool and any still retiring (their running invocations are cut off, as at shutdown). */
  async stop(): Promise<void> {
    await Promise.all([this.current, ...this.retiring].map((pool) => pool.stop()));
  }
}
