// The shape of one run's results, as bench/run.ts gathers them and latest.json keeps them: what the
// report, the cost model and the bundle measurement share (each imports these, none imports another).
import type { CallMix, CeilingResult } from './ceiling.js';
import type { CostResult } from './cost.js';
import type { LevelResult } from './load.js';
import type { Counts } from './stats.js';

export interface BundleResult {
  name: string;
  clients: string[];
  bundleBytes: number;
  floorBytes: number;
  sizeRatio: number;
  importMs: number;
  floorImportMs: number;
  importRatio: number;
  /**
   * The same imports' CPU time (medians): what the import costs the machine, which another process's
   * load inflates far less than it inflates wall time on a shared machine. Absent from results
   * written before it was measured.
   */
  importCpuMs?: number;
  floorImportCpuMs?: number;
  importCpuRatio?: number;
  /**
   * The import's CPU with the source map build.mjs puts in the zip, under `--enable-source-maps`
   * (what NODE_OPTIONS does when Terraform's source_maps is on), and its ratio to the floor's
   * import without a map. Absent from results written before it was measured.
   */
  mapBytes?: number;
  mappedImportCpuMs?: number;
  mappedImportCpuRatio?: number;
  /** What the function's bundle has beyond the floor, by package: bytes in the output. */
  extraInputs: { path: string; bytes: number }[];
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
  efficiency?: number;
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
  levels: LevelReport[];
  bundles: BundleResult[];
  dlqDepth?: number;
  finalDuplicates?: number;
  /** Each level's cost per million orders as priced when the run ended (the report prices the mix again with bench/prices.json). */
  cost?: (CostResult & { concurrency: number })[];
}
