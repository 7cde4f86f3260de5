import { EVENT_BYTES, ITEM_BYTES, levelCostMix } from '../../../bench/cost-inputs.js';
import { loadPrices } from '../../../bench/cost.js';
import { costSection, levelCost, markdown } from '../../../bench/report.js';
import type { BenchResults, InvocationStats, LevelReport } from '../../../bench/results.js';

const prices = loadPrices();

const stats = (invocations: number, billedMs: number, logBytes: number): InvocationStats => ({
  invocations,
  perOrder: invocations / 10,
  meanBatch: 1,
  durationMsP50: 0,
  durationMsP95: 0,
  busySeconds: 0,
  retried: 0,
  logLines: 0,
  billedMs,
  logBytes,
});

/** A level of 10 orders at 1 in flight, its counters fixed (what run.ts measures). */
const level = (overrides: Partial<LevelReport> = {}): LevelReport => ({
  concurrency: 1,
  orders: 10,
  confirmed: 10,
  cancelled: 0,
  failed: 0,
  failures: [],
  wallSeconds: 5,
  ordersPerSecond: 2,
  latencyMs: { p50: 1, p95: 1, p99: 1, max: 1 },
  postMs: { p50: 1, p95: 1, p99: 1 },
  startedAt: 0,
  endedAt: 5000,
  drainMs: 0,
  callsPerOrder: {
    'SNS.Publish': 2,
    'SQS.ReceiveMessage': 3,
    'SQS.DeleteMessageBatch': 1,
    'SESv2.SendEmail': 1,
    'DynamoDB.GetRecords': 4,
  },
  totalCallsPerOrder: 11,
  functionCallsPerOrder: 0,
  byFunction: {
    'order-api': { 'DynamoDB.BatchGetItem': 1, 'DynamoDB.TransactWriteItems': 1, 'DynamoDB.DeleteItem': 0.5 },
    inventory: { 'DynamoDB.TransactWriteItems': 1 },
  },
  cpuShare: {},
  invocations: { 'order-api': stats(10, 1000, 5000), inventory: stats(10, 500, 2000) },
  ...overrides,
});

const results = (levels: LevelReport[]): BenchResults => ({
  startedAt: '2026-12-01T15:00:00.000Z',
  machine: { cpus: 2, cpuModel: 'test', memoryGiB: 1, node: 'v20', platform: 'linux x64' },
  config: {},
  phases: {},
  levels,
  bundles: [],
});

describe('the inputs the bench does not measure', () => {
  it('sizes the records the functions write: only the final order passes 1 KB (2 write units per order-status update)', () => {
    expect(ITEM_BYTES.orderFinal).toBeGreaterThan(1024);
    expect(ITEM_BYTES.orderFinal).toBeLessThanOrEqual(2048);
    const { orderFinal: _final, ...rest } = ITEM_BYTES;
    for (const bytes of Object.values(rest)) expect(bytes).toBeLessThanOrEqual(1024);
  });

  it('sizes events far under a 64 KB chunk, ten to a receive included', () => {
    expect(EVENT_BYTES).toBeGreaterThan(300);
    expect(EVENT_BYTES * 10).toBeLessThan(64 * 1024);
  });
});

describe("a level's cost from its measured mix", () => {
  it('fills the mix from the counters: per order, with the stated inputs', () => {
    const { mix, assumptions } = levelCostMix(level());
    expect(mix.lambda).toEqual({
      'order-api': { invocations: 1, billedMs: 100, memoryMB: 256 },
      inventory: { invocations: 1, billedMs: 50, memoryMB: 256 },
    });
    expect(mix.apiRequests).toBe(1);
    expect(mix.snsSqsDeliveries).toBe(1); // inventory's 10 records, none retried, over 10 orders
    expect(mix.streamReads).toEqual({ lambda: 4, other: 0 });
    expect(mix.logBytes).toBe(500 + 350 + 200 + 350); // the code's bytes per order + Lambda's START/END/REPORT per invocation
    expect(assumptions.map((a) => a.name)).toEqual([
      'Lambda memory',
      'event payload',
      'item sizes',
      'Lambda log lines',
      'DynamoDB calls not mapped',
    ]);
    expect(assumptions.at(-1)?.value).toBe('order-api DynamoDB.DeleteItem');
  });

  it.each([
    // 2 invocations per order: 2M × $0.20/M
    ['Lambda requests', 0.4],
    // 100 ms × 0.25 GB = 0.025 GB-s × 1M × $0.0000166667
    ['Lambda GB-seconds: order-api', 0.4166675],
    // 50 ms × 0.25 GB = 0.0125 GB-s × 1M × $0.0000166667
    ['Lambda GB-seconds: inventory', 0.20833375],
    ['API Gateway REST requests', 3.5],
    // 2 publishes of 1 KB: 2M × $0.50/M
    ['SNS publishes', 1],
    // 3 receives, one chunk each: 3M × $0.40/M
    ['SQS requests: ReceiveMessage, empty long polls included', 1.2],
    // 1 delete: 1M × $0.40/M
    ['SQS requests: DeleteMessageBatch', 0.4],
    // order-api's transaction: the order (399 B) 1 KB × 2
    ['DynamoDB writes: orders', 1.25],
    // the key in the transaction, 424 B: 2 WRU
    ['DynamoDB writes: idempotency', 1.25],
    // inventory's transaction: the reservation 2, the product 2
    ['DynamoDB writes: reservations', 1.25],
    ['DynamoDB writes: inventory', 1.25],
    // the unmapped DeleteItem, 0.5 per order as 1 KB: 0.5M WRU
    ['DynamoDB writes: other', 0.3125],
    // BatchGet: the product, eventually consistent 0.5; the key, strongly consistent 1
    ['DynamoDB reads: inventory', 0.0625],
    ['DynamoDB reads: idempotency', 0.125],
    ['SES emails', 100],
    // 1,400 B × 1M / 2^30 = 1.30385 GB × $0.50
    ['CloudWatch Logs ingestion', 0.651925802230835],
  ])('%s: $%d', (name, expected) => {
    expect(levelCost(level(), prices).items.find((i) => i.name === name)?.dollars).toBeCloseTo(expected, 9);
  });

  it('totals $113.28 per million orders', () => {
    expect(levelCost(level(), prices).total).toBeCloseTo(
      0.4 + 0.4166675 + 0.20833375 + 3.5 + 1 + 1.2 + 0.4 + 4 * 1.25 + 0.3125 + 0.0625 + 0.125 + 100 + 0.651925802230835,
      9,
    );
  });
});

describe("the report's cost section", () => {
  const section = costSection(
    results([level(), level({ concurrency: 4, callsPerOrder: { ...level().callsPerOrder, 'SESv2.SendEmail': 2 } })]),
    prices,
  ).join('\n');

  it('names region, pricing and date, and a total per level with its biggest items', () => {
    expect(section).toContain('## Cost per million orders (us-east-1, on-demand, 2026-12)');
    // after SES and the API, four tables' writes at $1.25 each: the first by name is named
    expect(section).toContain(
      '| 1 | $113.28 | SES emails $100.00 (88 %), API Gateway REST requests $3.50 (3 %), DynamoDB writes: idempotency $1.25 (1 %) |',
    );
    // one more email per order: + $100
    expect(section).toContain('| 4 | $213.28 | SES emails $200.00 (94 %)');
  });

  it("lists the first level's line items, the total, the biggest named, and every assumed input", () => {
    expect(section).toContain('| SES emails | 1,000,000 emails | $0.1 per 1,000 emails | $100.00 | 88 % |');
    expect(section).toContain('| CloudWatch Logs ingestion | 1.30 GB | $0.5 per GB | $0.65 | 1 % |');
    expect(section).toContain('| **total** | | | **$113.28** | |');
    // (100 + 3.5 + 1.25) / 113.28 = 92.5 %
    expect(section).toContain(
      'Biggest: **SES emails**, **API Gateway REST requests**, **DynamoDB writes: idempotency** make 92 % of it.',
    );
    expect(section).toContain('- Lambda memory: 256 MB');
    expect(section).toContain('- DynamoDB calls not mapped: order-api DynamoDB.DeleteItem');
  });

  it('is part of the report, and absent with no levels', () => {
    expect(markdown(results([level()]), prices)).toContain(section.split('\n')[0]);
    expect(costSection(results([]), prices)).toEqual([]);
  });
});
