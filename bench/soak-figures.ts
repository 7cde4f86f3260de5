// The soak's figures, pure: what one minute's sample holds, whether a series stayed flat within its
// bound, and the chart (an SVG string). bench/soak.ts gathers the samples; nothing here does I/O.
import type { ItemCost } from '../emulation/moto/item-cost.js';
import { mean, percentile, round } from './stats.js';

/** One minute of the soak: the load it carried and what each process held at its end. */
export interface SoakSample {
  /** Minutes since the load began, at the end of this minute (1, 2, …). */
  minute: number;
  /** Orders placed (answered 202) during the minute. */
  placed: number;
  /** Orders that reached their final status during the minute: the throughput. */
  finalized: number;
  /** Orders placed since the start and not final yet, at the minute's end. */
  inFlight: number;
  /** POST → final status of the orders finalized in the minute (0 when none). */
  latencyMs: { p50: number; p95: number };
  /** Resident memory at the minute's end, MiB. */
  rssMiB: {
    /** The emulator (moto_server, one Python process). */
    emulator: number;
    /** The runtime's own process: pollers, front door, fault proxy, IAM gate (and the soak's driver). */
    runtime: number;
    /** Every function worker together. */
    workers: number;
  };
  /** Function workers alive at the minute's end (kills and reloads replace them). */
  workerCount: number;
  /** Orders placed since the start, at the minute's end. */
  placedTotal: number;
  /** Messages in the service queues (visible and in flight) at the minute's end: a backlog that grows is a consumer behind. */
  queued: number;
  /** Items each table holds at the minute's end (DescribeTable's ItemCount, which the emulator keeps exact). */
  storedItems: Record<string, number>;
}

/** The memory the tables' items account for in the emulator, MiB (a table not measured counts nothing). */
export function itemsMiB(storedItems: Record<string, number>, cost: ItemCost): number {
  const bytes = Object.entries(storedItems).reduce(
    (sum, [table, count]) => sum + count * (cost[table]?.bytesPerItem ?? 0),
    0,
  );
  return round(bytes / 2 ** 20, 1);
}

/** The emulator's memory beyond its tables' items: what it holds that AWS would not (the items, AWS keeps too). */
export const emulatorBeyondItems = (s: SoakSample, cost: ItemCost): number =>
  round(s.rssMiB.emulator - itemsMiB(s.storedItems, cost), 1);

/** How much a series may move after its warm-up and still be called flat. */
export interface FlatBound {
  /** The least-squares slope's largest allowed value, in the series' unit per minute. */
  maxSlopePerMinute?: number;
  /** The same per 1,000 orders placed (for what grows with the data held, as the emulator's tables do). */
  maxSlopePer1000Orders?: number;
  /** The largest allowed fall of the last third's mean below the first third's, as a share (throughput). */
  maxFall?: number;
  /** The largest allowed rise of the last third's mean above the first third's, as a share (latency). */
  maxRise?: number;
}

export interface Flatness {
  series: string;
  unit: string;
  /** Samples judged (after the warm-up). */
  samples: number;
  first: number;
  last: number;
  min: number;
  max: number;
  slopePerMinute: number;
  slopePer1000Orders: number;
  /** The last third's mean against the first third's (1 = unchanged). */
  thirdsRatio: number;
  bound: FlatBound;
  verdict: 'flat' | 'grows' | 'too short';
  /** Which bound failed, in words (empty when flat). */
  why: string[];
}

/** The least-squares slope of ys against xs (0 for fewer than two distinct xs). */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return 0;
  const mx = mean(xs.slice(0, n));
  const my = mean(ys.slice(0, n));
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = (xs[i] ?? 0) - mx;
    num += dx * ((ys[i] ?? 0) - my);
    den += dx * dx;
  }
  return den === 0 ? 0 : num / den;
}

/** The samples a judgement looks at: those after the warm-up (the first `warmup` minutes), when at least 3 remain. */
export function judged<T extends { minute: number }>(samples: readonly T[], warmup: number): T[] {
  return samples.filter((s) => s.minute > warmup);
}

/**
 * How many minutes count as warm-up: worker pools grow, caches and the JIT settle, and what a bound
 * holds fills its window (the emulator's shard iterators live 15 minutes, as on AWS; the soak's stream
 * keeps 10 minutes of records). Half the run, at most those 15 minutes, at least 2.
 */
export const warmupMinutes = (minutes: number): number => Math.max(2, Math.min(15, Math.floor(minutes / 2)));

/**
 * Whether a series stayed flat after its warm-up: its slope (per minute, or per 1,000 orders placed)
 * within the bound, and its last third's mean within the allowed fall or rise of its first third's.
 * Fewer than 3 samples after the warm-up cannot be judged ("too short").
 */
export function judgeFlat(
  series: string,
  unit: string,
  points: readonly { minute: number; placedTotal: number; value: number }[],
  bound: FlatBound,
): Flatness {
  const values = points.map((p) => p.value);
  const perMinute = slope(
    points.map((p) => p.minute),
    values,
  );
  const perOrder = slope(
    points.map((p) => p.placedTotal / 1000),
    values,
  );
  const third = Math.max(1, Math.floor(points.length / 3));
  const head = mean(values.slice(0, third));
  const tail = mean(values.slice(-third));
  const thirdsRatio = head === 0 ? (tail === 0 ? 1 : Number.POSITIVE_INFINITY) : tail / head;
  const why: string[] = [];
  if (bound.maxSlopePerMinute !== undefined && perMinute > bound.maxSlopePerMinute)
    why.push(`slope ${round(perMinute, 2)} ${unit}/min > ${bound.maxSlopePerMinute}`);
  if (bound.maxSlopePer1000Orders !== undefined && perOrder > bound.maxSlopePer1000Orders)
    why.push(`slope ${round(perOrder, 2)} ${unit}/1,000 orders > ${bound.maxSlopePer1000Orders}`);
  if (bound.maxFall !== undefined && thirdsRatio < 1 - bound.maxFall)
    why.push(`last third ${round((1 - thirdsRatio) * 100, 0)} % below the first (at most ${bound.maxFall * 100} %)`);
  if (bound.maxRise !== undefined && thirdsRatio > 1 + bound.maxRise)
    why.push(`last third ${round((thirdsRatio - 1) * 100, 0)} % above the first (at most ${bound.maxRise * 100} %)`);
  const enough = points.length >= 3;
  return {
    series,
    unit,
    samples: points.length,
    first: values[0] ?? Number.NaN,
    last: values.at(-1) ?? Number.NaN,
    min: values.length === 0 ? Number.NaN : Math.min(...values),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
    slopePerMinute: round(perMinute, 3),
    slopePer1000Orders: round(perOrder, 3),
    thirdsRatio: round(thirdsRatio, 3),
    bound,
    verdict: !enough ? 'too short' : why.length === 0 ? 'flat' : 'grows',
    why: enough ? why : [`${points.length} sample(s) after the warm-up: at least 3 are needed`],
  };
}

/**
 * The bounds the soak states (bench/README.md, "make soak"): what may move, and by how much, once
 * the warm-up is over.
 * - The emulator keeps the tables' items (orders, billing, notifications, reservations, idempotency
 *   keys: the data AWS keeps too), and may grow by what they cost it (ItemCost, measured) and by at
 *   most 6 MiB per 1,000 orders more: the allocator's waste around items stored between requests.
 *   Every leak a soak has found cost more per order (bench/README.md's table: every shard iterator
 *   kept, 6.4 KB; every stream record, tens of KB; every deleted message's receipt handles, about 20 KB). The stream's records and the shard iterators fill their windows
 *   (10 and 15 minutes) during the warm-up.
 * - The runtime's process and the workers hold nothing per order: flat in time.
 * - Throughput may not fall, nor latency rise, beyond the stated share from the first third to the last.
 * - The service queues' backlog may not keep growing: a consumer that falls behind (the notification
 *   queue's MaximumConcurrency is 2) holds its messages in the emulator and its emails late.
 */
export const SOAK_BOUNDS = {
  emulatorBeyondItemsMiBPer1000Orders: 6,
  runtimeMiBPerMinute: 0.5,
  workerMiBPerMinute: 0.25,
  throughputFall: 0.15,
  latencyRise: 0.5,
  queuedPerMinute: 20,
} as const;

/** Every series of the soak judged against SOAK_BOUNDS (after the warm-up). */
export function judgeSoak(
  samples: readonly SoakSample[],
  warmup: number,
  itemCost: ItemCost,
  bounds = SOAK_BOUNDS,
): Flatness[] {
  const after = judged(samples, warmup);
  const series = (pick: (s: SoakSample) => number) =>
    after.map((s) => ({ minute: s.minute, placedTotal: s.placedTotal, value: pick(s) }));
  return [
    judgeFlat(
      "emulator RSS beyond its tables' items",
      'MiB',
      series((s) => emulatorBeyondItems(s, itemCost)),
      { maxSlopePer1000Orders: bounds.emulatorBeyondItemsMiBPer1000Orders },
    ),
    judgeFlat(
      'runtime RSS',
      'MiB',
      series((s) => s.rssMiB.runtime),
      { maxSlopePerMinute: bounds.runtimeMiBPerMinute },
    ),
    judgeFlat(
      'RSS per worker',
      'MiB',
      series((s) => (s.workerCount === 0 ? 0 : s.rssMiB.workers / s.workerCount)),
      { maxSlopePerMinute: bounds.workerMiBPerMinute },
    ),
    judgeFlat(
      'throughput',
      'orders/min',
      series((s) => s.finalized),
      { maxFall: bounds.throughputFall },
    ),
    judgeFlat(
      'latency p95',
      'ms',
      series((s) => s.latencyMs.p95),
      { maxRise: bounds.latencyRise },
    ),
    judgeFlat(
      'queued messages',
      'messages',
      series((s) => s.queued),
      { maxSlopePerMinute: bounds.queuedPerMinute },
    ),
  ];
}

/** The p50 and p95 of a minute's latencies (0 and 0 for none). */
export function minuteLatency(latencies: readonly number[]): { p50: number; p95: number } {
  if (latencies.length === 0) return { p50: 0, p95: 0 };
  return { p50: Math.round(percentile(latencies, 50)), p95: Math.round(percentile(latencies, 95)) };
}

/** One progress line per minute. */
export function progressLine(s: SoakSample, minutes: number): string {
  return (
    `minute ${s.minute}/${minutes}: placed ${s.placed} (${s.placedTotal} in all), final ${s.finalized}, in flight ${s.inFlight}, ` +
    `p50 ${s.latencyMs.p50} ms, p95 ${s.latencyMs.p95} ms; RSS emulator ${s.rssMiB.emulator} MiB, runtime ${s.rssMiB.runtime} MiB, ` +
    `${s.workerCount} workers ${s.rssMiB.workers} MiB; ${s.queued} messages queued; ` +
    `${Object.values(s.storedItems).reduce((sum, n) => sum + n, 0)} items in the tables`
  );
}

// ── the chart ────────────────────────────────────────────────────────────────────────────────

interface ChartSeries {
  label: string;
  color: string;
  points: { x: number; y: number }[];
}

export interface ChartPanel {
  title: string;
  unit: string;
  series: ChartSeries[];
}

/** The soak's three panels: memory, throughput, latency, each a line per series over the minutes. */
export function chartPanels(samples: readonly SoakSample[], itemCost: ItemCost): ChartPanel[] {
  const line = (label: string, color: string, pick: (s: SoakSample) => number): ChartSeries => ({
    label,
    color,
    points: samples.map((s) => ({ x: s.minute, y: pick(s) })),
  });
  return [
    {
      title: 'Resident memory (RSS)',
      unit: 'MiB',
      series: [
        line('emulator', '#c0392b', (s) => s.rssMiB.emulator),
        line('emulator less items', '#e59866', (s) => emulatorBeyondItems(s, itemCost)),
        line('runtime', '#2471a3', (s) => s.rssMiB.runtime),
        // Per worker, as judged: all of them together (20 or so) would flatten the other two lines.
        line('per worker', '#27ae60', (s) => (s.workerCount === 0 ? 0 : round(s.rssMiB.workers / s.workerCount, 1))),
      ],
    },
    {
      title: 'Throughput',
      unit: 'orders/min',
      series: [line('final', '#8e44ad', (s) => s.finalized), line('placed', '#7f8c8d', (s) => s.placed)],
    },
    {
      title: 'POST → final status',
      unit: 'ms',
      series: [line('p50', '#d68910', (s) => s.latencyMs.p50), line('p95', '#a04000', (s) => s.latencyMs.p95)],
    },
  ];
}

/** A round upper limit for an axis: 1, 2 or 5 times a power of ten, at or above the largest value. */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The panels stacked in one SVG, a shared x axis in minutes. */
export function chartSvg(panels: readonly ChartPanel[], title: string): string {
  const width = 760;
  const panelHeight = 190;
  const left = 64;
  const right = 150;
  const top = 40;
  const gap = 44;
  const plotWidth = width - left - right;
  const plotHeight = panelHeight - 30;
  const height = top + panels.length * (panelHeight + gap);
  const xs = panels.flatMap((p) => p.series.flatMap((s) => s.points.map((pt) => pt.x)));
  const xMax = Math.max(1, ...xs);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="22" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (const [i, panel] of panels.entries()) {
    const y0 = top + i * (panelHeight + gap) + 20;
    const ys = panel.series.flatMap((s) => s.points.map((pt) => pt.y));
    const yMax = niceMax(Math.max(0, ...ys));
    const px = (x: number) => round(left + (x / xMax) * plotWidth, 1);
    const py = (y: number) => round(y0 + plotHeight - (y / yMax) * plotHeight, 1);
    out.push(
      `<text x="${left}" y="${y0 - 6}" font-weight="bold">${escapeXml(panel.title)} (${escapeXml(panel.unit)})</text>`,
    );
    out.push(`<rect x="${left}" y="${y0}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#bbb"/>`);
    for (const f of [0, 0.5, 1]) {
      const y = py(yMax * f);
      out.push(`<line x1="${left}" y1="${y}" x2="${left + plotWidth}" y2="${y}" stroke="#eee"/>`);
      out.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end">${round(yMax * f, 1)}</text>`);
    }
    out.push(`<text x="${left + plotWidth}" y="${y0 + plotHeight + 16}" text-anchor="end">minute ${xMax}</text>`);
    out.push(`<text x="${left}" y="${y0 + plotHeight + 16}">0</text>`);
    for (const [j, s] of panel.series.entries()) {
      if (s.points.length > 0)
        out.push(
          `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.points.map((pt) => `${px(pt.x)},${py(pt.y)}`).join(' ')}"/>`,
        );
      const ly = y0 + 14 + j * 18;
      out.push(
        `<line x1="${left + plotWidth + 12}" y1="${ly - 4}" x2="${left + plotWidth + 30}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`,
      );
      out.push(`<text x="${left + plotWidth + 36}" y="${ly}">${escapeXml(s.label)}</text>`);
    }
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
