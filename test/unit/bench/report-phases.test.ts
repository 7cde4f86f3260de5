import { phaseSection } from '../../../bench/report.js';

describe('phaseSection', () => {
  const phases = { emulator: 2700, init: 4900, build: 18_000, plan: 13_000, apply: 111_700, seed: 300, runtime: 2700 };

  it('totals the spans as wall clock: the emulator, build and init side by side count once', () => {
    const lines = phaseSection({
      phases,
      phaseSpans: [
        { phase: 'emulator', startMs: 200, endMs: 2900 },
        { phase: 'init', startMs: 200, endMs: 5100 },
        { phase: 'build', startMs: 200, endMs: 18_200 },
        { phase: 'plan', startMs: 18_300, endMs: 31_300 },
        { phase: 'apply', startMs: 31_300, endMs: 143_000 },
        { phase: 'seed', startMs: 143_100, endMs: 143_400 },
        { phase: 'runtime', startMs: 143_500, endMs: 146_200 },
      ],
    });
    expect(lines[4]).toBe('| 2.7 s | 4.9 s | 18.0 s | 13.0 s | 111.7 s | 0.3 s | 2.7 s | 145.7 s wall clock |');
    expect(lines).toContain('Side by side: emulator, init, build.');
  });

  it('labels an older result’s sum as a sum, not a wall-clock total', () => {
    expect(phaseSection({ phases: { emulator: 1000, build: 3000, apply: 5000 } })[4]).toBe(
      '| 1.0 s | 3.0 s | 5.0 s | sum 9.0 s (the phases overlap: not wall clock) |',
    );
  });
});
