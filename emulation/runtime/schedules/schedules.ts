// Scheduled EventBridge rules, run the way EventBridge runs them (AWS "Creating a rule that runs on
// a schedule", "Schedule expressions for rules", "Amazon EventBridge events" for the event's shape):
//  - discovered from the emulator's own APIs: every ENABLED rule on the default bus that has a
//    ScheduleExpression (ListRules), and each of its targets that is a deployed function
//    (ListTargetsByRule); nothing is configured twice;
//  - `rate(N unit)` runs every N minutes, hours or days, the first run one period after the start;
//  - each run invokes the function asynchronously with EventBridge's "Scheduled Event" (or the
//    target's constant Input), whether or not the previous run has ended;
//  - a run that fails is retried twice, as Lambda retries an asynchronous invocation (AWS waits
//    about 1 then 2 minutes; the delays are options here).
// It does not run `cron()` expressions (a warning says so), targets other than functions, input
// transformers, or rules on other buses (schedules exist only on the default bus).
import { randomUUID } from 'node:crypto';
import { type EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import type { InvokeOutcome, Invoker } from '../invoke/contract.js';

export interface DeployedSchedule {
  ruleName: string;
  ruleArn: string;
  expression: string;
  /** The period of a rate() expression. */
  periodMs: number;
  functionName: string;
  /** The target's constant Input (JSON), sent instead of the scheduled event; undefined: none. */
  input: string | undefined;
}

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** The period of `rate(1 minute)`, `rate(5 minutes)`, …; undefined for cron() and anything EventBridge refuses. */
export function ratePeriodMs(expression: string): number | undefined {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (match === null) return undefined;
  const value = Number(match[1]);
  const unit = match[2] ?? '';
  const singular = unit.replace(/s$/, '') as keyof typeof UNIT_MS;
  // EventBridge: the singular unit for 1, the plural for more; never 0.
  if (value < 1 || (value === 1) !== (unit === singular)) return undefined;
  return value * UNIT_MS[singular];
}

/** The event EventBridge sends a rule's target on each run of its schedule. */
export function scheduledEvent(schedule: Pick<DeployedSchedule, 'ruleArn'>, time: Date): Record<string, unknown> {
  const [, , , region = '', account = ''] = schedule.ruleArn.split(':');
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account,
    time: `${time.toISOString().slice(0, 19)}Z`,
    region,
    resources: [schedule.ruleArn],
    detail: {},
  };
}

/** The scheduled rules whose targets are these functions (by ARN), and why any other is not run. */
export async function discoverSchedules(
  events: EventBridgeClient,
  functionsByArn: ReadonlyMap<string, string>,
): Promise<{ schedules: DeployedSchedule[]; warnings: string[] }> {
  const schedules: DeployedSchedule[] = [];
  const warnings: string[] = [];
  let next: string | undefined;
  do {
    const page = await events.send(new ListRulesCommand({ NextToken: next }));
    for (const rule of page.Rules ?? []) {
      if (rule.ScheduleExpression === undefined || rule.Name === undefined || rule.Arn === undefined) continue;
      if (rule.State !== 'ENABLED') continue;
      const periodMs = ratePeriodMs(rule.ScheduleExpression);
      if (periodMs === undefined) {
        warnings.push(`rule ${rule.Name}: ${rule.ScheduleExpression} is not run locally (only rate() expressions are)`);
        continue;
      }
      const { Targets = [] } = await events.send(new ListTargetsByRuleCommand({ Rule: rule.Name }));
      for (const target of Targets) {
        // A function ARN, possibly with a version or alias qualifier.
        const functionName =
          functionsByArn.get(target.Arn ?? '') ?? functionsByArn.get((target.Arn ?? '').replace(/:[^:]+$/, ''));
        if (functionName === undefined) {
          warnings.push(
            `rule ${rule.Name}: target ${target.Id ?? '?'} (${target.Arn ?? '?'}) is not a deployed function; not run`,
          );
          continue;
        }
        if (target.InputPath !== undefined || target.InputTransformer !== undefined)
          warnings.push(`rule ${rule.Name}: target ${target.Id ?? '?'}'s InputPath/InputTransformer is ignored`);
        schedules.push({
          ruleName: rule.Name,
          ruleArn: rule.Arn,
          expression: rule.ScheduleExpression,
          periodMs,
          functionName,
          input: target.Input,
        });
      }
    }
    next = page.NextToken;
  } while (next !== undefined);
  return { schedules, warnings };
}

export interface ScheduledRun {
  schedule: DeployedSchedule;
  /** 1 for the scheduled run, then 2 and 3 for Lambda's retries of a failed one. */
  attempt: number;
  outcome: InvokeOutcome;
  durationMs: number;
}

export interface SchedulerOptions {
  /** Lambda's pauses before the two retries of a failed asynchronous invocation (default 60 s, 120 s). */
  retryDelaysMs?: readonly number[];
  onRun?: (run: ScheduledRun) => void;
  /** Calls `tick` every `ms` until the returned function is called (tests pass their own clock). */
  every?: (ms: number, tick: () => void) => () => void;
  now?: () => Date;
}

const everyWithTimers = (ms: number, tick: () => void): (() => void) => {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
};

/** Runs each schedule's function on its period until stopped. */
export class Scheduler {
  private readonly cancels: (() => void)[] = [];
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly schedules: readonly DeployedSchedule[],
    private readonly invokerOf: (functionName: string) => Invoker | undefined,
    private readonly options: SchedulerOptions = {},
  ) {}

  start(): void {
    const every = this.options.every ?? everyWithTimers;
    for (const schedule of this.schedules) this.cancels.push(every(schedule.periodMs, () => this.run(schedule, 1)));
  }

  /** Stops the clocks and pending retries; resolves when runs already started have ended. */
  async stop(): Promise<{ unfinished: number }> {
    this.stopped = true;
    for (const cancel of this.cancels) cancel();
    for (const timer of this.pending) clearTimeout(timer);
    await Promise.allSettled([...this.running]);
    return { unfinished: 0 };
  }

  private run(schedule: DeployedSchedule, attempt: number): void {
    if (this.stopped) return;
    const invoker = this.invokerOf(schedule.functionName);
    if (invoker === undefined) return;
    const now = this.options.now?.() ?? new Date();
    const event = schedule.input === undefined ? scheduledEvent(schedule, now) : JSON.parse(schedule.input);
    const started = Date.now();
    const running = invoker.invoke(event).then(
      (outcome) => this.settled(schedule, attempt, outcome, Date.now() - started),
      (error: unknown) =>
        this.settled(schedule, attempt, { ok: false, kind: 'crash', message: String(error) }, Date.now() - started),
    );
    this.running.add(running);
    void running.finally(() => this.running.delete(running));
  }

  private settled(schedule: DeployedSchedule, attempt: number, outcome: InvokeOutcome, durationMs: number): void {
    this.options.onRun?.({ schedule, attempt, outcome, durationMs });
    const delays = this.options.retryDelaysMs ?? [60_000, 120_000];
    const delay = delays[attempt - 1];
    if (outcome.ok || delay === undefined || this.stopped) return;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      this.run(schedule, attempt + 1);
    }, delay);
    timer.unref();
    this.pending.add(timer);
  }
}
