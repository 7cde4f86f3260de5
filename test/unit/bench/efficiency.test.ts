import { combineCeilingRounds, type CeilingRun } from '../../../bench/ceiling.js';
import { efficiencyFigures, roundOrder, roundSizes } from '../../../bench/efficiency.js';
import { combineRounds, type LevelRun } from '../../../bench/load.js';
import { efficiencyLines } from '../../../bench/report.js';
import type { LevelReport } from '../../../bench/results.js';

describe('roundOrder', () => {
  it('puts the pipeline first in round 0 (the ceiling replays its recording), then alternates', () => {
    expect([0, 1, 2, 3].map(roundOrder)).toEqual([
      ['pipeline', 'ceiling'],
      ['ceiling', 'pipeline'],
      ['pipeline', 'ceiling'],
      ['ceiling', 'pipeline'],
    ]);
  });
});

describe('roundSizes', () => {
  it.each([
    [250, 8, 1, [32, 32, 31, 31, 31, 31, 31, 31]],
    [100, 4, 4, [25, 25, 25, 25]],
    [40, 8, 16, [16, 16, 16, 16, 16, 16, 16, 16]], // every slot places at least one order
    [10, 0, 1, [10]],
  ])('%i orders in %i rounds at %i in flight: %j', (orders, rounds, concurrency, expected) => {
    expect(roundSizes(orders, rounds, concurrency)).toEqual(expected);
  });
});

describe('efficiencyFigures', () => {
  it('is the median of the rounds paired ratios, with the order-statistic interval (8 rounds: [x1, x8])', () => {
    // The machine slows down through the level (both sides alike): pairing keeps the ratio near 0.9.
    const ceilings = [10, 9, 8, 7, 6, 5, 4, 3];
    const ratios = [0.88, 0.92, 0.9, 0.86, 0.95, 0.89, 0.91, 0.84];
    const figures = efficiencyFigures(
      ceilings.map((ceiling, i) => ({
        pipeline: ceiling * (ratios[i] ?? 0),
        ceiling,
        first: roundOrder(i)[0],
      })),
    );
    expect(figures.efficiency).toBeCloseTo(0.895, 6);
    expect(figures.efficiencyInterval).toEqual({ low: 0.84, high: 0.95, confidence: 0.9922, pairs: 8 });
    expect(figures.efficiencyVerdict).toBe('meets');
    expect(figures.rounds.map((r) => r.efficiency)).toEqual(ratios);
    expect(figures.rounds[1]?.first).toBe('ceiling');
  });

  it('is inconclusive when the rounds straddle 0.8, and misses when all lie below', () => {
    const pairs = (ratios: number[]) =>
      efficiencyFigures(ratios.map((r, i) => ({ pipeline: r * 5, ceiling: 5, first: roundOrder(i)[0] })));
    expect(pairs([0.75, 0.78, 0.79, 0.81, 0.83, 0.85, 0.86, 0.9]).efficiencyVerdict).toBe('inconclusive');
    expect(pairs([0.6, 0.62, 0.7, 0.71, 0.72, 0.75, 0.77, 0.79]).efficiencyVerdict).toBe('misses');
  });
});

const run = (over: Partial<LevelRun> & Pick<LevelRun, 'startedAt' | 'endedAt' | 'samples'>): LevelRun => ({
  concurrency: 4,
  orders: over.samples.latencies.length,
  confirmed: over.samples.latencies.length,
  cancelled: 0,
  failed: 0,
  failures: [],
  wallSeconds: 0,
  ordersPerSecond: 0,
  latencyMs: { p50: 0, p95: 0, p99: 0, max: 0 },
  postMs: { p50: 0, p95: 0, p99: 0 },
  ...over,
});

describe('combineRounds', () => {
  it("takes every order's latency and the rounds' own wall times, not the time between them", () => {
    const level = combineRounds([
      run({ startedAt: 0, endedAt: 2000, samples: { latencies: [100, 200, 300, 400], posts: [10, 20], failures: [] } }),
      // 60 s later (a ceiling round and drains in between), 4 more orders in 2 s.
      run({
        startedAt: 62_000,
        endedAt: 64_000,
        samples: { latencies: [500, 600, 700, 800], posts: [30, 40], failures: ['x'] },
      }),
    ]);
    expect(level.orders).toBe(8);
    expect(level.wallSeconds).toBe(4);
    expect(level.ordersPerSecond).toBe(2);
    expect(level.latencyMs).toEqual({ p50: 450, p95: 765, p99: 793, max: 800 });
    expect(level.postMs.p50).toBe(25);
    expect(level.failed).toBe(1);
    expect([level.startedAt, level.endedAt]).toEqual([0, 64_000]);
  });
});

describe('combineCeilingRounds', () => {
  const ceiling = (orders: number, wallSeconds: number, latencies: number[]): CeilingRun => ({
    concurrency: 4,
    orders,
    wallSeconds,
    ordersPerSecond: orders / wallSeconds,
    latencyMs: { p50: 0, p95: 0, p99: 0 },
    recordedOrders: orders,
    unassigned: 1,
    errors: 0,
    unseen: 0,
    latencies,
  });

  it('sums orders and wall times, and takes percentiles over every replayed order', () => {
    const level = combineCeilingRounds([ceiling(10, 2, [100, 200]), ceiling(10, 3, [300, 400])]);
    expect(level).toMatchObject({ orders: 20, wallSeconds: 5, ordersPerSecond: 4, unassigned: 2 });
    expect(level.latencyMs.p50).toBe(250);
  });
});

describe('efficiencyLines', () => {
  const level = (concurrency: number, verdict: 'meets' | 'misses' | 'inconclusive') =>
    ({
      concurrency,
      efficiencyVerdict: verdict,
      rounds: [
        { pipeline: 4, ceiling: 5, first: 'pipeline', efficiency: 0.8 },
        { pipeline: 4.5, ceiling: 5, first: 'ceiling', efficiency: 0.9 },
      ],
    }) as LevelReport;

  it('lists each level’s rounds, marking those the ceiling went first in', () => {
    expect(efficiencyLines([level(1, 'meets')])).toContain(
      "- 1 in flight: 0.80, 0.90* (* the ceiling's round went first)",
    );
  });

  it.each([
    [['meets', 'meets'], '**holds**'],
    [['meets', 'misses'], '**does not hold**: missed at 4 in flight.'],
    [['inconclusive', 'misses'], '**does not hold**: missed at 4 in flight; inconclusive at 1.'],
    [['meets', 'inconclusive'], '**not shown either way**: inconclusive at 4 in flight'],
  ] as const)('judges the goal at every level: %j → %s', (verdicts, expected) => {
    const text = efficiencyLines([level(1, verdicts[0]), level(4, verdicts[1])]).join('\n');
    expect(text).toContain(expected);
  });

  it('says nothing for results without rounds', () => {
    expect(efficiencyLines([{ concurrency: 1, efficiency: 0.9 } as LevelReport])).toEqual([]);
  });
});
