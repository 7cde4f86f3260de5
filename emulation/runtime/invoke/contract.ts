// The runtime's one contract between what delivers events (SQS and stream pollers, the front door,
// schedules) and what runs functions (the worker pools): invoke a function with an event, learn how
// it ended. Lambda's own outcomes: the handler's value, or an error, a timeout or a crash.

/** How one invocation ended: the handler's value, or why there is none. */
export type InvokeOutcome =
  | { ok: true; value: unknown }
  | { ok: false; kind: 'error' | 'timeout' | 'crash'; message: string };

/** Runs one function: a worker pool, or a reloadable one in front of it. */
export interface Invoker {
  invoke(event: unknown): Promise<InvokeOutcome>;
}
