import {
  chartPanels,
  chartSvg,
  judgeFlat,
  emulatorBeyondItems,
  itemsMiB,
  judgeSoak,
  judged,
  minuteLatency,
  niceMax,
  progressLine,
  SOAK_BOUNDS,
  slope,
  type SoakSample,
  warmupMinutes,
} from '../../../bench/soak-figures.js';
import type { ItemCost } from '../../../emulation/moto/item-cost.js';

/** A minute's sample: 300 orders a minute, the given memory. */
const sample = (
  minute: number,
  rss: Partial<SoakSample['rssMiB']> = {},
  over: Partial<SoakSample> = {},
): SoakSample => ({
  minute,
  placed: 300,
  finalized: 300,
  inFlight: 10,
  latencyMs: { p50: 400, p95: 900 },
  rssMiB: { emulator: 300, runtime: 200, workers: 400, ...rss },
  workerCount: 8,
  placedTotal: minute * 300,
  queued: 12,
  storedItems: { orders: minute * 300, billing: minute * 300 },
  ...over,
});

/** An order item costs the emulator 2 KiB, a billing item 1 KiB: 300 orders a minute hold 0.88 MiB more. */
const cost: ItemCost = {
  orders: { items: 100, bytesPerItem: 2048, dynamoBytesPerItem: 300 },
  billing: { items: 100, bytesPerItem: 1024, dynamoBytesPerItem: 100 },
};

const points = (values: number[], ordersPerMinute = 300) =>
  values.map((value, i) => ({ minute: i + 1, placedTotal: (i + 1) * ordersPerMinute, value }));

describe('slope', () => {
  it('is the least-squares slope: exact on a line, 0 on a constant, 0 for fewer than two points', () => {
    expect(slope([1, 2, 3, 4], [10, 12, 14, 16])).toBe(2);
    expect(slope([1, 2, 3], [5, 5, 5])).toBe(0);
    expect(slope([1], [5])).toBe(0);
    expect(slope([2, 2, 2], [1, 2, 3])).toBe(0); // no spread in x
  });

  it('fits through noise: 1, 3, 2, 4 rises by 0.8 per step', () => {
    expect(slope([0, 1, 2, 3], [1, 3, 2, 4])).toBeCloseTo(0.8, 10);
  });
});

describe('warm-up', () => {
  it('is half the run, at most the 15 minutes a shard iterator lives, at least 2', () => {
    expect([3, 8, 20, 30, 60].map(warmupMinutes)).toEqual([2, 4, 10, 15, 15]);
  });

  it('drops the samples of the warm-up minutes', () => {
    expect(judged([sample(1), sample(2), sample(3)], 2).map((s) => s.minute)).toEqual([3]);
  });
});

describe('judgeFlat', () => {
  it('calls a series flat when its slope per minute is within the bound', () => {
    const j = judgeFlat('runtime RSS', 'MiB', points([200, 201, 199, 200, 202, 200]), { maxSlopePerMinute: 0.5 });
    expect(j.verdict).toBe('flat');
    expect(j.why).toEqual([]);
    expect(j.slopePerMinute).toBeLessThan(0.5);
    expect([j.first, j.last, j.min, j.max]).toEqual([200, 200, 199, 202]);
  });

  it('says which bound a growing series broke', () => {
    const j = judgeFlat('runtime RSS', 'MiB', points([200, 202, 204, 206, 208, 210]), { maxSlopePerMinute: 0.5 });
    expect(j.verdict).toBe('grows');
    expect(j.slopePerMinute).toBe(2);
    expect(j.why).toEqual(['slope 2 MiB/min > 0.5']);
  });

  it('judges growth per 1,000 orders for what grows with the data held', () => {
    // 300 orders a minute, 3 MiB a minute: 10 MiB per 1,000 orders.
    const growing = points([300, 303, 306, 309, 312]);
    expect(judgeFlat('emulator RSS', 'MiB', growing, { maxSlopePer1000Orders: 12 }).verdict).toBe('flat');
    const j = judgeFlat('emulator RSS', 'MiB', growing, { maxSlopePer1000Orders: 8 });
    expect(j.slopePer1000Orders).toBe(10);
    expect(j.why).toEqual(['slope 10 MiB/1,000 orders > 8']);
  });

  it('compares the last third with the first for a fall (throughput) or a rise (latency)', () => {
    const falling = judgeFlat('throughput', 'orders/min', points([300, 300, 280, 250, 240, 230]), { maxFall: 0.15 });
    expect(falling.thirdsRatio).toBe(0.783);
    expect(falling.verdict).toBe('grows');
    expect(falling.why).toEqual(['last third 22 % below the first (at most 15 %)']);
    const rising = judgeFlat('latency p95', 'ms', points([900, 950, 1000, 1100, 1300, 1500]), { maxRise: 0.5 });
    expect(rising.thirdsRatio).toBe(1.514); // (1300 + 1500) / (900 + 950)
    expect(rising.verdict).toBe('grows');
    expect(judgeFlat('latency p95', 'ms', points([900, 950, 1000, 1100]), { maxRise: 0.5 }).verdict).toBe('flat');
  });

  it('cannot judge fewer than 3 samples', () => {
    const j = judgeFlat('runtime RSS', 'MiB', points([200, 260]), { maxSlopePerMinute: 0.5 });
    expect(j.verdict).toBe('too short');
    expect(j.why).toEqual(['2 sample(s) after the warm-up: at least 3 are needed']);
  });
});

describe("the emulator's memory beyond its tables' items", () => {
  it("is its RSS less each table's items times what one costs it (a table not measured counts nothing)", () => {
    expect(itemsMiB({ orders: 1024, billing: 1024, inventory: 8 }, cost)).toBe(3);
    expect(emulatorBeyondItems(sample(4, { emulator: 300 }), cost)).toBe(
      300 - itemsMiB({ orders: 1200, billing: 1200 }, cost),
    );
  });
});

describe('judgeSoak', () => {
  it('judges every series after the warm-up against the stated bounds', () => {
    const itemsAt = (m: number) => itemsMiB({ orders: m * 300, billing: m * 300 }, cost);
    const samples = [
      sample(1, { emulator: 200, runtime: 150 }), // warm-up: not judged
      sample(2, { emulator: 250, runtime: 190 }),
      // The emulator grows by its items and by 1.5 MiB a minute more (5 MiB per 1,000 orders): within the bound.
      ...[3, 4, 5, 6, 7, 8].map((m) => sample(m, { emulator: 300 + itemsAt(m) + (m - 3) * 1.5 })),
    ];
    const verdicts = judgeSoak(samples, 2, cost);
    expect(verdicts.map((j) => [j.series, j.verdict, j.samples])).toEqual([
      ["emulator RSS beyond its tables' items", 'flat', 6],
      ['runtime RSS', 'flat', 6],
      ['RSS per worker', 'flat', 6],
      ['throughput', 'flat', 6],
      ['latency p95', 'flat', 6],
      ['queued messages', 'flat', 6],
    ]);
    expect(verdicts[0]?.slopePer1000Orders).toBeCloseTo(5, 1);
    expect(verdicts[0]?.bound).toEqual({ maxSlopePer1000Orders: SOAK_BOUNDS.emulatorBeyondItemsMiBPer1000Orders });
  });

  it('finds an emulator that grows beyond its items, though its items explain part of it', () => {
    const itemsAt = (m: number) => itemsMiB({ orders: m * 300, billing: m * 300 }, cost);
    // 2.4 MiB a minute beyond the items at 300 orders a minute: 8 KB an order, a stream record's worth.
    const samples = [3, 4, 5, 6, 7, 8].map((m) => sample(m, { emulator: 300 + itemsAt(m) + (m - 3) * 2.4 }));
    const [emulator] = judgeSoak(samples, 2, cost);
    expect(emulator?.verdict).toBe('grows');
    expect(emulator?.slopePer1000Orders).toBeCloseTo(8, 1);
  });

  it('judges the workers per worker: a pool that grows by a worker is not a leak', () => {
    const samples = [3, 4, 5, 6].map((m) => sample(m, { workers: 50 * (4 + m) }, { workerCount: 4 + m }));
    expect(judgeSoak(samples, 2, cost).find((j) => j.series === 'RSS per worker')?.verdict).toBe('flat');
  });
});

describe('minuteLatency', () => {
  it('is the p50 and p95 of the minute, 0 for a minute with none', () => {
    expect(minuteLatency([100, 200, 300, 400, 500])).toEqual({ p50: 300, p95: 480 });
    expect(minuteLatency([])).toEqual({ p50: 0, p95: 0 });
  });
});

describe('progressLine', () => {
  it('prints the minute, the load and the memory', () => {
    expect(progressLine(sample(4), 30)).toBe(
      'minute 4/30: placed 300 (1200 in all), final 300, in flight 10, p50 400 ms, p95 900 ms; RSS emulator 300 MiB, runtime 200 MiB, 8 workers 400 MiB; 12 messages queued; 2400 items in the tables',
    );
  });
});

describe('the chart', () => {
  it('has three panels: memory by process, throughput, latency, each a line over the minutes', () => {
    const panels = chartPanels([sample(1), sample(2, { emulator: 310 })], cost);
    expect(panels.map((p) => [p.title, p.series.map((s) => s.label)])).toEqual([
      ['Resident memory (RSS)', ['emulator', 'emulator less items', 'runtime', 'per worker']],
      ['Throughput', ['final', 'placed']],
      ['POST → final status', ['p50', 'p95']],
    ]);
    expect(panels[0]?.series[0]?.points).toEqual([
      { x: 1, y: 300 },
      { x: 2, y: 310 },
    ]);
  });

  it.each([
    [0, 1],
    [7, 10],
    [12, 20],
    [420, 500],
    [1000, 1000],
    [0.3, 0.5],
  ])('rounds an axis maximum of %d up to %d', (value, expected) => {
    expect(niceMax(value)).toBeCloseTo(expected, 10);
  });

  it('draws one polyline per series, scaled into its panel, with an escaped title', () => {
    const svg = chartSvg(chartPanels([sample(1), sample(2)], cost), 'soak <short> & run');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(8);
    expect(svg).toContain('soak &lt;short&gt; &amp; run');
    // The memory panel's axis reaches 500 (the largest value, the emulator's 300, rounded up); its first point sits at x = 64 + 546 / 2.
    expect(svg).toContain('>500</text>');
    expect(svg).toContain('points="337,');
  });
});
