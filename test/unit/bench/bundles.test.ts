import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMPORT_ENV, importFigures, importSchedule, type ImportTime } from '../../../bench/bundles.js';
import { bundleSection, ratioCell } from '../../../bench/report.js';

describe('importSchedule', () => {
  const schedule = importSchedule(5, 16);

  it('gives every bundle one pair per run, all bundles in one loop', () => {
    expect(schedule).toHaveLength(5 * 16);
    for (let b = 0; b < 5; b += 1) expect(schedule.filter((s) => s.bundle === b)).toHaveLength(16);
    // Each run of 5 is a permutation of the bundles: no bundle waits for another to finish its runs.
    for (let r = 0; r < 16; r += 1)
      expect(
        schedule
          .slice(r * 5, r * 5 + 5)
          .map((s) => s.bundle)
          .sort(),
      ).toEqual([0, 1, 2, 3, 4]);
  });

  it('rotates which bundle goes first in a run', () => {
    expect(Array.from({ length: 5 }, (_, r) => schedule[r * 5]?.bundle)).toEqual([0, 1, 2, 3, 4]);
  });

  it('alternates function-first and floor-first for each bundle: half each', () => {
    for (let b = 0; b < 5; b += 1) {
      const firsts = schedule.filter((s) => s.bundle === b).map((s) => s.first);
      expect(firsts.filter((f) => f === 'function')).toHaveLength(8);
      for (let i = 1; i < firsts.length; i += 1) expect(firsts[i]).not.toBe(firsts[i - 1]);
    }
  });
});

describe('importFigures', () => {
  const t = (ms: number, cpuMs = ms): ImportTime => ({ ms, cpuMs });

  it('takes the median of the paired ratios, not the ratio of the medians, with its interval', () => {
    // The floor drifts from 100 to 190 ms with the machine's load; the function is 1.1 × its paired
    // floor every time. Ratios of medians would mix different minutes; the paired ratios do not.
    const floor = Array.from({ length: 10 }, (_, i) => t(100 + 10 * i));
    const fn = floor.map((f) => t(f.ms * 1.1));
    const figures = importFigures({ fn, floor });
    expect(figures.importRatio).toBeCloseTo(1.1, 6);
    expect(figures.importRatioInterval).toEqual({ low: 1.1, high: 1.1, confidence: 0.9785, pairs: 10 });
    expect(figures.importVerdict).toBe('meets');
    expect(figures.floorImportMs).toBe(145);
  });

  it('is inconclusive when the interval straddles 1.15, and misses when it lies above', () => {
    const floor = Array.from({ length: 10 }, () => t(100));
    const straddling = [1.0, 1.05, 1.1, 1.12, 1.14, 1.16, 1.18, 1.2, 1.22, 1.3].map((r) => t(100 * r));
    expect(importFigures({ fn: straddling, floor })).toMatchObject({
      importRatioInterval: { low: 1.05, high: 1.22 },
      importVerdict: 'inconclusive',
    });
    const above = [1.16, 1.17, 1.18, 1.2, 1.2, 1.21, 1.22, 1.25, 1.3, 1.4].map((r) => t(100 * r));
    expect(importFigures({ fn: above, floor }).importVerdict).toBe('misses');
  });

  it('judges the CPU ratio on its own pairs', () => {
    const floor = Array.from({ length: 8 }, () => t(100, 50));
    const fn = Array.from({ length: 8 }, () => t(200, 52)); // wall stretched by load, CPU not
    const figures = importFigures({ fn, floor });
    expect(figures.importVerdict).toBe('misses');
    expect(figures.importCpuRatio).toBeCloseTo(1.04, 6);
    expect(figures.importCpuVerdict).toBe('meets');
  });

  it('has no interval below 6 pairs: inconclusive, printed as such', () => {
    const figures = importFigures({ fn: [t(100), t(101)], floor: [t(100), t(100)] });
    expect(figures.importRatioInterval).toMatchObject({ low: null, high: null, pairs: 2 });
    expect(figures.importVerdict).toBe('inconclusive');
    expect(ratioCell(figures.importRatio, figures.importRatioInterval, figures.importVerdict)).toBe(
      '1.00 no interval _inconclusive_',
    );
  });
});

describe('bundleSection', () => {
  it('prints the interval and the verdict beside each ratio', () => {
    const floor = Array.from({ length: 6 }, () => ({ ms: 100, cpuMs: 90 }));
    const fn = [1.1, 1.12, 1.13, 1.16, 1.2, 1.3].map((r) => ({ ms: 100 * r, cpuMs: 90 * 1.05 }));
    const lines = bundleSection([
      {
        name: 'billing',
        clients: [],
        bundleBytes: 400 * 1024,
        floorBytes: 380 * 1024,
        sizeRatio: 1.05,
        extraInputs: [],
        ...importFigures({ fn, floor }),
      },
    ]);
    expect(lines.join('\n')).toContain('the median of 6 paired ratios');
    expect(lines.find((l) => l.startsWith('| billing'))).toContain('| 1.15 [1.10, 1.30] _inconclusive_ |');
    expect(lines.find((l) => l.startsWith('| billing'))).toContain('| 1.05 [1.05, 1.05] meets | – |');
  });
});

describe('IMPORT_ENV', () => {
  // A handler that requires a variable the bench does not set throws at import, and the whole bench
  // fails at its last step: every variable any function requires must be there.
  it('sets every variable a function requires at import', () => {
    const functionsDir = join(import.meta.dirname, '..', '..', '..', 'functions');
    const required = new Set<string>();
    for (const entry of readdirSync(functionsDir, { recursive: true, encoding: 'utf8' })) {
      if (!entry.endsWith('.ts')) continue;
      const source = readFileSync(join(functionsDir, entry), 'utf8');
      for (const match of source.matchAll(/require(?:Env|Seconds)\('([A-Z0-9_]+)'/g)) required.add(match[1] ?? '');
    }
    expect(required.size).toBeGreaterThan(5);
    expect([...required].filter((name) => IMPORT_ENV[name] === undefined)).toEqual([]);
  });
});
