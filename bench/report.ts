// Writes one run's results: latest.json (everything), latest.md (the tables) and chart.svg
// (throughput and latency against orders in flight).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { model, type Modelled } from './aws-latency.js';
import { RUNTIME_ACTIONS } from './ceiling.js';
import { wallClockMs } from '../local/stack/phases.js';
import { COLD_START_SHARE, orderPath, type PathOptions } from './aws-paths.js';
import { levelCostMix } from './cost-inputs.js';
import { duplicateCostMix } from './duplicates.js';
import {
  biggestItems,
  costPerMillionOrders,
  loadPrices,
  type CostResult,
  type LineItem,
  type Price,
  type Prices,
} from './cost.js';
import { GOALS, type BenchResults, type BundleResult, type LevelReport, type RatioInterval } from './results.js';
import { round, type Verdict } from './stats.js';

/**
 * The fewest calls per order the design allows on the happy path today (with an Idempotency-Key, as
 * the benchmark posts): order-api reads the products and the key (one BatchGetItem) and stores the
 * order with the key and its answer (TransactWriteItems); order-publisher, fed by the orders
 * stream, publishes OrderPlaced; inventory
 * reserves (TransactWriteItems) and publishes; billing writes its PENDING intent before the external
 * charge, records the outcome, publishes; notification, per email (received, confirmed): claims,
 * sends, marks sent, publishes NotificationSent; order-status, per result event (InventoryReserved,
 * PaymentCaptured, 2 × NotificationSent): reads the order (a Query: events do not carry the sort key
 * createdAt) and applies it with one conditional write, plus one write to finalize and one publish.
 */
/** The runtime's own calls (its pollers'), beside the functions' at the emulator. */
const RUNTIME_APIS = [...RUNTIME_ACTIONS].filter(
  (api) => !api.includes('ChangeMessageVisibility') && api !== 'DynamoDB.ListStreams',
);

const HAPPY_PATH_MINIMUM: Record<string, number> = {
  'order-api': 2,
  'order-publisher': 1,
  inventory: 2,
  billing: 3,
  notification: 8,
  'order-status': 10,
};
const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;
const mark = (ok: boolean): string => (ok ? 'meets' : '**misses**');

const usd = (dollars: number): string =>
  `$${dollars.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const quantity = (n: number): string =>
  n >= 100 ? Math.round(n).toLocaleString('en-US') : n === 0 ? '0' : n.toPrecision(3);
const unitPrice = (p: Price): string =>
  `$${p.usd} per ${p.per === 1 ? '' : `${p.per.toLocaleString('en-US')} `}${p.unit}`;
const share = (item: LineItem, total: number): string =>
  `${total > 0 ? Math.round((item.dollars / total) * 100) : 0} %`;
const named = (c: CostResult): string =>
  biggestItems(c)
    .map((i) => `${i.name} ${usd(i.dollars)} (${share(i, c.total)})`)
    .join(', ');

/** One level's cost per million orders, from its measured mix (and the inputs cost-inputs.ts states). */
export const levelCost = (level: LevelReport, prices: Prices): CostResult =>
  costPerMillionOrders(levelCostMix(level).mix, prices);

/** The report's "Cost per million orders" section: totals per level, the line items of the first level, the assumed inputs. */
export function costSection(r: BenchResults, prices: Prices): string[] {
  const first = r.levels[0];
  if (first === undefined) return [];
  const lines: string[] = [`## Cost per million orders (${prices.region}, on-demand, ${prices.date})`, ''];
  lines.push(`From each level's measured call mix and the prices in bench/prices.json (${prices.source}).`, '');
  lines.push('| in flight | per million orders | biggest items |', '|---:|---:|---|');
  for (const l of r.levels) {
    const c = levelCost(l, prices);
    lines.push(`| ${l.concurrency} | ${usd(c.total)} | ${named(c)} |`);
  }
  lines.push('');
  const cost = levelCost(first, prices);
  lines.push(
    `Line items at ${first.concurrency} in flight (the fewest orders in flight: durations least inflated by waiting on the emulator):`,
    '',
  );
  lines.push('| item | quantity per million orders | unit price | dollars | share |', '|---|---:|---:|---:|---:|');
  for (const i of cost.items)
    lines.push(
      `| ${i.name} | ${quantity(i.quantity)} ${i.price.unit} | ${unitPrice(i.price)} | ${usd(i.dollars)} | ${share(i, cost.total)} |`,
    );
  lines.push(`| **total** | | | **${usd(cost.total)}** | |`, '');
  const biggest = biggestItems(cost);
  lines.push(
    `Biggest: ${biggest.map((i) => `**${i.name}**`).join(', ')} make ${Math.round((biggest.reduce((s, i) => s + i.dollars, 0) / (cost.total || 1)) * 100)} % of it.`,
    '',
  );
  lines.push(
    "Measured: invocations and billed milliseconds per function (on this machine, emulator-bound), AWS calls per order by function and API at the emulator (the runtime's polling included, standing in for Lambda's pollers), emails, log bytes. Assumed, not measured:",
    '',
  );
  for (const a of levelCostMix(first).assumptions) lines.push(`- ${a.name}: ${a.value} (${a.why})`);
  lines.push('');
  return lines;
}

/** "1.08 [1.02, 1.13] meets": a median ratio, its interval and the verdict on it (or the bare ratio of an older result). */
export function ratioCell(ratio: number, interval: RatioInterval | undefined, judged: Verdict | undefined): string {
  if (interval === undefined || judged === undefined) return ratio.toFixed(2);
  const bounds =
    interval.low === null || interval.high === null
      ? 'no interval'
      : `[${interval.low.toFixed(2)}, ${interval.high.toFixed(2)}]`;
  const word = judged === 'meets' ? 'meets' : judged === 'misses' ? '**misses**' : '_inconclusive_';
  return `${ratio.toFixed(2)} ${bounds} ${word}`;
}

/** The modelled scenarios the report prints: the design's path and the alternative, each with both fan-out figures. */
export function modelledScenarios(): { label: string; options: PathOptions; modelled: Modelled }[] {
  const scenarios: { label: string; options: PathOptions }[] = [
    {
      label: 'the design (OrderPlaced from the stream)',
      options: { fanout: 'optimistic', cold: COLD_START_SHARE, orderPlaced: 'stream' },
    },
    {
      label: 'the design (OrderPlaced from the stream)',
      options: { fanout: 'pessimistic', cold: COLD_START_SHARE, orderPlaced: 'stream' },
    },
    {
      label: 'the design, every function cold (after a deploy)',
      options: { fanout: 'pessimistic', cold: 1, orderPlaced: 'stream' },
    },
    {
      label: 'publish OrderPlaced at commit, stream as backstop',
      options: { fanout: 'optimistic', cold: COLD_START_SHARE, orderPlaced: 'at-commit' },
    },
    {
      label: 'publish OrderPlaced at commit, stream as backstop',
      options: { fanout: 'pessimistic', cold: COLD_START_SHARE, orderPlaced: 'at-commit' },
    },
  ];
  return scenarios.map((x) => ({ ...x, modelled: model(orderPath(x.options)) }));
}

/**
 * "Time on AWS, modelled": POST → final status on AWS for this design and for publishing OrderPlaced
 * at commit, from published per-hop figures (bench/aws-paths.ts), beside the cost per million orders
 * of the first level and what the duplicates of the alternative add (measured: bench/duplicates.ts).
 */
function awsSection(r: BenchResults, prices: Prices): string[] {
  const lines = ['## Time on AWS, modelled (POST → final status, happy path)', ''];
  lines.push(
    `Not measured here: built from per-hop figures published by people who measured them on AWS (bench/README.md lists each with its source). Each hop's p50 and p99 fix a log-normal distribution; a seeded Monte Carlo (100,000 orders) adds hops in sequence and takes the slower of the branches side by side (inventory, billing); each invocation starts cold with probability ${COLD_START_SHARE * 100} % ("under 1 %" in production, AWS). The bound adds p99s along the path with every cold start taken: the worst case if every hop had its bad day at once. "optimistic" takes SQS standard → Lambda (16 / 105 ms) for publish → SNS → SQS → Lambda; "pessimistic" the same path measured with a FIFO topic and queue (40 / 497 ms).`,
    '',
  );
  const first = r.levels[0];
  const base = first === undefined ? undefined : levelCost(first, prices).total;
  const extra =
    r.duplicateProbe === undefined ? undefined : costPerMillionOrders(duplicateCostMix(r.duplicateProbe), prices).total;
  lines.push(
    '| path | publish → SNS → SQS → Lambda | p50 | p99 | p99 bound | cost per million orders |',
    '|---|---|---:|---:|---:|---:|',
  );
  for (const { label, options, modelled } of modelledScenarios()) {
    const cost =
      base === undefined
        ? '–'
        : options.orderPlaced === 'stream'
          ? usd(base)
          : extra === undefined
            ? `${usd(base)} + the duplicates (not measured)`
            : `${usd(base + extra)} (+${usd(extra)})`;
    lines.push(
      `| ${label} | ${options.fanout} | ${Math.round(modelled.p50)} ms | ${Math.round(modelled.p99)} ms | ${Math.round(modelled.p99Bound)} ms | ${cost} |`,
    );
  }
  lines.push('');
  const d = r.duplicateProbe;
  if (d !== undefined)
    lines.push(
      `The alternative's duplicates, measured: ${d.duplicates} OrderPlaced events published again as order-publisher; per duplicate, invocations ${Object.entries(
        d.invocations,
      )
        .map(([fn, n]) => `${fn} ${n}`)
        .join(', ')}; AWS calls ${Object.entries(d.calls)
        .map(
          ([fn, c]) =>
            `${fn} ${Object.entries(c)
              .map(([api, n]) => `${api.split('.')[1] ?? api} ${n}`)
              .join(' + ')}`,
        )
        .join(
          '; ',
        )}. Priced with bench/duplicates.ts (1 KB items assumed; Lambda time as measured here, an upper bound).`,
      '',
    );
  return lines;
}

/**
 * The stack's start, phase by phase. With spans (results since they were kept), the total is wall
 * clock: the emulator, the build and terraform init run side by side, so their durations overlap and
 * adding them up overstates the time. Older results have durations only: their sum is labelled as such.
 */
export function phaseSection(r: Pick<BenchResults, 'phases' | 'phaseSpans'>): string[] {
  const lines = ['## `make up` phases from a clean emulator (install excluded)', ''];
  const names = Object.keys(r.phases);
  const spans = r.phaseSpans;
  const total =
    spans === undefined
      ? `sum ${s(Object.values(r.phases).reduce((a, b) => a + b, 0))} (the phases overlap: not wall clock)`
      : `${s(wallClockMs(spans))} wall clock`;
  lines.push(`| ${names.join(' | ')} | total |`, `|${names.map(() => '---:').join('|')}|---:|`);
  lines.push(`| ${Object.values(r.phases).map(s).join(' | ')} | ${total} |`, '');
  if (spans !== undefined) {
    const beside = spans.filter((a) => spans.some((b) => a !== b && a.startMs < b.endMs && b.startMs < a.endMs));
    if (beside.length > 0) lines.push(`Side by side: ${beside.map((p) => p.phase).join(', ')}.`, '');
  }
  return lines;
}

/**
 * Under the throughput table: how the efficiency was measured, each level's rounds (pipeline ÷ ceiling,
 * which side went first), and whether the design's goal (≥ 0.8 at every level) holds on the intervals.
 */
export function efficiencyLines(levels: readonly LevelReport[]): string[] {
  const measured = levels.filter((l) => l.rounds !== undefined && l.efficiencyVerdict !== undefined);
  if (measured.length === 0) return [];
  const lines = [
    `Efficiency: the pipeline and its ceiling alternated in rounds at each level (the pipeline first in odd rounds, the ceiling in even ones), so both share the same minutes of load; the figure is the median of the rounds' paired ratios (pipeline orders/s ÷ ceiling orders/s of the same round) with its 95 % distribution-free interval (order statistics), "inconclusive" when it straddles ${GOALS.efficiency}. Orders/s and latency above are over all the pipeline's rounds.`,
    '',
  ];
  for (const l of measured)
    lines.push(
      `- ${l.concurrency} in flight: ${(l.rounds ?? []).map((p) => `${p.efficiency.toFixed(2)}${p.first === 'ceiling' ? '*' : ''}`).join(', ')} (* the ceiling's round went first)`,
    );
  const verdicts = measured.map((l) => l.efficiencyVerdict);
  const missed = measured.filter((l) => l.efficiencyVerdict === 'misses').map((l) => l.concurrency);
  const unsure = measured.filter((l) => l.efficiencyVerdict === 'inconclusive').map((l) => l.concurrency);
  lines.push(
    '',
    verdicts.every((v) => v === 'meets')
      ? `The goal (≥ ${GOALS.efficiency} at every level) **holds**: every level's interval lies at or above it.`
      : missed.length > 0
        ? `The goal (≥ ${GOALS.efficiency} at every level) **does not hold**: missed at ${missed.join(', ')} in flight${unsure.length > 0 ? `; inconclusive at ${unsure.join(', ')}` : ''}.`
        : `The goal (≥ ${GOALS.efficiency} at every level) is **not shown either way**: inconclusive at ${unsure.join(', ')} in flight (more rounds, or a quieter machine, narrow the interval).`,
    '',
  );
  return lines;
}

/** The bundles table: each function beside its floor, size and cold import, and what it carries beyond the floor. */
export function bundleSection(bundles: readonly BundleResult[]): string[] {
  const lines = [`## Bundles and cold import (goal ≤ ${GOALS.bundleRatio} × floor)`, ''];
  const pairs = bundles[0]?.importRatioInterval?.pairs;
  if (pairs !== undefined)
    lines.push(
      `Import ratio: the median of ${pairs} paired ratios (function ÷ its floor, imported back to back in fresh processes, the order alternating, every bundle interleaved in one loop) with its 95 % distribution-free interval (order statistics); "inconclusive" when the interval straddles ${GOALS.bundleRatio}. Judge on the CPU ratio when the machine is loaded.`,
      '',
    );
  lines.push(
    '| function | bundle | floor | size ratio | cold import (median) | floor | import ratio [95 %] | import CPU (median) | floor | CPU ratio [95 %] | CPU with source maps (ratio) | beyond the floor |',
  );
  lines.push('|---|---:|---:|---|---:|---:|---|---:|---:|---|---|---|');
  for (const b of bundles) {
    const extra = b.extraInputs
      .slice(0, 4)
      .map((e) => `${e.path} ${kb(e.bytes)}`)
      .join(', ');
    const cpu =
      b.importCpuRatio === undefined
        ? '– | – | –'
        : `${b.importCpuMs ?? '?'} ms | ${b.floorImportCpuMs ?? '?'} ms | ${ratioCell(b.importCpuRatio, b.importCpuRatioInterval, b.importCpuVerdict)}`;
    const mapped =
      b.mappedImportCpuRatio === undefined
        ? '–'
        : `${b.mappedImportCpuMs ?? '?'} ms (${b.mappedImportCpuRatio.toFixed(2)} ${mark(b.mappedImportCpuRatio <= GOALS.bundleRatio)})`;
    lines.push(
      `| ${b.name} | ${kb(b.bundleBytes)} | ${kb(b.floorBytes)} | ${b.sizeRatio.toFixed(2)} (${mark(b.sizeRatio <= GOALS.bundleRatio)}) | ${b.importMs} ms | ${b.floorImportMs} ms | ${ratioCell(b.importRatio, b.importRatioInterval, b.importVerdict)} | ${cpu} | ${mapped} | ${extra} |`,
    );
  }
  lines.push('');
  return lines;
}

export function markdown(r: BenchResults, prices: Prices = loadPrices()): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(`# order-fanout benchmark — ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC`, '');
  lines.push(
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}; moto_server (one Python process). ` +
      `${String(r.config.ordersPerLevel)} orders per level${r.config.rounds === undefined ? ` (ceiling: ${String(r.config.ceilingOrdersPerLevel)})` : ` in ${String(r.config.rounds)} rounds, each followed or preceded by a ceiling round of as many orders`}, ${String(r.config.warmup)} warm-up orders; run took ${r.totalSeconds ?? '?'} s. ` +
      `Load average (1/5/15 min) at start ${m.loadAverageAtStart?.join(' / ') ?? '?'}, at end ${m.loadAverageAtEnd?.join(' / ') ?? '?'}: other work on the machine shares its 2 cores.`,
    '',
  );

  lines.push('## Throughput and latency (POST → final status)', '');
  lines.push(
    `| in flight | orders/s | ceiling orders/s | efficiency [95 %] (goal ≥ ${GOALS.efficiency}) | p50 | p95 | p99 | POST p50 | confirmed / failed | emulator CPU | AWS calls/order (functions + runtime) |`,
  );
  lines.push('|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const l of r.levels) {
    const moto = l.cpuShare['emulator (moto_server)'] ?? 0;
    const eff =
      l.efficiency === undefined
        ? '–'
        : l.efficiencyVerdict === undefined
          ? `${l.efficiency.toFixed(2)} (${mark(l.efficiency >= GOALS.efficiency)}; one round, no interval)`
          : ratioCell(l.efficiency, l.efficiencyInterval, l.efficiencyVerdict);
    lines.push(
      `| ${l.concurrency} | ${l.ordersPerSecond.toFixed(1)} | ${l.ceiling?.ordersPerSecond.toFixed(1) ?? '–'} | ${eff} | ${l.latencyMs.p50} ms | ${l.latencyMs.p95} ms | ${l.latencyMs.p99} ms | ${l.postMs.p50} ms | ${l.confirmed} / ${l.failed} | ${(moto * 100).toFixed(0)} % of a core | ${l.totalCallsPerOrder} (${l.functionCallsPerOrder} + ${(l.totalCallsPerOrder - l.functionCallsPerOrder).toFixed(1)}) |`,
    );
  }
  lines.push('', ...efficiencyLines(r.levels));

  const last = r.levels.at(-1);
  if (last !== undefined) {
    lines.push(`## AWS calls per order by API (at ${last.concurrency} in flight)`, '');
    const fns = Object.keys(last.byFunction).sort();
    const apis = [...new Set(fns.flatMap((fn) => Object.keys(last.byFunction[fn] ?? {})))].sort();
    lines.push(`| API | ${fns.join(' | ')} | functions | at the emulator | ceiling replay |`);
    lines.push(`|---|${fns.map(() => '---:').join('|')}|---:|---:|---:|`);
    const allApis = [
      ...new Set([...apis, ...Object.keys(last.callsPerOrder), ...Object.keys(last.ceiling?.callsPerOrder ?? {})]),
    ].sort();
    for (const api of allApis) {
      const cells = fns.map((fn) => String(last.byFunction[fn]?.[api] ?? ''));
      const sum = fns.reduce((acc, fn) => acc + (last.byFunction[fn]?.[api] ?? 0), 0);
      lines.push(
        `| ${api} | ${cells.join(' | ')} | ${sum ? sum.toFixed(2) : ''} | ${last.callsPerOrder[api] ?? ''} | ${last.ceiling?.callsPerOrder[api] ?? ''} |`,
      );
    }
    const fnTotals = fns.map((fn) =>
      Object.values(last.byFunction[fn] ?? {})
        .reduce((a, b) => a + b, 0)
        .toFixed(1),
    );
    const ceilingTotal = Object.values(last.ceiling?.callsPerOrder ?? {}).reduce((a, b) => a + b, 0);
    lines.push(
      `| **total** | ${fnTotals.join(' | ')} | ${last.functionCallsPerOrder} | ${last.totalCallsPerOrder} | ${ceilingTotal ? ceilingTotal.toFixed(1) : ''} |`,
      '',
    );
    const minimum = Object.values(HAPPY_PATH_MINIMUM).reduce((a, b) => a + b, 0);
    lines.push(
      `Happy-path minimum the design allows today: **${minimum} calls by the functions** (${Object.entries(
        HAPPY_PATH_MINIMUM,
      )
        .map(([fn, n]) => `${fn} ${n}`)
        .join(', ')}); ` +
        `we stand at ${last.functionCallsPerOrder} (the excess is retries and races, see "Where the time goes"). ` +
        'The runtime needs one ReceiveMessage and one DeleteMessageBatch per batch: 8 messages per order, so ≥ 1.6 calls per order with full batches of 10, 16 when every message is its own batch.',
      '',
    );
    const own = RUNTIME_APIS.map((api) => {
      const byFunctions = fns.reduce((acc, fn) => acc + (last.byFunction[fn]?.[api] ?? 0), 0);
      return `${api.split('.')[1] ?? api} ${round((last.callsPerOrder[api] ?? 0) - byFunctions, 2)}`;
    });
    lines.push(
      `The runtime's own calls per order at ${last.concurrency} in flight: ${own.join(', ')}. ` +
        "They are what Lambda's pollers make: one ReceiveMessage (long polls of 20 s, so an idle queue costs each receive loop 3 a minute) and one DeleteMessageBatch per batch, " +
        'no more batches at once than the mapping\'s MaximumConcurrency, and GetRecords on each shard 4 times a second while the stream has nothing new (AWS: "a base rate of 4 times per second"), at once again after a batch.',
      '',
    );
    lines.push(
      '"at the emulator" adds the runtime\'s own SQS calls (ReceiveMessage, DeleteMessageBatch), empty long polls included; the benchmark\'s own bookkeeping is not counted.',
      '',
    );

    lines.push(`## Where the time goes (at ${last.concurrency} in flight)`, '');
    lines.push(
      '| function | invocations/order | mean batch | duration p50 | p95 | busy s | retried records | log lines |',
    );
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const [fn, i] of Object.entries(last.invocations)) {
      lines.push(
        `| ${fn} | ${i.perOrder} | ${i.meanBatch} | ${i.durationMsP50} ms | ${i.durationMsP95} ms | ${i.busySeconds} | ${i.retried} | ${i.logLines} |`,
      );
    }
    lines.push('');
    lines.push('CPU while the pipeline ran (share of one core; 2 cores in all):', '');
    lines.push(`| level | ${[...new Set(r.levels.flatMap((l) => Object.keys(l.cpuShare)))].sort().join(' | ')} |`);
    const cpuKeys = [...new Set(r.levels.flatMap((l) => Object.keys(l.cpuShare)))].sort();
    lines.push(`|---|${cpuKeys.map(() => '---:').join('|')}|`);
    for (const l of r.levels)
      lines.push(`| ${l.concurrency} | ${cpuKeys.map((k) => (l.cpuShare[k] ?? 0).toFixed(2)).join(' | ')} |`);
    lines.push('');
  }

  lines.push(...costSection(r, prices));

  lines.push(...awsSection(r, prices));

  lines.push(...bundleSection(r.bundles));

  lines.push(...phaseSection(r));
  lines.push(
    `DLQ after the run: ${r.dlqDepth ?? '?'} messages. Duplicate final events seen: ${r.finalDuplicates ?? '?'}.`,
    '',
  );
  return lines.join('\n');
}

/** Two panels: orders/s (pipeline and ceiling) and latency p50/p95/p99, against orders in flight. */
function chartSvg(r: BenchResults): string {
  const W = 900;
  const H = 400;
  const panelW = 380;
  const top = 68;
  const plotH = 250;
  const levels = r.levels.map((l) => l.concurrency);
  const xAt = (left: number, i: number): number =>
    left + 40 + (levels.length === 1 ? panelW / 2 - 40 : (i * (panelW - 80)) / (levels.length - 1));
  const nice = (max: number): number => {
    const p = 10 ** Math.floor(Math.log10(Math.max(max, 1e-9)));
    return [1, 2, 2.5, 5, 10].map((f) => f * p).find((v) => v >= max) ?? max;
  };
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">order-fanout on the local stack: ${r.machine.cpus} cores, moto_server, ${String(r.config.ordersPerLevel)} orders per level</text>`,
  );

  const panel = (
    left: number,
    title: string,
    unit: string,
    series: { name: string; color: string; dash?: string; values: (number | undefined)[] }[],
  ): void => {
    const max = nice(
      Math.max(...series.flatMap((s) => s.values.filter((v): v is number => v !== undefined)), 1) * 1.05,
    );
    const y = (v: number): number => top + plotH - (v / max) * plotH;
    out.push(
      `<text x="${left + panelW / 2}" y="${top - 12}" text-anchor="middle" font-size="13" font-weight="bold">${title}</text>`,
    );
    for (let k = 0; k <= 5; k += 1) {
      const v = (max * k) / 5;
      out.push(`<line x1="${left + 30}" x2="${left + panelW - 30}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
      out.push(
        `<text x="${left + 26}" y="${y(v) + 4}" text-anchor="end" fill="#444">${Number.isInteger(v) ? v : v.toFixed(1)}</text>`,
      );
    }
    out.push(
      `<text x="${left}" y="${top + plotH / 2}" transform="rotate(-90 ${left} ${top + plotH / 2})" text-anchor="middle" dy="-2" fill="#444">${unit}</text>`,
    );
    out.push(
      ...levels.map(
        (c, i) => `<text x="${xAt(left, i)}" y="${top + plotH + 18}" text-anchor="middle" fill="#444">${c}</text>`,
      ),
    );
    out.push(
      `<text x="${left + panelW / 2}" y="${top + plotH + 36}" text-anchor="middle" fill="#444">orders in flight</text>`,
    );
    series.forEach((s, idx) => {
      const pts = s.values
        .map((v, i) => (v === undefined ? undefined : `${xAt(left, i).toFixed(1)},${y(v).toFixed(1)}`))
        .filter((p): p is string => p !== undefined);
      out.push(
        `<polyline fill="none" stroke="${s.color}" stroke-width="2.5" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''} points="${pts.join(' ')}"/>`,
      );
      for (const p of pts) {
        const [px, py] = p.split(',');
        out.push(`<circle cx="${px}" cy="${py}" r="3.5" fill="${s.color}"/>`);
      }
      const ly = top + plotH + 58;
      const lx = left + 30 + idx * 120;
      out.push(
        `<line x1="${lx}" x2="${lx + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2.5" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''}/>`,
      );
      out.push(`<text x="${lx + 28}" y="${ly}">${s.name}</text>`);
    });
  };
  panel(20, 'Throughput to final status', 'orders/s', [
    { name: 'pipeline', color: '#1f77b4', values: r.levels.map((l) => l.ordersPerSecond) },
    {
      name: 'ceiling (SDK replay)',
      color: '#999',
      dash: '6 4',
      values: r.levels.map((l) => l.ceiling?.ordersPerSecond),
    },
  ]);
  panel(470, 'Latency, POST → final status', 'ms', [
    { name: 'p50', color: '#2ca02c', values: r.levels.map((l) => l.latencyMs.p50) },
    { name: 'p95', color: '#ff7f0e', values: r.levels.map((l) => l.latencyMs.p95) },
    { name: 'p99', color: '#d62728', values: r.levels.map((l) => l.latencyMs.p99) },
  ]);
  out.push('</svg>');
  return out.join('\n');
}

export async function writeReport(r: BenchResults, dir: string): Promise<string[]> {
  const files = [join(dir, 'latest.json'), join(dir, 'latest.md'), join(dir, 'chart.svg')];
  writeFileSync(files[0] ?? '', `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(files[1] ?? '', `${markdown(r)}\n`);
  writeFileSync(files[2] ?? '', `${chartSvg(r)}\n`);
  return files;
}

// `npx tsx bench/report.ts [results.json]`: renders latest.md and the chart again from a results file.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { readFileSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  const file = process.argv[2] ?? join(import.meta.dirname, 'results', 'latest.json');
  console.log((await writeReport(JSON.parse(readFileSync(file, 'utf8')) as BenchResults, dirname(file))).join('\n'));
}
