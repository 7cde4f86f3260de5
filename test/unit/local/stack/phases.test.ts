import { phaseReport, wallClockMs, type Span } from '../../../../local/stack/phases.js';

const span = (phase: string, startS: number, endS: number): Span => ({
  phase,
  startMs: startS * 1000,
  endMs: endS * 1000,
});

describe('wallClockMs', () => {
  it.each([
    ['nothing', [], 0],
    ['one span', [span('a', 1, 4)], 3000],
    ['side by side: the longest, not the sum', [span('a', 0, 3), span('b', 0, 18), span('c', 0, 5)], 18_000],
    ['overlapping in part', [span('a', 0, 10), span('b', 5, 15)], 15_000],
    ['apart: the gap not counted', [span('a', 0, 2), span('b', 5, 6)], 3000],
    ['one inside another, given out of order', [span('b', 2, 3), span('a', 0, 10)], 10_000],
  ])('%s', (_, spans, expected) => {
    expect(wallClockMs(spans)).toBe(expected);
  });
});

describe('phaseReport', () => {
  // make up as stack.ts runs it: emulator, build and init side by side, then plan, apply, seed, runtime.
  const spans = [
    span('emulator', 0.2, 2.9),
    span('init', 0.2, 5.1),
    span('build', 0.2, 18.2),
    span('plan', 18.3, 31.3),
    span('apply', 31.3, 143.0),
    span('seed', 143.1, 143.4),
    span('runtime', 143.5, 146.2),
  ];
  const lines = phaseReport(spans, 0, 146.5 * 1000);

  it('prints each phase from the start, its duration, and what ran beside it', () => {
    expect(lines[0]).toBe('  emulator   0.2 s →   2.9 s    2.7 s  (beside init, build)');
    expect(lines[2]).toBe('  build      0.2 s →  18.2 s   18.0 s  (beside emulator, init)');
    expect(lines[4]).toBe('  apply     31.3 s → 143.0 s  111.7 s');
  });

  it("says how long the apply's end to ready took and what filled it", () => {
    expect(lines).toContain("  apply's end → ready: 3.5 s (seed 0.3 s, runtime 2.7 s; the rest 0.5 s)");
  });

  it('totals wall clock, not the sum of phases that overlap', () => {
    // Sum: 2.7 + 4.9 + 18 + 13 + 111.7 + 0.3 + 2.7 = 153.3 s; covered: 18 + 13 + 111.7 + 0.3 + 2.7 = 145.7 s.
    expect(lines.at(-1)).toBe(
      '  ready after 146.5 s of wall clock; the phases cover 145.7 s of it (their durations add up to 153.3 s: some ran side by side)',
    );
  });

  it('leaves the sum out when nothing overlapped', () => {
    const apart = phaseReport([span('apply', 0, 10), span('seed', 10, 11)], 0, 12_000);
    expect(apart.at(-1)).toBe('  ready after 12.0 s of wall clock; the phases cover 11.0 s of it');
  });
});
