// make up's phases as wall-clock spans, and the arithmetic of reporting them: phases that run side by
// side (the emulator, the build and terraform init) overlap, so the time they took together is the
// union of their spans, never the sum of their durations.

/** One phase: when it started and ended, in milliseconds on one clock (performance.now()). */
export interface Span {
  phase: string;
  startMs: number;
  endMs: number;
}

/** The wall-clock time the spans cover together: the length of their union (overlaps counted once). */
export function wallClockMs(spans: readonly Pick<Span, 'startMs' | 'endMs'>[]): number {
  const sorted = [...spans].sort((a, b) => a.startMs - b.startMs);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const { startMs, endMs } of sorted) {
    if (endMs <= end) continue;
    total += endMs - Math.max(startMs, end);
    end = endMs;
  }
  return total;
}

const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * make up's phase report: each phase's span from `originMs` (make up's start) and its duration, which
 * ran beside which, the gap from the apply's end to "ready" with what filled it, and the total as wall
 * clock beside the sum of the durations when they differ.
 */
export function phaseReport(spans: readonly Span[], originMs: number, readyMs: number): string[] {
  const width = Math.max(...spans.map((p) => p.phase.length), 5);
  const lines = spans.map((p) => {
    const beside = spans.filter((o) => o !== p && o.startMs < p.endMs && p.startMs < o.endMs).map((o) => o.phase);
    return `  ${p.phase.padEnd(width)} ${s(p.startMs - originMs).padStart(7)} → ${s(p.endMs - originMs).padStart(7)}  ${s(p.endMs - p.startMs).padStart(7)}${beside.length > 0 ? `  (beside ${beside.join(', ')})` : ''}`;
  });
  const apply = spans.find((p) => p.phase === 'apply');
  if (apply !== undefined) {
    const after = spans.filter((p) => p.startMs >= apply.endMs && p.endMs <= readyMs);
    const covered = wallClockMs(after);
    const gap = readyMs - apply.endMs;
    lines.push(
      `  apply's end → ready: ${s(gap)}${after.length > 0 ? ` (${after.map((p) => `${p.phase} ${s(p.endMs - p.startMs)}`).join(', ')}; the rest ${s(Math.max(0, gap - covered))})` : ''}`,
    );
  }
  const sum = spans.reduce((total, p) => total + (p.endMs - p.startMs), 0);
  const wall = readyMs - originMs;
  lines.push(
    `  ready after ${s(wall)} of wall clock; the phases cover ${s(wallClockMs(spans))} of it` +
      (Math.abs(sum - wallClockMs(spans)) >= 50 ? ` (their durations add up to ${s(sum)}: some ran side by side)` : ''),
  );
  return lines;
}
