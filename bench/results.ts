// The shape of one run's results, as bench/run.ts gathers them and latest.json keeps them: what the
// report, the cost model and the bundle measurement share (each imports these, none imports another).
import type { CallMix, CeilingResult } from './ceiling.js';
import type { CostResult } from './cost.js';
import type { DuplicateProbe } from './duplicates.js';
import type { LevelResult } from './load.js';
import type { Span } from '../local/stack/phases.js';
import type { Counts, Verdict } from './stats.js';

/** The design's goals for the figures: efficiency at least 0.8 at every level, a function's bundle and cold import at most 1.15 × its floor. */
export const GOALS = { efficiency: 0.8, bundleRatio: 1.15 } as const;

/** A median's interval as results keep it: its ends, the coverage it has, and how many values it rests on. */
export interface RatioInterval {
  /** null when there were too few values for a 95 % interval (fewer than 6). */
  low: number | null;
  high: number | null;
  confidence: number;
  pairs: number;
}

export interface BundleResult {
  name: string;
  clients: string[];
  bundleBytes: number;
  floorBytes: number;
  sizeRatio: number;
  /** Medians of the function's and the floor's import times. */
  importMs: number;
  floorImportMs: number;
  /**
   * The median of the paired ratios (function ÷ floor, imported back to back), not the ratio of the
   * medians; results written before pairs were kept hold the ratio of the medians and no interval.
   */
  importRatio: number;
  /** The median's 95 % order-statistic interval (bench/stats.ts medianInterval), over `pairs` pairs. */
  importRatioInterval?: RatioInterval;
  /** Against the goal (≤ 1.15 ×) on the interval: "inconclusive" when it straddles the goal. */
  importVerdict?: Verdict;
  /**
   * The same imports' CPU time (medians): what the import costs the machine, which another process's
   * load inflates far less than it inflates wall time on a shared machine. Absent from results
   * written before it was measured.
   */
  importCpuMs?: number;
  floorImportCpuMs?: number;
  importCpuRatio?: number;
  importCpuRatioInterval?: RatioInterval;
  importCpuVerdict?: Verdict;
  /**
   * The import's CPU with the source map build.mjs puts in the zip, under `--enable-source-maps`
   * (what NODE_OPTIONS does when Terraform's source_maps is on), and its ratio to the floor's
   * import without a map. Absent from results written before it was measured.
   */
  mapBytes?: number;
  mappedImportCpuMs?: number;
  /** The median of the paired ratios (mapped import's CPU ÷ the floor's, imported right before it). */
  mappedImportCpuRatio?: number;
  /** What the function's bundle has beyond the floor, by package: bytes in the output. */
  extraInputs: { path: string; bytes: number }[];
}

/** One round of a level: each side's orders/s, which went first, and their ratio. */
export interface RoundPair {
  pipeline: number;
  ceiling: number;
  first: 'pipeline' | 'ceiling';
  efficiency: number;
}

export interface InvocationStats {
  invocations: number;
  perOrder: number;
  meanBatch: number;
  durationMsP50: number;
  durationMsP95: number;
  busySeconds: number;
  retried: number;
  logLines: number;
  /** Milliseconds Lambda would bill for the level: each invocation's duration rounded up to 1 ms, summed. */
  billedMs?: number;
  /** Bytes the function's code logged in the level (lines and their newlines). */
  logBytes?: number;
}

export interface LevelReport extends LevelResult {
  drainMs: number;
  callsPerOrder: Counts;
  totalCallsPerOrder: number;
  functionCallsPerOrder: number;
  byFunction: CallMix;
  cpuShare: Record<string, number>;
  invocations: Record<string, InvocationStats>;
  ceiling?: CeilingResult & { callsPerOrder: Counts };
  /**
   * The median of the rounds' paired ratios (pipeline orders/s ÷ ceiling orders/s of one round,
   * bench/efficiency.ts); results written before rounds hold one level's ratio and no interval.
   */
  efficiency?: number;
  efficiencyInterval?: RatioInterval;
  efficiencyVerdict?: Verdict;
  rounds?: RoundPair[];
}

export interface BenchResults {
  startedAt: string;
  finishedAt?: string;
  totalSeconds?: number;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    platform: string;
    loadAverageAtStart?: number[];
    loadAverageAtEnd?: number[];
  };
  config: Record<string, unknown>;
  phases: Record<string, number>;
  /** The same phases as spans (ms from the bench's start): the report totals them as wall clock. Absent from older results. */
  phaseSpans?: Span[];
  levels: LevelReport[];
  bundles: BundleResult[];
  dlqDepth?: number;
  finalDuplicates?: number;
  /** What one duplicate OrderPlaced made the consumers do (bench/duplicates.ts); absent when not measured. */
  duplicateProbe?: DuplicateProbe;
  /** Each level's cost per million orders as priced when the run ended (the report prices the mix again with bench/prices.json). */
  cost?: (CostResult & { concurrency: number })[];
}
