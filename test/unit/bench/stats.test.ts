import { binomialHalfCdf, medianInterval, pairedRatios, verdict } from '../../../bench/stats.js';

describe('binomialHalfCdf', () => {
  it('is the cumulative Binomial(n, ½) distribution', () => {
    // n = 4: 1, 4, 6, 4, 1 out of 16.
    expect(binomialHalfCdf(4)).toEqual([1 / 16, 5 / 16, 11 / 16, 15 / 16, 1].map((p) => expect.closeTo(p, 12)));
  });

  it('stays finite for n far beyond 0.5ⁿ underflow', () => {
    const cdf = binomialHalfCdf(2000);
    expect(cdf[1000]).toBeCloseTo(0.5 + 0.5 * 0.017839, 4); // P(B ≤ n/2) = ½ + ½ P(B = n/2)
    expect(cdf[2000]).toBe(1);
  });
});

describe('medianInterval (order statistics, 95 %)', () => {
  // Ranks and coverage worked by hand from the binomial table:
  //  n = 6:  P(B ≤ 0) = 1/64 ≤ 0.025                   → [x1, x6], 1 − 2/64
  //  n = 10: P(B ≤ 1) = 11/1024, P(B ≤ 2) = 56/1024     → [x2, x9], 1 − 22/1024
  //  n = 15: P(B ≤ 3) = 576/32768, P(B ≤ 4) = 1941/32768 → [x4, x12], 1 − 1152/32768
  it.each([
    [6, [1, 6], 1 - 2 / 64],
    [10, [2, 9], 1 - 22 / 1024],
    [15, [4, 12], 1 - 1152 / 32768],
  ])('n = %i: ranks %j, coverage %f', (n, ranks, coverage) => {
    const values = Array.from({ length: n }, (_, i) => (n - i) * 10); // given in descending order
    const interval = medianInterval(values);
    expect(interval.ranks).toEqual(ranks);
    expect(interval.low).toBe((ranks[0] ?? 0) * 10);
    expect(interval.high).toBe((ranks[1] ?? 0) * 10);
    expect(interval.confidence).toBeCloseTo(coverage, 12);
    expect(interval.confidence).toBeGreaterThanOrEqual(0.95);
  });

  it('has no 95 % interval below 6 values (P(B ≤ 0) = 1/32 > 0.025 at n = 5)', () => {
    const interval = medianInterval([1, 2, 3, 4, 5]);
    expect(interval.median).toBe(3);
    expect(interval.low).toBeNaN();
    expect(interval.high).toBeNaN();
    expect(interval.confidence).toBe(0);
  });

  it('takes a lower level when asked: n = 5 at 90 % is [x1, x5]', () => {
    expect(medianInterval([5, 1, 4, 2, 3], 0.9)).toMatchObject({ low: 1, high: 5, ranks: [1, 5] });
  });

  it('is unmoved by an outlier beyond its ranks, as a mean-based interval would not be', () => {
    const quiet = [1.0, 1.02, 1.05, 1.07, 1.08, 1.1, 1.11, 1.12, 1.15, 1.2];
    const spiked = [...quiet.slice(0, 9), 9.0]; // one import caught by a load spike
    expect(medianInterval(spiked)).toMatchObject({ low: 1.02, high: 1.15 });
    expect(medianInterval(quiet)).toMatchObject({ low: 1.02, high: 1.15 });
  });
});

describe('pairedRatios', () => {
  it('divides pair by pair', () => {
    expect(pairedRatios([120, 90, 300], [100, 100, 200])).toEqual([1.2, 0.9, 1.5]);
  });

  it('refuses lists that are not pairs', () => {
    expect(() => pairedRatios([1, 2], [1])).toThrow('2 numerators for 1 denominators');
  });
});

describe('verdict', () => {
  const interval = (low: number, high: number) => ({ ...medianInterval([low, high]), low, high });

  it.each([
    [1.02, 1.14, 'meets'],
    [1.02, 1.15, 'meets'],
    [1.1, 1.3, 'inconclusive'],
    [1.16, 1.3, 'misses'],
  ] as const)('at most 1.15: [%f, %f] %s', (low, high, expected) => {
    expect(verdict(interval(low, high), 1.15, 'at most')).toBe(expected);
  });

  it.each([
    [0.82, 0.95, 'meets'],
    [0.75, 0.85, 'inconclusive'],
    [0.6, 0.79, 'misses'],
  ] as const)('at least 0.8: [%f, %f] %s', (low, high, expected) => {
    expect(verdict(interval(low, high), 0.8, 'at least')).toBe(expected);
  });

  it('is inconclusive without an interval', () => {
    expect(verdict(medianInterval([0.5, 0.6, 0.7]), 0.8, 'at least')).toBe('inconclusive');
  });
});
