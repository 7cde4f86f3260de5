// Small numeric helpers for the benchmark: percentiles, medians, count deltas.

/** The p-th percentile (0..100) by linear interpolation between closest ranks; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low] ?? Number.NaN;
  const b = sorted[high] ?? Number.NaN;
  return a + (b - a) * (rank - low);
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export const mean = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / values.length;

export type Counts = Record<string, number>;

/** after − before, key by key, dropping zeros. */
export function diffCounts(after: Counts, before: Counts): Counts {
  const out: Counts = {};
  for (const [key, value] of Object.entries(after)) {
    const delta = value - (before[key] ?? 0);
    if (delta !== 0) out[key] = delta;
  }
  return out;
}

/** a + b, key by key. */
export function addCounts(a: Counts, b: Counts): Counts {
  const out: Counts = { ...a };
  for (const [key, value] of Object.entries(b)) out[key] = (out[key] ?? 0) + value;
  return out;
}

/** Every count divided by `n`, rounded to 2 decimals, sorted by key. */
export function perOrder(counts: Counts, n: number): Counts {
  return Object.fromEntries(
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => [key, Math.round((value / n) * 100) / 100]),
  );
}

export const total = (counts: Counts): number => Object.values(counts).reduce((s, v) => s + v, 0);

export const round = (value: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

// Paired ratios and the median's confidence interval, shared by the cold-import figure (a function's
// bundle against its floor) and the efficiency figure (the pipeline against its ceiling).
//
// The interval is the distribution-free one for a median, from order statistics (the sign test's
// inversion): with n independent values, the true median lies below the k-th smallest value with
// probability P(B ≤ k − 1), B ~ Binomial(n, ½), so [x₍ₖ₎, x₍ₙ₋ₖ₊₁₎] covers it with probability
// 1 − 2·P(B ≤ k − 1); k is the largest rank that keeps that at or above the level asked for. It is
// exact for any continuous distribution (no shape assumed: import times are skewed by load spikes),
// deterministic (the same inputs give the same interval, so tests check it by hand), and honest at
// the small n a benchmark affords (15 pairs, 8 rounds), where a percentile bootstrap of a median is
// known to cover less than it claims. Below 6 values no interval reaches 95 %: it is then undefined,
// and the verdict is "inconclusive".

/** log C(n, j) for j = 0..n, built up term by term (exact enough for n in the thousands, no overflow). */
function logBinomials(n: number): number[] {
  const out = [0];
  for (let j = 1; j <= n; j += 1) out.push((out[j - 1] ?? 0) + Math.log(n - j + 1) - Math.log(j));
  return out;
}

/** P(B ≤ j) for B ~ Binomial(n, ½), j = 0..n. */
export function binomialHalfCdf(n: number): number[] {
  const logHalfN = n * Math.log(0.5);
  let sum = 0;
  return logBinomials(n).map((logC) => {
    sum += Math.exp(logC + logHalfN);
    return Math.min(1, sum);
  });
}

export interface MedianInterval {
  n: number;
  median: number;
  /** The interval's ends (NaN when n is too small for the level asked). */
  low: number;
  high: number;
  /** The coverage the interval actually has (≥ the level asked), 0 when there is none. */
  confidence: number;
  /** 1-based ranks of low and high among the sorted values (0 when there is none). */
  ranks: [number, number];
}

/** The median and its distribution-free interval at `level` (default 95 %): see above. */
export function medianInterval(values: readonly number[], level = 0.95): MedianInterval {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const cdf = binomialHalfCdf(n);
  let k = 0;
  while (k + 1 <= Math.floor(n / 2) && (cdf[k] ?? 1) <= (1 - level) / 2) k += 1;
  const none = { n, median: median(sorted), low: Number.NaN, high: Number.NaN, confidence: 0, ranks: [0, 0] };
  if (k === 0) return none as MedianInterval;
  return {
    n,
    median: median(sorted),
    low: sorted[k - 1] ?? Number.NaN,
    high: sorted[n - k] ?? Number.NaN,
    confidence: 1 - 2 * (cdf[k - 1] ?? 1),
    ranks: [k, n - k + 1],
  };
}

/** a[i] / b[i], pair by pair; the two lists must be pairs (same length). */
export function pairedRatios(numerators: readonly number[], denominators: readonly number[]): number[] {
  if (numerators.length !== denominators.length)
    throw new Error(`pairedRatios: ${numerators.length} numerators for ${denominators.length} denominators`);
  return numerators.map((a, i) => a / (denominators[i] ?? Number.NaN));
}

export type Verdict = 'meets' | 'misses' | 'inconclusive';

/**
 * Whether a goal holds, judged on the interval, not on the median alone: "meets" when the whole
 * interval is on the goal's side, "misses" when the whole interval is beyond it, "inconclusive" when
 * it straddles the goal (or there is no interval).
 */
export function verdict(interval: MedianInterval, goal: number, want: 'at most' | 'at least'): Verdict {
  if (Number.isNaN(interval.low) || Number.isNaN(interval.high)) return 'inconclusive';
  if (want === 'at most') return interval.high <= goal ? 'meets' : interval.low > goal ? 'misses' : 'inconclusive';
  return interval.low >= goal ? 'meets' : interval.high < goal ? 'misses' : 'inconclusive';
}
