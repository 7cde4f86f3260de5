import { describe, expect, it } from '@jest/globals';
import { createNarrator } from '../../../../local/stack/narrate.js';
import type { RuntimeReport } from '../../../../emulation/runtime/index.js';

const FUNCTIONS = ['billing', 'inventory', 'notification', 'order-api', 'order-status'];
const ORDER = '7d0c2a6e-1b7f-4c51-9a39-2f4f0f6b1c11';
const output = (functionName: string, fields: Record<string, unknown>): RuntimeReport => ({
  type: 'output',
  time: '2026-12-01T08:00:09.000Z',
  functionName,
  line: JSON.stringify({
    level: 'INFO',
    timestamp: '2026-12-01T08:00:00.123Z',
    service: functionName,
    sampling_rate: 0,
    ...fields,
  }),
});

// One order's fan-out as the runtime reports it, in the order it runs.
const fanOut: RuntimeReport[] = [
  output('order-api', { message: 'request', route: 'POST /orders', status: 202, orderId: ORDER, requestId: 'r-1' }),
  {
    type: 'request',
    time: '2026-12-01T08:00:00.130Z',
    functionName: 'order-api',
    method: 'POST',
    path: '/_aws/execute-api/abc123/local/orders',
    status: 202,
    durationMs: 48,
  },
  output('inventory', {
    message: 'stock reserved',
    orderId: ORDER,
    eventType: 'OrderPlaced',
    eventId: `${ORDER}:OrderPlaced`,
    messageId: 'm-1',
    receiveCount: 1,
  }),
  output('billing', { message: 'payment decided', orderId: ORDER, status: 'CAPTURED', eventType: 'OrderPlaced' }),
  output('notification', {
    level: 'WARN',
    message: 'notification claimed but not recorded as sent; sending again',
    orderId: ORDER,
    eventType: 'OrderPlaced',
  }),
  {
    type: 'batch',
    startedAt: '2026-12-01T08:00:00.289Z',
    time: '2026-12-01T08:00:00.350Z',
    functionName: 'inventory',
    source: { kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:000000000000:inventory-queue', name: 'inventory-queue' },
    records: 1,
    items: [],
    failures: 0,
    verdict: 'success',
    reason: 'no batch item failures',
    durationMs: 61,
    deleteFailures: 0,
  },
  output('order-status', { message: 'order CONFIRMED', orderId: ORDER, eventType: 'PaymentCaptured' }),
];

describe('the narration of make up', () => {
  it('one compact line per report, prefixed with the function name (time, level, orderId, message, what else it said)', () => {
    const narrate = createNarrator({ functions: FUNCTIONS, color: false, json: false });
    expect(fanOut.map(narrate)).toEqual([
      `order-api    │ 08:00:00.123 INFO  ${ORDER} request route=POST /orders status=202`,
      'order-api    │ 08:00:00.130 POST /orders → 202, 48 ms',
      `inventory    │ 08:00:00.123 INFO  ${ORDER} stock reserved eventType=OrderPlaced`,
      `billing      │ 08:00:00.123 INFO  ${ORDER} payment decided status=CAPTURED eventType=OrderPlaced`,
      `notification │ 08:00:00.123 WARN  ${ORDER} notification claimed but not recorded as sent; sending again eventType=OrderPlaced`,
      'inventory    │ 08:00:00.350 batch sqs:inventory-queue 1 record, 0 failed, 61 ms',
      `order-status │ 08:00:00.123 INFO  ${ORDER} order CONFIRMED eventType=PaymentCaptured`,
    ]);
  });

  it('a failed batch says how many records failed and why; an error line shows the error, not its stack', () => {
    const narrate = createNarrator({ functions: FUNCTIONS, color: false, json: false });
    const failed: RuntimeReport = {
      type: 'batch',
      startedAt: '2026-12-01T08:00:00.000Z',
      time: '2026-12-01T08:00:01.000Z',
      functionName: 'billing',
      source: { kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:000000000000:billing-queue', name: 'billing-queue' },
      records: 3,
      items: [],
      failures: 3,
      verdict: 'failed',
      reason: 'timeout: Task timed out after 10.00 seconds',
      durationMs: 10_004,
      deleteFailures: 0,
    };
    expect(narrate(failed)).toBe(
      'billing      │ 08:00:01.000 batch sqs:billing-queue 3 records, 3 failed (timeout: Task timed out after 10.00 seconds), 10.00 s',
    );
    const error = output('billing', {
      level: 'ERROR',
      message: 'record failed',
      orderId: ORDER,
      error: { name: 'ThrottlingException', message: 'Rate exceeded', stack: 'at …' },
    });
    expect(narrate(error)).toBe(
      `billing      │ 08:00:00.123 ERROR ${ORDER} record failed error=ThrottlingException: Rate exceeded`,
    );
  });

  it('a metrics line (EMF, as Powertools Metrics writes it) reads as the metrics it counts', () => {
    const narrate = createNarrator({ functions: FUNCTIONS, color: false, json: false });
    const emf = {
      _aws: {
        Timestamp: Date.parse('2026-12-01T08:00:03.250Z'),
        CloudWatchMetrics: [
          {
            Namespace: 'order-fanout',
            Dimensions: [['service']],
            Metrics: [{ Name: 'OrderPlacedSeconds', Unit: 'Seconds' }],
          },
        ],
      },
      service: 'order-status',
      orderId: ORDER,
      OrderPlacedSeconds: 1.2,
    };
    expect(
      narrate({
        type: 'output',
        time: '2026-12-01T08:00:03.300Z',
        functionName: 'order-status',
        line: JSON.stringify(emf),
      }),
    ).toBe(`order-status │ 08:00:03.250 METRIC ${ORDER} OrderPlacedSeconds=1.2 Seconds`);
  });

  it('prints what is not a Powertools line as it came, and a request API Gateway answered itself under api-gateway', () => {
    const narrate = createNarrator({ functions: FUNCTIONS, color: false, json: false });
    expect(
      narrate({
        type: 'output',
        time: '2026-12-01T08:00:02.000Z',
        functionName: 'inventory',
        line: 'plain text from console.log',
      }),
    ).toBe('inventory    │ 08:00:02.000 plain text from console.log');
    expect(
      narrate({
        type: 'request',
        time: '2026-12-01T08:00:02.500Z',
        functionName: undefined,
        method: 'GET',
        path: '/nowhere',
        status: 403,
        durationMs: 1,
        note: 'no route',
      }),
    ).toBe('api-gateway  │ 08:00:02.500 GET /nowhere → 403, 1 ms (no route)');
  });

  it('on a TTY each function has a colour of its own, and WARN/ERROR stand out', () => {
    const narrate = createNarrator({ functions: FUNCTIONS, color: true, json: false });
    const lines = FUNCTIONS.map((name) => narrate(output(name, { message: 'hello', orderId: ORDER })) ?? '');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the ANSI colour code under test
    const colours = lines.map((line) => /^\u001b\[(\d+)m/.exec(line)?.[1]);
    expect(new Set(colours).size).toBe(FUNCTIONS.length);
    expect(colours.every((code) => code !== undefined)).toBe(true);
    expect(narrate(output('billing', { level: 'ERROR', message: 'boom' }))).toContain('\u001b[31mERROR');
    expect(
      createNarrator({ functions: FUNCTIONS, color: false, json: false })(output('billing', { message: 'x' })),
    ).not.toContain('\u001b');
  });

  it("LOG_FORMAT=json: the functions' raw JSON lines, and the reports as JSON", () => {
    const narrate = createNarrator({ functions: FUNCTIONS, color: true, json: true });
    const line = fanOut[0];
    expect(narrate(line as RuntimeReport)).toBe(line?.type === 'output' ? line.line : '');
    expect(JSON.parse(narrate(fanOut[1] as RuntimeReport) ?? '')).toEqual(fanOut[1]);
  });
});
