// Scheduled rules as EventBridge runs them: rate() periods, discovery from the emulator's APIs
// (mocked), the scheduled event, and the runs with Lambda's two retries of a failed one.
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import type { InvokeOutcome } from '../../../../../emulation/runtime/invoke/contract.js';
import {
  type DeployedSchedule,
  discoverSchedules,
  ratePeriodMs,
  type ScheduledRun,
  scheduledEvent,
  Scheduler,
} from '../../../../../emulation/runtime/schedules/schedules.js';

const events = mockClient(EventBridgeClient);
beforeEach(() => events.reset());

const SWEEPER_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:order-sweeper';
const RULE_ARN = 'arn:aws:events:us-east-1:000000000000:rule/order-sweeper';

describe('ratePeriodMs', () => {
  it.each([
    ['rate(1 minute)', 60_000],
    ['rate(5 minutes)', 300_000],
    ['rate(1 hour)', 3_600_000],
    ['rate(2 days)', 172_800_000],
  ])('%s runs every %d ms', (expression, ms) => {
    expect(ratePeriodMs(expression)).toBe(ms);
  });

  it.each(['rate(1 minutes)', 'rate(5 minute)', 'rate(0 minutes)', 'cron(0 12 * * ? *)', 'every minute'])(
    '%s is not a rate EventBridge accepts (or not one at all)',
    (expression) => {
      expect(ratePeriodMs(expression)).toBeUndefined();
    },
  );
});

describe('discoverSchedules', () => {
  it("finds each enabled scheduled rule's function targets, and says why it runs nothing else", async () => {
    events.on(ListRulesCommand).resolves({
      Rules: [
        { Name: 'order-sweeper', Arn: RULE_ARN, ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' },
        { Name: 'paused', Arn: `${RULE_ARN}-2`, ScheduleExpression: 'rate(1 minute)', State: 'DISABLED' },
        { Name: 'nightly', Arn: `${RULE_ARN}-3`, ScheduleExpression: 'cron(0 3 * * ? *)', State: 'ENABLED' },
        { Name: 'on-event', Arn: `${RULE_ARN}-4`, EventPattern: '{"source":["x"]}', State: 'ENABLED' },
      ],
    });
    events.on(ListTargetsByRuleCommand, { Rule: 'order-sweeper' }).resolves({
      Targets: [
        { Id: 'order-sweeper', Arn: SWEEPER_ARN },
        { Id: 'a-queue', Arn: 'arn:aws:sqs:us-east-1:000000000000:q' },
      ],
    });

    const { schedules, warnings } = await discoverSchedules(
      new EventBridgeClient({ region: 'us-east-1' }),
      new Map([[SWEEPER_ARN, 'order-sweeper']]),
    );

    expect(schedules).toEqual([
      {
        ruleName: 'order-sweeper',
        ruleArn: RULE_ARN,
        expression: 'rate(1 minute)',
        periodMs: 60_000,
        functionName: 'order-sweeper',
        input: undefined,
      },
    ]);
    expect(warnings).toEqual([
      'rule order-sweeper: target a-queue (arn:aws:sqs:us-east-1:000000000000:q) is not a deployed function; not run',
      'rule nightly: cron(0 3 * * ? *) is not run locally (only rate() expressions are)',
    ]);
  });
});

describe('scheduledEvent', () => {
  it("is EventBridge's Scheduled Event: the rule as its resource, its account and region, the time to the second", () => {
    expect(scheduledEvent({ ruleArn: RULE_ARN }, new Date('2026-12-07T03:00:00.456Z'))).toEqual({
      version: '0',
      id: expect.any(String),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: '2026-12-07T03:00:00Z',
      region: 'us-east-1',
      resources: [RULE_ARN],
      detail: {},
    });
  });
});

describe('Scheduler', () => {
  const schedule: DeployedSchedule = {
    ruleName: 'order-sweeper',
    ruleArn: RULE_ARN,
    expression: 'rate(1 minute)',
    periodMs: 60_000,
    functionName: 'order-sweeper',
    input: undefined,
  };

  /** A clock the test advances by hand: each tick() is one period. */
  const manualClock = () => {
    const ticks: (() => void)[] = [];
    return {
      every: (ms: number, tick: () => void) => {
        expect(ms).toBe(60_000);
        ticks.push(tick);
        return () => ticks.splice(0);
      },
      tick: () => {
        for (const t of ticks) t();
      },
    };
  };

  it('invokes the function with the scheduled event on each period, not before the first', async () => {
    const invoked: unknown[] = [];
    const clock = manualClock();
    const scheduler = new Scheduler(
      [schedule],
      () => ({
        invoke: async (event) => {
          invoked.push(event);
          return { ok: true, value: null };
        },
      }),
      { every: clock.every },
    );
    scheduler.start();
    expect(invoked).toEqual([]);
    clock.tick();
    clock.tick();
    await scheduler.stop();
    expect(invoked).toEqual([
      expect.objectContaining({ 'detail-type': 'Scheduled Event', resources: [RULE_ARN] }),
      expect.objectContaining({ 'detail-type': 'Scheduled Event', resources: [RULE_ARN] }),
    ]);
  });

  it('retries a failed run twice, as Lambda retries an asynchronous invocation, then gives up', async () => {
    const runs: ScheduledRun[] = [];
    const clock = manualClock();
    let done: () => void = () => {};
    const third = new Promise<void>((resolve) => (done = resolve));
    const scheduler = new Scheduler(
      [schedule],
      () => ({ invoke: async (): Promise<InvokeOutcome> => ({ ok: false, kind: 'error', message: 'boom' }) }),
      {
        every: clock.every,
        retryDelaysMs: [0, 0],
        onRun: (run) => {
          runs.push(run);
          if (run.attempt === 3) done();
        },
      },
    );
    scheduler.start();
    clock.tick();
    await third;
    await scheduler.stop();
    expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
  });

  it("sends the target's constant Input instead of the scheduled event", async () => {
    const invoked: unknown[] = [];
    const clock = manualClock();
    const scheduler = new Scheduler(
      [{ ...schedule, input: '{"orderIds":["o-1"]}' }],
      () => ({
        invoke: async (event) => {
          invoked.push(event);
          return { ok: true, value: null };
        },
      }),
      { every: clock.every },
    );
    scheduler.start();
    clock.tick();
    await scheduler.stop();
    expect(invoked).toEqual([{ orderIds: ['o-1'] }]);
  });
});
