// `make up`'s narration: the runtime's typed reports (emulation/runtime/reports.ts) as one line each,
// prefixed with the function's name. A function's Powertools JSON line becomes "time level orderId
// message key=value…"; a batch or a request becomes one line of its own. LOG_FORMAT=json prints the
// functions' raw JSON lines and the reports as JSON instead, for jq.
import { z } from 'zod';
import type { RuntimeReport } from '../../emulation/runtime/index.js';

export interface NarratorOptions {
  /** The deployed functions: each gets its own colour, and the names are padded to the longest. */
  functions: readonly string[];
  /** ANSI colours (a TTY). */
  color: boolean;
  /** LOG_FORMAT=json: raw JSON lines. */
  json: boolean;
}

/** What a Powertools log line holds; anything else a function prints is shown as it is. */
const powertoolsLine = z.looseObject({
  level: z.string(),
  message: z.string(),
  timestamp: z.string(),
  orderId: z.string().optional(),
});

/** A metrics line in CloudWatch's embedded metric format (Powertools Metrics): what it counts, by name. */
const metricsLine = z.looseObject({
  _aws: z.object({
    Timestamp: z.number(),
    CloudWatchMetrics: z.array(
      z.object({ Metrics: z.array(z.object({ Name: z.string(), Unit: z.string().optional() })) }),
    ),
  }),
});

/** "OrderPlacedSeconds=300 Seconds": each metric a line of EMF carries, with its value. */
function metricValues(line: z.infer<typeof metricsLine>): string {
  return line._aws.CloudWatchMetrics.flatMap((group) => group.Metrics)
    .map(({ Name, Unit }) => `${Name}=${String(line[Name])}${Unit === undefined || Unit === 'None' ? '' : ` ${Unit}`}`)
    .join(' ');
}

/** Keys every line has, or that identify the record rather than say what happened: not repeated. */
const QUIET_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'xray_trace_id',
  'orderId',
  'messageId',
  'eventId',
  'receiveCount',
  'requestId',
]);

const ANSI = { reset: '\u001b[0m', dim: '\u001b[2m', bold: '\u001b[1m', red: '\u001b[31m', yellow: '\u001b[33m' };
/** One colour per function: cyan, magenta, green, blue, yellow, bright cyan, bright magenta, bright green. */
const PALETTE = [36, 35, 32, 34, 33, 96, 95, 92].map((code) => `\u001b[${code}m`);

/** "08:01:02.345" from an ISO time (UTC, as the functions log it). */
const clock = (iso: string): string => (/T(\d\d:\d\d:\d\d(?:\.\d{1,3})?)/.exec(iso)?.[1] ?? iso).padEnd(12, '0');

/** The API path without the front door's /_aws/execute-api/{apiId}/{stage} prefix. */
const shortPath = (path: string): string => path.replace(/^\/_aws\/execute-api\/[^/]+\/[^/]+(?=\/|$)/, '') || '/';

const ms = (durationMs: number): string =>
  durationMs < 1000 ? `${Math.round(durationMs)} ms` : `${(durationMs / 1000).toFixed(2)} s`;

function attribute(key: string, value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    // An error logged by Powertools: its name and message are what a reader needs, not the stack.
    const { name, message } = value as { name?: unknown; message?: unknown };
    if (typeof message === 'string') return `${key}=${typeof name === 'string' ? `${name}: ` : ''}${message}`;
    return `${key}=${JSON.stringify(value)}`;
  }
  return `${key}=${String(value)}`;
}

export function createNarrator(options: NarratorOptions): (report: RuntimeReport) => string {
  const width = Math.max(0, ...options.functions.map((name) => name.length));
  const colours = new Map(
    [...options.functions].sort().map((name, index) => [name, PALETTE[index % PALETTE.length] ?? '']),
  );
  const paint = (code: string, text: string): string =>
    options.color && code !== '' ? `${code}${text}${ANSI.reset}` : text;
  const prefix = (name: string): string => `${paint(colours.get(name) ?? ANSI.bold, name.padEnd(width))} │ `;
  const level = (name: string): string => {
    const upper = name.toUpperCase().padEnd(5);
    return upper.startsWith('ERROR')
      ? paint(ANSI.red, upper)
      : upper.startsWith('WARN')
        ? paint(ANSI.yellow, upper)
        : upper;
  };

  return (report) => {
    if (options.json) return report.type === 'output' ? report.line : JSON.stringify(report);
    switch (report.type) {
      case 'output': {
        let parsed: z.infer<typeof powertoolsLine> | undefined;
        let metrics: z.infer<typeof metricsLine> | undefined;
        try {
          const json: unknown = JSON.parse(report.line);
          const result = powertoolsLine.safeParse(json);
          parsed = result.success ? result.data : undefined;
          const metric = metricsLine.safeParse(json);
          metrics = metric.success ? metric.data : undefined;
        } catch {
          parsed = undefined; // not JSON: printed as it came
        }
        if (metrics !== undefined)
          return `${prefix(report.functionName)}${paint(ANSI.dim, clock(new Date(metrics._aws.Timestamp).toISOString()))} METRIC ${typeof metrics.orderId === 'string' ? metrics.orderId : '-'} ${metricValues(metrics)}`;
        if (parsed === undefined)
          return `${prefix(report.functionName)}${paint(ANSI.dim, clock(report.time))} ${report.line}`;
        const extras = Object.entries(parsed)
          .filter(([key, value]) => !QUIET_KEYS.has(key) && value !== undefined)
          .map(([key, value]) => attribute(key, value));
        return [
          `${prefix(report.functionName)}${paint(ANSI.dim, clock(parsed.timestamp))}`,
          level(parsed.level),
          parsed.orderId ?? '-',
          parsed.message,
          ...(extras.length === 0 ? [] : [paint(ANSI.dim, extras.join(' '))]),
        ].join(' ');
      }
      case 'batch': {
        const records = `${report.records} record${report.records === 1 ? '' : 's'}`;
        const failed =
          report.failures === 0 ? '0 failed' : paint(ANSI.red, `${report.failures} failed (${report.reason})`);
        const refused =
          report.deleteFailures === 0 ? '' : `, ${paint(ANSI.yellow, `${report.deleteFailures} delete(s) refused`)}`;
        const source = `${report.source.kind === 'sqs' ? 'sqs' : 'stream'}:${report.source.name}`;
        return `${prefix(report.functionName)}${paint(ANSI.dim, `${clock(report.time)} batch ${source}`)} ${records}, ${failed}${refused}, ${ms(report.durationMs)}`;
      }
      case 'request': {
        const status =
          report.status >= 500
            ? paint(ANSI.red, String(report.status))
            : report.status >= 400
              ? paint(ANSI.yellow, String(report.status))
              : String(report.status);
        const note = report.note === undefined ? '' : ` (${report.note})`;
        const name = report.functionName ?? 'api-gateway';
        return `${prefix(name)}${paint(ANSI.dim, `${clock(report.time)} ${report.method} ${shortPath(report.path)}`)} → ${status}, ${ms(report.durationMs)}${note}`;
      }
    }
  };
}
