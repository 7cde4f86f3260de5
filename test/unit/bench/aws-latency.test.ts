import { bound, fitLogNormal, hop, hops, maybe, model, par, seq, Z99, type Hop } from '../../../bench/aws-latency.js';
import { HOPS, orderPath } from '../../../bench/aws-paths.js';
import { seededRandom } from '../../../emulation/fault-proxy.js';

const h = (p50: number, p99: number, name = `${p50}/${p99}`): Hop => ({ name, p50, p99, source: 'test' });
/** A hop that always takes `ms` (p50 = p99: σ = 0). */
const fixed = (ms: number) => hop(h(ms, ms));

describe('fitLogNormal', () => {
  it('puts the median at p50 and the 99th percentile at p99', () => {
    expect(fitLogNormal(h(100, 100 * Math.exp(Z99)))).toEqual({ mu: Math.log(100), sigma: expect.closeTo(1, 12) });
    expect(fitLogNormal(h(213, 552)).sigma).toBeCloseTo(Math.log(552 / 213) / 2.3263, 4);
  });

  it('refuses a p99 below the p50', () => {
    expect(() => fitLogNormal(h(100, 50))).toThrow('0 < p50 ≤ p99');
  });
});

describe('model (seeded Monte Carlo)', () => {
  it('gives back a single hop’s published p50 and p99', () => {
    const m = model(hop(h(213, 552)));
    expect(m.p50 / 213).toBeCloseTo(1, 1);
    expect(Math.abs(m.p50 / 213 - 1)).toBeLessThan(0.02);
    expect(Math.abs(m.p99 / 552 - 1)).toBeLessThan(0.03);
  });

  it('adds hops in sequence and takes the slowest of branches: exact for fixed hops', () => {
    const m = model(seq(fixed(10), par(fixed(30), seq(fixed(5), fixed(20))), fixed(7)), 1000);
    expect(m.p50).toBeCloseTo(10 + 30 + 7, 9);
    expect(m.p99).toBeCloseTo(47, 9);
  });

  it('takes a possible hop with its probability: never at 0, always at 1, about 1 in 4 at 0.25', () => {
    expect(model(seq(fixed(10), maybe(fixed(100), 0, 'never')), 1000).p99).toBeCloseTo(10, 9);
    expect(model(seq(fixed(10), maybe(fixed(100), 1, 'always')), 1000).p50).toBeCloseTo(110, 9);
    const quarter = model(maybe(fixed(100), 0.25, 'sometimes'), 100_000);
    expect(quarter.p50).toBe(0); // 75 % of draws take nothing
    expect(quarter.p99).toBeCloseTo(100, 9);
  });

  it('matches the closed form for the slower of two independent hops: P(max ≤ x) = F(x)²', () => {
    // Median of the max: F(x) = √½ → x = exp(μ + σ·z(0.7071)), z(0.7071) = 0.5449.
    const one = h(100, 400);
    const { mu, sigma } = fitLogNormal(one);
    const m = model(par(hop(one), hop(one)));
    expect(Math.abs(m.p50 / Math.exp(mu + sigma * 0.5449) - 1)).toBeLessThan(0.02);
    // 99th percentile of the max: F(x) = √0.99 → z(0.99499) = 2.5758.
    expect(Math.abs(m.p99 / Math.exp(mu + sigma * 2.5758) - 1)).toBeLessThan(0.04);
  });

  it('puts the p99 of a sum between the largest hop’s p99 and the sum of the p99s (the bound)', () => {
    const path = seq(hop(h(213, 552)), hop(h(40, 497)), hop(h(40, 497)), hop(h(25, 92)));
    const m = model(path, 20_000);
    expect(m.p99).toBeGreaterThan(552);
    expect(m.p99).toBeLessThan(m.p99Bound);
    expect(m.p99Bound).toBeCloseTo(552 + 497 + 497 + 92, 9);
  });

  it('is reproducible: the same seed gives the same figures', () => {
    const path = seq(hop(h(10, 50)), hop(h(20, 90)));
    expect(model(path, 5000, 7)).toEqual(model(path, 5000, 7));
    expect(model(path, 5000, 7).p50).not.toBe(model(path, 5000, 8).p50);
  });
});

describe('seededRandom', () => {
  it('draws uniformly in [0, 1)', () => {
    const random = seededRandom(1);
    const draws = Array.from({ length: 10_000 }, random);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.reduce((s, v) => s + v, 0) / draws.length).toBeCloseTo(0.5, 1);
  });
});

describe('the order paths', () => {
  it('bounds the design’s p99 by the published p99s, by hand', () => {
    const { apiGateway: api, dynamoItem: item, dynamoTransaction: tx, streamToLambda: stream } = HOPS;
    const fan = HOPS.fanoutPessimistic.p99;
    const cold = HOPS.coldStart.p99;
    const orderStatus = cold + 2 * item.p99;
    const inventory = fan + cold + tx.p99 + fan + orderStatus;
    const billing = fan + cold + 2 * item.p99 + fan + orderStatus;
    const expected = api.p99 + cold + item.p99 + tx.p99 + stream.p99 + cold + Math.max(inventory, billing) + item.p99;
    expect(bound(orderPath({ fanout: 'pessimistic', cold: 0.01, orderPlaced: 'stream' }), 'p99')).toBeCloseTo(
      expected,
      9,
    );
    // Publishing at commit takes the stream hop and order-publisher's cold start off the path.
    expect(bound(orderPath({ fanout: 'pessimistic', cold: 0.01, orderPlaced: 'at-commit' }), 'p99')).toBeCloseTo(
      expected - stream.p99 - cold,
      9,
    );
  });

  it('adds the stream hop’s median, about, to the p50 of the design against publishing at commit', () => {
    const stream = model(orderPath({ fanout: 'optimistic', cold: 0.01, orderPlaced: 'stream' }), 20_000);
    const atCommit = model(orderPath({ fanout: 'optimistic', cold: 0.01, orderPlaced: 'at-commit' }), 20_000);
    expect(stream.p50 - atCommit.p50).toBeGreaterThan(HOPS.streamToLambda.p50 * 0.9);
    expect(stream.p50 - atCommit.p50).toBeLessThan(HOPS.streamToLambda.p50 * 1.3);
  });

  it('lists every hop with a source once', () => {
    const listed = hops(orderPath({ fanout: 'pessimistic', cold: 1, orderPlaced: 'stream' }));
    expect(listed.map((x) => x.source).every((s) => s.length > 0)).toBe(true);
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toContain(HOPS.streamToLambda);
  });
});
