// Time on AWS, modelled: POST /orders → the order's final status for this design, built from per-hop
// latencies published by people who measured them on AWS (bench/README.md lists each figure with its
// source). Nothing here is measured on this machine: the local stack hands stream records and
// messages over at once, so local latency says nothing about AWS's.
//
// Method: each hop's published p50 and p99 fix a log-normal distribution (μ = ln p50,
// σ = ln(p99 / p50) / z₀.₉₉, z₀.₉₉ = 2.3263): latencies are positive and right-skewed, and two
// quantiles pin the two parameters exactly. The path is a tree of hops in sequence (their times add)
// and branches side by side (the slower one decides: a maximum). A seeded Monte Carlo draws every hop
// independently, sums and maxes them along the tree, and reads p50 and p99 off the samples: p99s do
// not add (the sum of five p99s is a 1-in-10¹⁰ event if the hops are independent), and there is no
// closed form for sums of log-normals. Beside it, a conservative bound: p99s added along the path,
// maxed at branches (what the path takes if every hop has its bad day at once). Cold starts: each
// Lambda invocation on the path adds an init duration with a stated probability.
//
// What it assumes: hops independent of one another (a slow region-wide minute would correlate them:
// then the bound is nearer the truth), published figures transferable to us-east-1 and to our
// payload sizes, and warm invocation overhead inside the figures (the messaging figures were
// measured Lambda to Lambda).
import { seededRandom } from '../emulation/fault-proxy.js';

/** One hop: published p50 and p99 in milliseconds, and where the figures come from (bench/README.md). */
export interface Hop {
  name: string;
  p50: number;
  p99: number;
  source: string;
}

/** A path: a hop, hops in sequence, branches side by side (the slowest decides), or a hop that happens with a probability. */
export type Path = { hop: Hop } | { seq: Path[] } | { par: Path[] } | { maybe: Path; probability: number; why: string };

export const hop = (h: Hop): Path => ({ hop: h });
export const seq = (...paths: Path[]): Path => ({ seq: paths });
export const par = (...paths: Path[]): Path => ({ par: paths });
export const maybe = (path: Path, probability: number, why: string): Path => ({ maybe: path, probability, why });

/** z of the 99th percentile of the standard normal distribution. */
export const Z99 = 2.326347874040841;

/** The log-normal distribution whose median is p50 and whose 99th percentile is p99 (σ = 0 when they are equal). */
export function fitLogNormal(h: Pick<Hop, 'p50' | 'p99'>): { mu: number; sigma: number } {
  if (!(h.p50 > 0) || h.p99 < h.p50) throw new Error(`a hop needs 0 < p50 ≤ p99 (got ${h.p50}, ${h.p99})`);
  return { mu: Math.log(h.p50), sigma: Math.log(h.p99 / h.p50) / Z99 };
}

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  const u = 1 - random(); // (0, 1]
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** The path as one sampling function, each hop's distribution fitted once. */
function compile(path: Path): (random: () => number) => number {
  if ('hop' in path) {
    const { mu, sigma } = fitLogNormal(path.hop);
    return sigma === 0 ? () => path.hop.p50 : (random) => Math.exp(mu + sigma * normal(random));
  }
  if ('seq' in path) {
    const parts = path.seq.map(compile);
    return (random) => {
      let sum = 0;
      for (const part of parts) sum += part(random);
      return sum;
    };
  }
  if ('par' in path) {
    const parts = path.par.map(compile);
    return (random) => {
      let max = 0;
      for (const part of parts) max = Math.max(max, part(random));
      return max;
    };
  }
  const inner = compile(path.maybe);
  const { probability } = path;
  return (random) => (random() < probability ? inner(random) : 0);
}

/** The conservative bound at quantile q ('p50' or 'p99'): quantiles added along the path, maxed at branches; a possible hop counts in full. */
export function bound(path: Path, q: 'p50' | 'p99'): number {
  if ('hop' in path) return path.hop[q];
  if ('seq' in path) return path.seq.reduce((sum, p) => sum + bound(p, q), 0);
  if ('par' in path) return path.par.reduce((max, p) => Math.max(max, bound(p, q)), 0);
  return bound(path.maybe, q);
}

export interface Modelled {
  p50: number;
  p99: number;
  /** p99s added along the path (maxed at branches), every cold start taken. */
  p99Bound: number;
  samples: number;
  seed: number;
}

/** The path's p50 and p99 by Monte Carlo (seeded: the same inputs give the same figures), and its conservative p99 bound. */
export function model(path: Path, samples = 100_000, seed = 20261207): Modelled {
  const random = seededRandom(seed);
  const sample = compile(path);
  const values = new Float64Array(samples);
  for (let i = 0; i < samples; i += 1) values[i] = sample(random);
  values.sort();
  const at = (q: number): number => values[Math.min(samples - 1, Math.floor(q * samples))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), p99Bound: bound(path, 'p99'), samples, seed };
}

/** Every hop of a path once, in the order they first appear (for the report's list of figures and sources). */
export function hops(path: Path): Hop[] {
  const out: Hop[] = [];
  const walk = (p: Path): void => {
    if ('hop' in p) {
      if (!out.includes(p.hop)) out.push(p.hop);
    } else if ('seq' in p) p.seq.forEach(walk);
    else if ('par' in p) p.par.forEach(walk);
    else walk(p.maybe);
  };
  walk(path);
  return out;
}
