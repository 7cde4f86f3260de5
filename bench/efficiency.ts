// The efficiency figure: the pipeline and its ceiling (bench/ceiling.ts) alternated in short rounds at
// each level, so both sides share the same minutes of the machine's load, and the figure is the median
// of the rounds' paired ratios (pipeline orders/s ÷ ceiling orders/s of the same round) with its 95 %
// interval (bench/stats.ts): one level against one ceiling, each run once, could not tell a regression
// from the machine's mood.
import { GOALS, type RatioInterval, type RoundPair } from './results.js';
import { medianInterval, pairedRatios, round, verdict, type Verdict } from './stats.js';

export type Side = RoundPair['first'];

/**
 * Which side runs first in round r. The pipeline goes first in round 0 (the ceiling replays the
 * requests the functions made in the latest pipeline round, so there must be one), then the sides
 * alternate, so that whichever goes first in a round (a queue still settling, the emulator's tables
 * a little larger for the second) is each side's half the time with an even number of rounds.
 */
export const roundOrder = (r: number): [Side, Side] =>
  r % 2 === 0 ? ['pipeline', 'ceiling'] : ['ceiling', 'pipeline'];

/**
 * A level's orders split into `rounds` rounds as evenly as possible, each round at least `concurrency`
 * orders (every in-flight slot places at least one order), so a level may place more than asked.
 */
export function roundSizes(orders: number, rounds: number, concurrency: number): number[] {
  const n = Math.max(1, Math.floor(rounds));
  const base = Math.floor(orders / n);
  const extra = orders - base * n;
  return Array.from({ length: n }, (_, i) => Math.max(concurrency, base + (i < extra ? 1 : 0), 1));
}

export interface EfficiencyFigures {
  /** The median of the rounds' paired ratios. */
  efficiency: number;
  efficiencyInterval: RatioInterval;
  /** Against the goal (≥ 0.8) on the interval: "inconclusive" when it straddles 0.8. */
  efficiencyVerdict: Verdict;
  rounds: RoundPair[];
}

/** The level's efficiency from its rounds (pipeline and ceiling orders/s of each round, in round order). */
export function efficiencyFigures(rounds: readonly Omit<RoundPair, 'efficiency'>[]): EfficiencyFigures {
  const ratios = pairedRatios(
    rounds.map((r) => r.pipeline),
    rounds.map((r) => r.ceiling),
  );
  const interval = medianInterval(ratios);
  return {
    efficiency: round(interval.median, 3),
    efficiencyInterval: {
      low: Number.isNaN(interval.low) ? null : round(interval.low, 3),
      high: Number.isNaN(interval.high) ? null : round(interval.high, 3),
      confidence: round(interval.confidence, 4),
      pairs: interval.n,
    },
    efficiencyVerdict: verdict(interval, GOALS.efficiency, 'at least'),
    rounds: rounds.map((r, i) => ({ ...r, efficiency: round(ratios[i] ?? Number.NaN, 3) })),
  };
}
