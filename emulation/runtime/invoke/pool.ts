// Long-lived worker processes for one function. Each worker is one "execution environment":
// the handler module is imported once and serves one invocation at a time. The pool grows on
// demand up to `concurrency` workers and keeps them warm; a worker that passes the function
// timeout is SIGKILLed, a worker that dies fails its invocation, and a fresh one replaces it.
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { InvokeOutcome, Invoker } from './contract.js';

export interface FunctionProcessSpec {
  name: string;
  arn: string;
  /** Absolute path of the handler module inside the extracted code. */
  moduleFile: string;
  exportName: string;
  /** Working directory (LAMBDA_TASK_ROOT). */
  codeDir: string;
  timeoutSeconds: number;
  memorySize: number;
  /** The complete environment of the worker: nothing is inherited from the runtime's process. */
  env: Record<string, string>;
}

export interface PoolOptions {
  concurrency?: number;
  /** Lambda's init phase limit (10 s): a worker that has not imported its handler by then is killed. */
  initTimeoutMs?: number;
  /** Where a worker's stdout/stderr lines go (default: the runtime's stderr, prefixed with the function name). */
  onOutput?: (functionName: string, line: string) => void;
  bootstrapFile?: string;
  /** Start each worker with the inspector listening on 127.0.0.1:<port> (INSPECT=<function> make up): one worker at a time can hold it. */
  inspectPort?: number;
}

export const DEFAULT_CONCURRENCY = 4;
const BOOTSTRAP = fileURLToPath(new URL('./worker-bootstrap.mjs', import.meta.url));

type WorkerState = 'starting' | 'idle' | 'busy' | 'dead';

interface Pending {
  event: unknown;
  resolve: (outcome: InvokeOutcome) => void;
}

interface ResultMessage {
  type: 'result';
  id: string;
  ok: boolean;
  payload?: string;
  error?: { errorType: string; errorMessage: string };
}

const isMessage = (value: unknown): value is { type: string } =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';

class Worker {
  state: WorkerState = 'starting';
  private current: { id: string; resolve: (outcome: InvokeOutcome) => void; timer: NodeJS.Timeout } | undefined;
  private initTimer: NodeJS.Timeout | undefined;
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;

  constructor(
    private readonly spec: FunctionProcessSpec,
    options: Required<Pick<PoolOptions, 'initTimeoutMs' | 'onOutput' | 'bootstrapFile'>> &
      Pick<PoolOptions, 'inspectPort'>,
    private readonly onReady: (worker: Worker) => void,
    private readonly onGone: (worker: Worker, initError: string | undefined) => void,
  ) {
    this.child = fork(options.bootstrapFile, [spec.moduleFile, spec.exportName], {
      cwd: spec.codeDir,
      env: spec.env,
      execArgv: options.inspectPort === undefined ? [] : [`--inspect=127.0.0.1:${options.inspectPort}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) options.onOutput(spec.name, line);
      });
      stream?.on('end', () => {
        if (partial !== '') options.onOutput(spec.name, partial);
      });
    }
    let initError: string | undefined;
    this.initTimer = setTimeout(() => {
      initError = `init did not finish within ${options.initTimeoutMs} ms`;
      this.kill();
    }, options.initTimeoutMs);
    this.child.on('message', (message: unknown) => {
      if (!isMessage(message)) return;
      if (message.type === 'ready') {
        clearTimeout(this.initTimer);
        this.state = 'idle';
        this.onReady(this);
      } else if (message.type === 'init-error') {
        const error = (message as { error?: { errorType?: string; errorMessage?: string } }).error;
        initError = `${error?.errorType ?? 'Error'}: ${error?.errorMessage ?? 'init failed'}`;
      } else if (message.type === 'result') {
        this.settle(message as ResultMessage);
      }
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        clearTimeout(this.initTimer);
        const wasStarting = this.state === 'starting';
        this.state = 'dead';
        if (this.current !== undefined) {
          const { resolve: finish, timer } = this.current;
          clearTimeout(timer);
          this.current = undefined;
          finish({
            ok: false,
            kind: 'crash',
            message: `worker exited (${signal ?? `code ${String(code)}`}) during the invocation`,
          });
        }
        this.onGone(
          this,
          wasStarting ? (initError ?? `worker exited (${signal ?? `code ${String(code)}`}) during init`) : undefined,
        );
        resolve();
      });
    });
  }

  invoke(event: unknown, resolve: (outcome: InvokeOutcome) => void): void {
    this.state = 'busy';
    const id = randomUUID();
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    const timer = setTimeout(() => {
      if (this.current?.id !== id) return;
      this.current = undefined;
      resolve({
        ok: false,
        kind: 'timeout',
        message: `Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`,
      });
      this.kill();
    }, timeoutMs);
    this.current = { id, resolve, timer };
    this.child.send(
      {
        type: 'invoke',
        id,
        event,
        context: {
          awsRequestId: id,
          functionName: this.spec.name,
          functionVersion: '$LATEST',
          invokedFunctionArn: this.spec.arn,
          memoryLimitInMB: String(this.spec.memorySize),
          logGroupName: `/aws/lambda/${this.spec.name}`,
          logStreamName: `local/${String(this.child.pid)}`,
          deadlineMs: Date.now() + timeoutMs,
        },
      },
      (error) => {
        // A worker that died since it said it was idle: its exit handler fails the invocation as a crash.
        // Without this callback the failed send is an uncaught EPIPE that takes the runtime down.
        if (error) this.kill();
      },
    );
  }

  private settle(message: ResultMessage): void {
    if (this.current === undefined || this.current.id !== message.id) return;
    const { resolve, timer } = this.current;
    clearTimeout(timer);
    this.current = undefined;
    this.state = 'idle';
    if (message.ok) {
      let value: unknown;
      try {
        value = JSON.parse(message.payload ?? 'null');
      } catch {
        value = null;
      }
      resolve({ ok: true, value });
    } else {
      resolve({
        ok: false,
        kind: 'error',
        message: `${message.error?.errorType ?? 'Error'}: ${message.error?.errorMessage ?? ''}`,
      });
    }
    this.onReady(this);
  }

  kill(): void {
    if (this.state === 'dead' || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
  }
}

export class WorkerPool implements Invoker {
  private readonly workers = new Set<Worker>();
  private readonly queue: Pending[] = [];
  private readonly concurrency: number;
  private readonly options: Required<Pick<PoolOptions, 'initTimeoutMs' | 'onOutput' | 'bootstrapFile'>> &
    Pick<PoolOptions, 'inspectPort'>;
  private closed = false;

  constructor(
    readonly spec: FunctionProcessSpec,
    options: PoolOptions = {},
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
    this.options = {
      initTimeoutMs: options.initTimeoutMs ?? 10_000,
      onOutput: options.onOutput ?? ((name, line) => process.stderr.write(`[${name}] ${line}\n`)),
      bootstrapFile: options.bootstrapFile ?? BOOTSTRAP,
      inspectPort: options.inspectPort,
    };
  }

  /** Starts one warm worker and waits until its handler is imported; rejects when the handler cannot load. */
  async warm(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.spawn(resolve, reject);
    });
  }

  get size(): number {
    return this.workers.size;
  }

  invoke(event: unknown): Promise<InvokeOutcome> {
    if (this.closed) return Promise.resolve({ ok: false, kind: 'crash', message: 'runtime is stopping' });
    return new Promise((resolve) => {
      this.queue.push({ event, resolve });
      this.dispatch();
    });
  }

  /** Kills every worker (SIGKILL) and waits for them to exit; queued invocations fail. */
  async stop(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0))
      pending.resolve({ ok: false, kind: 'crash', message: 'runtime is stopping' });
    const exits = [...this.workers].map((worker) => {
      worker.kill();
      return worker.exited;
    });
    await Promise.all(exits);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const idle = [...this.workers].find((worker) => worker.state === 'idle');
      if (idle !== undefined) {
        const next = this.queue.shift();
        if (next !== undefined) idle.invoke(next.event, next.resolve);
        continue;
      }
      const starting = [...this.workers].filter((worker) => worker.state === 'starting').length;
      // Start another worker only for invocations no starting worker will pick up.
      if (this.workers.size < this.concurrency && starting < this.queue.length) {
        this.spawn();
        continue;
      }
      return;
    }
  }

  private spawn(onReady?: () => void, onInitFailed?: (error: Error) => void): void {
    const worker = new Worker(
      this.spec,
      this.options,
      () => {
        onReady?.();
        onReady = undefined;
        this.dispatch();
      },
      (gone, initError) => {
        this.workers.delete(gone);
        if (initError !== undefined) {
          onInitFailed?.(new Error(`${this.spec.name}: ${initError}`));
          // An environment that cannot initialise fails the invocation waiting for it, as Lambda does.
          const next = this.queue.shift();
          next?.resolve({ ok: false, kind: 'error', message: `init failed: ${initError}` });
        }
        if (this.closed) return;
        // Keep one warm worker: the next invocation after a timeout or crash gets a fresh environment at once.
        if (this.workers.size === 0 && initError === undefined) this.spawn();
        this.dispatch();
      },
    );
    this.workers.add(worker);
  }
}
