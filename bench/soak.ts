// `make soak`: a long run on a stack of its own (its own emulator on a free port, its own state
// directory and build), with faults throughout, then an exactly-once audit of everything it did.
// Every minute it samples the emulator's and the runtime's memory and the throughput, and at the end
// judges whether they stayed flat within the bounds bench/soak-figures.ts states. bench/README.md
// ("make soak") says how to run it and read it. Not part of make test.
//
// Settings (environment):
//   SOAK_MINUTES=30        how long orders are placed, at least (the settle and the audit follow)
//   SOAK_ORDERS=10000      and until this many are placed (0: SOAK_MINUTES alone), but never beyond SOAK_MAX_MINUTES
//   SOAK_MAX_MINUTES=60    the longest the load may last (default twice SOAK_MINUTES)
//   SOAK_RATE=6            orders placed per second (open loop; at most SOAK_MAX_IN_FLIGHT waiting for their final status)
//   SOAK_MAX_IN_FLIGHT=64  orders placed and not yet final, at most: placing waits beyond it (the machine's limit shows as a lower rate)
//   SOAK_KILL_EVERY=30     seconds between two function workers killed (SIGKILL, a busy one when there is one); 0: none
//   SOAK_RELOAD_EVERY=300  seconds between two functions reloaded (new code deployed, POST /_runtime/reload); 0: none
//   SOAK_FAULTS=1          0: no fault rules (the kills and reloads still happen unless set to 0)
//   SOAK_IAM=1             the IAM gate, as make up runs it
//   SOAK_SETTLE_MINUTES=10 after the load, how long the pipeline may take to finish every order (the sweeper re-announces after 5 min)
//   SOAK_STREAM_RETENTION_MINUTES=10  the emulator's stream retention (AWS: 24 h), shortened so that the bound shows within the run
//   SOAK_OUT=bench/results where soak.json and soak.svg go (a run shorter than 30 minutes or 10,000 orders writes soak-short-<N>min.*)
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { LambdaClient, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { DescribeTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { freePort, startEmulator } from '../emulation/emulator.js';
import { measureItemCost } from '../emulation/moto/item-cost.js';
import type { FaultRule } from '../emulation/fault-proxy.js';
import { RELOAD_PATH } from '../emulation/runtime/api/control.js';
import type { RuntimeReport } from '../emulation/runtime/index.js';
import { redrive } from '../local/ops/dlq/redrive.js';
import { discover } from '../local/ops/dlq/topology.js';
import { startStack } from '../local/stack/stack.js';
import { customerTokens } from '../local/stack/token.js';
import { clients } from './aws.js';
import { BENCH_CUSTOMERS, benchCustomer, drained, FinalWatcher, queueDepth, queueMessages } from './load.js';
import { machineInfo, processStat } from './cpu.js';
import { audit, type AuditedOrder, type AuditResult } from './soak-audit.js';
import {
  chartPanels,
  chartSvg,
  itemsMiB,
  judgeSoak,
  minuteLatency,
  progressLine,
  SOAK_BOUNDS,
  type SoakSample,
  warmupMinutes,
} from './soak-figures.js';
import { emailOrderId, isShortRun, soakFileName, workerPids, withZipComment } from './soak-process.js';
import { round } from './stats.js';

const env = (name: string, fallback: string): string => process.env[name] ?? fallback;
const config = {
  minutes: Number(env('SOAK_MINUTES', '30')),
  orders: Number(env('SOAK_ORDERS', '10000')),
  maxMinutes: Number(env('SOAK_MAX_MINUTES', String(2 * Number(env('SOAK_MINUTES', '30'))))),
  rate: Number(env('SOAK_RATE', '6')),
  maxInFlight: Number(env('SOAK_MAX_IN_FLIGHT', '64')),
  killEverySeconds: Number(env('SOAK_KILL_EVERY', '30')),
  reloadEverySeconds: Number(env('SOAK_RELOAD_EVERY', '300')),
  faults: env('SOAK_FAULTS', '1') !== '0',
  iam: env('SOAK_IAM', '1') !== '0',
  settleMinutes: Number(env('SOAK_SETTLE_MINUTES', '10')),
  streamRetentionMinutes: Number(env('SOAK_STREAM_RETENTION_MINUTES', '10')),
  out: env('SOAK_OUT', join(import.meta.dirname, 'results')),
};

/**
 * The faults, throughout the run: each a share of the calls the functions (and the runtime's pollers
 * on their behalf) make, as AWS fails them. Low enough that a message rarely fails three receives in
 * a row (maxReceiveCount) — the DLQ is redriven at the end if one did, as an operator would.
 */
const SOAK_FAULTS: FaultRule[] = [
  { action: 'DynamoDB.*', rate: 0.01, fault: 'throttle' },
  { action: 'SNS.Publish', rate: 0.01, fault: 'throttle' },
  { action: '*', rate: 0.005, fault: '500' },
  { action: '*', rate: 0.005, fault: '503' },
  // A lost response: the call took effect, the caller is told it failed (its retry must change nothing).
  // Not SES's: SendEmail takes no idempotency token, so a lost answer is an email sent twice, on AWS too
  // (functions/notification/notifications.ts says so); the audit counts that window apart.
  ...['DynamoDB.*', 'SNS.*', 'SQS.*'].map((action): FaultRule => ({ action, rate: 0.005, fault: 'after' })),
  { action: 'DynamoDB.TransactWriteItems', rate: 0.05, fault: 'conflict' },
  // SES refuses a share of the recipients for good (MessageRejected): recorded FAILED, no email, not retried.
  { action: 'SESv2.SendEmail', rate: 0.03, fault: 'rejected' },
];

/** The soak's products: seven with stock for any run, one scarce (its orders are cancelled once it runs out). */
const PRODUCTS = Array.from({ length: 8 }, (_, i) => `soak-p-${String(i + 1).padStart(3, '0')}`);
const SCARCE = PRODUCTS[7] ?? 'soak-p-008';
const PLENTY = 1_000_000;
const SCARCE_STOCK = 150;
/** Every 20th order is declined by the payment provider (its test token): cancelled, its reservation released. */
const declined = (i: number): boolean => i % 20 === 3;
const orderLine = (i: number) => ({
  productId: PRODUCTS[i % PRODUCTS.length] ?? SCARCE,
  quantity: 1 + (i % 3 === 0 ? 1 : 0),
});

const began = performance.now();
const clock = (): string => `${((performance.now() - began) / 1000).toFixed(0).padStart(5)}s`;
const step = (message: string): void => console.log(`[soak ${clock()}] ${message}`);

const stateDir = mkdtempSync(join(tmpdir(), 'order-fanout-soak-'));
const runtimeLog = createWriteStream(join(stateDir, 'runtime.log'));
const distDir = join(stateDir, 'dist');

/** What the runtime reported, as counts: bounded whatever the run's length. */
const reports = {
  batches: 0,
  failedBatches: 0,
  crashedBatches: 0,
  timedOutBatches: 0,
  /** Records of notification batches cut off (a crash or a timeout): each may have sent its email unrecorded. */
  notificationRecordsCutOff: 0,
  requests: 0,
  requests5xx: 0,
};
const onReport = (report: RuntimeReport): void => {
  if (report.type === 'batch') {
    reports.batches += 1;
    if (report.verdict === 'failed') reports.failedBatches += 1;
    const cut = report.reason.startsWith('crash') || report.reason.startsWith('timeout');
    if (report.reason.startsWith('crash')) reports.crashedBatches += 1;
    if (report.reason.startsWith('timeout')) reports.timedOutBatches += 1;
    if (cut && report.functionName.endsWith('notification')) reports.notificationRecordsCutOff += report.records;
  } else if (report.type === 'request') {
    reports.requests += 1;
    if (report.status >= 500) reports.requests5xx += 1;
  }
};

const rssMiB = (pid: number | undefined): number => {
  if (pid === undefined) return 0;
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return round(Number(kb ?? 0) / 1024, 1);
  } catch {
    return 0; // gone meanwhile
  }
};

const procEntries = (): { pid: number; stat: string }[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        return [{ pid: Number(name), stat: readFileSync(`/proc/${name}/stat`, 'utf8') }];
      } catch {
        return [];
      }
    });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const results: Record<string, unknown> = {
  startedAt: new Date().toISOString(),
  machine: machineInfo(),
  config,
  bounds: SOAK_BOUNDS,
  faults: config.faults ? SOAK_FAULTS : [],
};

step(`state in ${stateDir}`);
// The stream keeps its records this long (emulation/moto/fixes/dynamodbstreams/retention.py; AWS: 24 h).
process.env.MOTO_STREAM_RETENTION_SECONDS = String(Math.round(config.streamRetentionMinutes * 60));
const emulator = await startEmulator({ port: await freePort(), logFile: join(stateDir, 'emulator.log') });
step(`emulator: moto_server pid ${String(emulator.pid)} on ${emulator.url}`);
let stopStack: (() => Promise<void>) | undefined;
const stopAll = async (): Promise<void> => {
  await stopStack?.().catch(() => {});
  await emulator.stop();
};
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
process.on('SIGTERM', () => void stopAll().then(() => process.exit(143)));

let exitCode = 1;
try {
  const stack = await startStack({
    emulatorPort: Number(new URL(emulator.url).port),
    apiPort: await freePort(),
    stateDir,
    distDir,
    faultProxy: true,
    iam: config.iam,
    step: (m) => step(m),
    verbose: (chunk) => void runtimeLog.write(chunk.endsWith('\n') ? chunk : `${chunk}\n`),
    onReport,
  });
  stopStack = () => stack.stop();
  const faultProxy = stack.faultProxy;
  if (faultProxy === undefined) throw new Error('the stack started without its fault proxy');
  const admin = clients(emulator.url); // bookkeeping: straight to the emulator, never faulted
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const lambda = new LambdaClient({ endpoint: emulator.url, region: 'us-east-1', credentials });
  const tables = stack.outputs.table_names;
  const table = (name: string): string => tables[name] ?? `${stack.outputs.name_prefix}${name}`;
  const queueUrls = Object.values(stack.outputs.queue_urls);

  const initialStock = new Map<string, number>();
  for (const productId of PRODUCTS) {
    const stock = productId === SCARCE ? SCARCE_STOCK : PLENTY;
    initialStock.set(productId, stock);
    await admin.db.send(
      new PutCommand({
        TableName: table('inventory'),
        Item: { productId, name: `Soak item ${productId}`, unitPrice: 1000, currency: 'JPY', stock },
      }),
    );
  }
  const cognito = new CognitoIdentityProviderClient({ endpoint: emulator.url, region: 'us-east-1', credentials });
  const pool = { userPoolId: stack.outputs.user_pool_id, clientId: stack.outputs.user_pool_client_id };
  // ID tokens last an hour: a new sign-in per customer every 30 minutes.
  let tokenFor = customerTokens(cognito, pool);
  let tokensAt = Date.now();
  await Promise.all(Array.from({ length: BENCH_CUSTOMERS }, (_, i) => tokenFor(benchCustomer(i))));
  const watcher = await FinalWatcher.create(admin.sqs, admin.sns, stack.outputs.topic_arn, 'soak-final');
  watcher.start();

  // ── emails: what SES accepted, collected as the run goes (the emulator need keep only the latest) ──
  const seenEmails = new Set<string>();
  const emailsByOrder = new Map<string, number>();
  let emailPolls = 0;
  let emailGaps = 0;
  const EmailsSchema = z.object({ messages: z.array(z.object({ Id: z.string(), Subject: z.string() })) });
  const collectEmails = async (): Promise<void> => {
    const response = await fetch(`${emulator.url}/_aws/ses`);
    if (!response.ok) throw new Error(`GET /_aws/ses answered ${response.status}`);
    const { messages } = EmailsSchema.parse(await response.json());
    const fresh = messages.filter((m) => !seenEmails.has(m.Id));
    // Every message new, and some seen before: the emulator may have dropped some between two looks.
    if (fresh.length > 0 && fresh.length === messages.length && seenEmails.size > 0) emailGaps += 1;
    for (const m of fresh) {
      seenEmails.add(m.Id);
      const orderId = emailOrderId(m.Subject);
      if (orderId !== undefined) emailsByOrder.set(orderId, (emailsByOrder.get(orderId) ?? 0) + 1);
    }
    emailPolls += 1;
  };

  // ── chaos: workers killed mid-batch, functions reloaded ────────────────────────────────────
  const chaos = { kills: 0, killedIdle: 0, reloads: 0, reloadFailures: 0, reloaded: [] as string[] };
  const consumers = ['inventory', 'billing', 'notification', 'order-status', 'order-api', 'order-publisher'];
  const originalZips = new Map(consumers.map((name) => [name, readFileSync(join(distDir, `${name}.zip`))]));
  const killOne = async (): Promise<void> => {
    const workers = workerPids(process.pid, procEntries());
    if (workers.length === 0) return;
    const before = new Map(workers.map((pid) => [pid, processStat(pid)?.cpuMs ?? 0]));
    await sleep(200);
    const busy = workers.filter((pid) => (processStat(pid)?.cpuMs ?? 0) > (before.get(pid) ?? 0));
    const pick = (list: number[]) => list[Math.floor(Math.random() * list.length)];
    const victim = busy.length > 0 ? pick(busy) : pick(workers);
    if (victim === undefined) return;
    try {
      process.kill(victim, 'SIGKILL');
      chaos.kills += 1;
      if (busy.length === 0) chaos.killedIdle += 1;
    } catch {
      // gone meanwhile
    }
  };
  const reloadOne = async (): Promise<void> => {
    const name = consumers[chaos.reloads % consumers.length] ?? 'inventory';
    const original = originalZips.get(name);
    if (original === undefined) return;
    // New code, as make watch deploys it: the same bundle in a zip of another CodeSha256.
    const zip = withZipComment(original, `soak reload ${chaos.reloads + 1}`);
    writeFileSync(join(distDir, `${name}.zip`), zip);
    await lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: `${stack.outputs.name_prefix}${name}`, ZipFile: zip }),
    );
    const response = await fetch(new URL(RELOAD_PATH, stack.apiUrl), { method: 'POST' });
    const body = await response.text();
    chaos.reloads += 1;
    if (!response.ok) {
      chaos.reloadFailures += 1;
      step(`reload of ${name} refused (${response.status}): ${body.slice(0, 200)}`);
    } else chaos.reloaded.push(name);
  };
  const every = (seconds: number, what: string, work: () => Promise<void>): (() => void) => {
    if (!(seconds > 0)) return () => {};
    const timer = setInterval(() => {
      work().catch((error: unknown) => step(`${what}: ${error instanceof Error ? error.message : String(error)}`));
    }, seconds * 1000);
    return () => clearInterval(timer);
  };

  // ── the load: orders placed at SOAK_RATE, each followed to its final status ────────────────
  const placedIds: string[] = [];
  const waiting = new Set<Promise<void>>();
  let minute = { placed: 0, finalized: 0, latencies: [] as number[] };
  let postFailures = 0;
  let postRetries = 0;
  let unseenFinals = 0;
  const orderTimeoutMs = (config.settleMinutes + 5) * 60_000;

  const placeOne = async (i: number): Promise<void> => {
    const { token } = await tokenFor(benchCustomer(i));
    const key = randomUUID();
    const body = JSON.stringify({
      items: [orderLine(i)],
      paymentToken: declined(i) ? 'tok_chargeDeclined' : 'tok_visa',
    });
    const t0 = Date.now();
    // A client retries with its Idempotency-Key: on a 5xx, 409 (in progress), 429, or no answer at all.
    for (let attempt = 1; attempt <= 8; attempt += 1) {
      let status = 0;
      let text = '';
      try {
        const response = await fetch(`${stack.apiUrl}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key, authorization: token },
          body,
        });
        status = response.status;
        text = await response.text();
      } catch {
        status = 0;
      }
      if (status === 202) {
        const { orderId } = z.object({ orderId: z.string() }).parse(JSON.parse(text));
        placedIds.push(orderId);
        minute.placed += 1;
        const final = await watcher.waitFor(orderId, orderTimeoutMs);
        if (final === undefined) unseenFinals += 1;
        else {
          minute.finalized += 1;
          minute.latencies.push(Math.max(0, final.finalizedAt - t0));
        }
        return;
      }
      if (status !== 0 && status < 500 && status !== 409 && status !== 429) {
        postFailures += 1;
        step(`POST /orders answered ${status}: ${text.slice(0, 200)}`);
        return;
      }
      postRetries += 1;
      await sleep(Math.min(5000, 200 * 2 ** attempt * Math.random()));
    }
    postFailures += 1;
  };

  const samples: SoakSample[] = [];
  const queuedNow = async (): Promise<number> =>
    (await queueMessages(admin.sqs, queueUrls)).reduce((sum, d) => sum + d, 0);
  /** Each table's ItemCount (the emulator keeps it exact; AWS refreshes it about every six hours). */
  const storedNow = async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      await Promise.all(
        Object.values(tables).map(async (name) => {
          const { Table } = await admin.db.send(new DescribeTableCommand({ TableName: name }));
          return [name, Table?.ItemCount ?? 0] as const;
        }),
      ),
    );
  const sampleMinute = async (n: number): Promise<SoakSample> => {
    const workers = workerPids(process.pid, procEntries());
    const queued = await queuedNow().catch(() => -1);
    const storedItems = await storedNow().catch(() => ({}));
    const sample: SoakSample = {
      minute: n,
      placed: minute.placed,
      finalized: minute.finalized,
      inFlight: waiting.size,
      latencyMs: minuteLatency(minute.latencies),
      rssMiB: {
        emulator: rssMiB(emulator.pid),
        runtime: rssMiB(process.pid),
        workers: round(
          workers.reduce((sum, pid) => sum + rssMiB(pid), 0),
          1,
        ),
      },
      workerCount: workers.length,
      placedTotal: placedIds.length,
      queued,
      storedItems,
    };
    minute = { placed: 0, finalized: 0, latencies: [] };
    return sample;
  };

  if (config.faults) faultProxy.setRules(SOAK_FAULTS, 2525);
  const stopKills = every(config.killEverySeconds, 'kill', killOne);
  const stopReloads = every(config.reloadEverySeconds, 'reload', reloadOne);
  const stopEmails = every(15, 'emails', collectEmails);
  step(
    `load: ${config.rate} orders/s for ${config.minutes} min${config.orders > 0 ? ` and ${config.orders} orders (at most ${config.maxMinutes} min)` : ''} (at most ${config.maxInFlight} in flight); ` +
      `${config.faults ? `${SOAK_FAULTS.length} fault rules` : 'no fault rules'}, a worker killed every ${config.killEverySeconds} s, ` +
      `a function reloaded every ${config.reloadEverySeconds} s`,
  );
  const loadStarted = Date.now();
  let placedCount = 0;
  const minimumEnd = loadStarted + config.minutes * 60_000;
  const latestEnd = loadStarted + Math.max(config.minutes, config.maxMinutes) * 60_000;
  /** Placing goes on until both the minutes and the orders are reached, and never beyond the longest. */
  const loadGoesOn = (now: number): boolean => now < latestEnd && (now < minimumEnd || placedCount < config.orders);
  let nextMinute = loadStarted + 60_000;
  let sheddedMs = 0;
  while (loadGoesOn(Date.now())) {
    const now = Date.now();
    if (now >= nextMinute) {
      const sample = await sampleMinute(samples.length + 1);
      samples.push(sample);
      step(progressLine(sample, config.minutes));
      nextMinute += 60_000;
    }
    if (now - tokensAt > 30 * 60_000) {
      tokenFor = customerTokens(cognito, pool);
      tokensAt = now;
    }
    const due = loadStarted + (placedCount / config.rate) * 1000 + sheddedMs;
    if (now < due) {
      await sleep(Math.min(due - now, nextMinute - now, 250));
      continue;
    }
    if (waiting.size >= config.maxInFlight) {
      // The pipeline is behind: placing waits (the rate falls), rather than piling up without end.
      await sleep(50);
      sheddedMs += 50;
      continue;
    }
    const i = placedCount;
    placedCount += 1;
    const done: Promise<void> = placeOne(i)
      .catch((error: unknown) => {
        postFailures += 1;
        step(`order ${i}: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => waiting.delete(done));
    waiting.add(done);
  }
  if (Date.now() - (nextMinute - 60_000) > 30_000) {
    const last = await sampleMinute(samples.length + 1);
    samples.push(last);
    step(progressLine(last, config.minutes));
  }
  stopKills();
  stopReloads();
  faultProxy.setRules([]);
  const loadSeconds = (Date.now() - loadStarted) / 1000;
  step(
    `load ends: ${placedIds.length} orders placed in ${round(loadSeconds / 60, 1)} min; faults off, no more kills or reloads`,
  );

  // ── settle: every order final, every queue empty, the DLQ redriven if anything reached it ─────
  const settleStarted = Date.now();
  const settleEnds = settleStarted + config.settleMinutes * 60_000;
  const scanAll = async (db: DynamoDBDocumentClient, name: string): Promise<Record<string, unknown>[]> => {
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateScan({ client: db }, { TableName: table(name), ConsistentRead: true }))
      items.push(...(page.Items ?? []));
    return items;
  };
  let dlqRedriven = 0;
  let settledAfter: number | undefined;
  while (Date.now() < settleEnds) {
    const placedStill = (await scanAll(admin.db, 'orders')).filter((o) => o.status === 'PLACED').length;
    const depth = await queueDepth(admin.sqs, stack.outputs.dlq_url);
    if (depth > 0) {
      const topology = await discover(admin.sqs, admin.sns, stack.outputs.dlq_url.split('/').pop() ?? '');
      const report = await redrive(admin.sqs, topology, { visibilityTimeout: 30 });
      dlqRedriven += report.moved.length;
      step(`settle: ${depth} message(s) in the DLQ, ${report.moved.length} redriven (${report.left.length} left)`);
    }
    // Every queue empty (nothing visible or in flight) twice in a row; a queue still busy is looked at again.
    const quiet =
      placedStill === 0 &&
      depth === 0 &&
      (await drained(admin.sqs, queueUrls, 20_000).then(
        () => true,
        () => false,
      ));
    if (quiet && (await queueDepth(admin.sqs, stack.outputs.dlq_url)) === 0) {
      settledAfter = Date.now() - settleStarted;
      break;
    }
    step(
      `settle: ${placedStill} order(s) still PLACED, ${waiting.size} awaited; DLQ ${depth}${placedStill === 0 && !quiet ? '; queues still busy' : ''}`,
    );
    await sleep(10_000);
  }
  stopEmails();
  await collectEmails();
  step(
    settledAfter === undefined
      ? `settle: not settled within ${config.settleMinutes} min`
      : `settle: every order final and every queue empty ${round(settledAfter / 1000, 0)} s after the load`,
  );
  const idle = await sampleMinute(samples.length + 1); // memory once idle: what stays held

  // ── the audit ──────────────────────────────────────────────────────────────────────────────
  const [orders, billing, reservations, notifications] = await Promise.all([
    scanAll(admin.db, 'orders'),
    scanAll(admin.db, 'billing'),
    scanAll(admin.db, 'inventory-reservations'),
    scanAll(admin.db, 'notifications'),
  ]);
  const byOrder = <T extends Record<string, unknown>>(items: T[], key: (item: T) => string) => {
    const map = new Map<string, T[]>();
    for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
    return map;
  };
  const stock = new Map<string, { initial: number; final: number }>();
  for (const [productId, initial] of initialStock) {
    const { Item } = await admin.db.send(
      new GetCommand({ TableName: table('inventory'), Key: { productId }, ConsistentRead: true }),
    );
    stock.set(productId, { initial, final: Number(Item?.stock) });
  }
  const audited: AuditResult = audit({
    orders: orders as unknown as AuditedOrder[],
    placed: placedIds,
    billing: byOrder(billing, (b) => String(b.orderId)),
    reservations: new Map(reservations.map((r) => [String(r.orderId), r])),
    notifications: byOrder(notifications, (n) => String(n.notificationId).split(':')[0] ?? ''),
    emails: emailsByOrder,
    stock,
    emailsResendable: reports.notificationRecordsCutOff,
  });
  if (emailGaps > 0)
    audited.problems.push(`the emails were read with ${emailGaps} possible gap(s): the email count may be short`);

  // ── what the tables' items cost the emulator: its memory may grow by that, and by nothing else ──
  const itemSamples = Object.fromEntries(
    await Promise.all(
      Object.values(tables).map(async (name) => {
        const [{ Table }, { Items }] = await Promise.all([
          admin.db.send(new DescribeTableCommand({ TableName: name })),
          admin.db.send(new ScanCommand({ TableName: name, Limit: 40 })),
        ]);
        return [
          name,
          { keySchema: Table?.KeySchema, attributeDefinitions: Table?.AttributeDefinitions, items: Items ?? [] },
        ] as const;
      }),
    ),
  );
  const itemCost = measureItemCost(itemSamples, 50);
  step(
    `items: ${Object.entries(itemCost)
      .map(([name, c]) => `${name} ${idle.storedItems[name] ?? 0} × ${round(c.bytesPerItem / 1024, 1)} KiB`)
      .join(
        ', ',
      )} = ${itemsMiB(idle.storedItems, itemCost)} MiB of the emulator's memory at the end (emulation/moto/item_cost.py)`,
  );

  const warmup = warmupMinutes(samples.length);
  const judgement = judgeSoak(samples, warmup, itemCost);
  const flat = judgement.every((j) => j.verdict === 'flat');
  const placed = placedIds.length;
  Object.assign(results, {
    finishedAt: new Date().toISOString(),
    loadMinutes: round(loadSeconds / 60, 2),
    placed,
    ordersPerSecond: round(placed / loadSeconds, 2),
    meetsIssue: placed >= 10_000 && loadSeconds >= 30 * 60,
    settledAfterSeconds: settledAfter === undefined ? null : round(settledAfter / 1000, 0),
    postRetries,
    postFailures,
    unseenFinals,
    finalDuplicates: watcher.duplicates,
    dlqRedriven,
    emails: { polls: emailPolls, seen: seenEmails.size, gaps: emailGaps },
    chaos,
    runtimeReports: reports,
    faultStats: { injected: faultProxy.stats().injected, denied: faultProxy.stats().denied },
    warmupMinutes: warmup,
    itemCost,
    samples,
    idle,
    judgement,
    audit: audited,
    machineAtEnd: { loadAverage: loadavg().map((l) => round(l, 1)) },
  });
  await watcher.stop();
  admin.destroy();
  lambda.destroy();
  cognito.destroy();

  const name = soakFileName(isShortRun(loadSeconds / 60, placed), Math.round(loadSeconds / 60));
  mkdirSync(config.out, { recursive: true });
  writeFileSync(join(config.out, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(
    join(config.out, `${name}.svg`),
    chartSvg(
      chartPanels(samples, itemCost),
      `make soak: ${placed} orders in ${round(loadSeconds / 60, 1)} min with faults (${String(results.startedAt).slice(0, 16)}Z)`,
    ),
  );
  for (const j of judgement)
    step(
      `${j.series}: ${j.verdict} (${j.first} → ${j.last} ${j.unit}; slope ${j.slopePerMinute} ${j.unit}/min, ${j.slopePer1000Orders} ${j.unit}/1,000 orders; last third ÷ first ${j.thirdsRatio})${j.why.length > 0 ? `: ${j.why.join('; ')}` : ''}`,
    );
  step(
    `audit: ${audited.orders} orders (${audited.confirmed} confirmed, ${audited.cancelled} cancelled, ${audited.notFinal} not final), ` +
      `${audited.emails} emails (${audited.emailsSentTwice} order(s) emailed twice in the documented window), ${audited.refusedNotifications} refused by SES; ${audited.ok ? 'every effect exactly once' : `${audited.problemCount} problem(s)`}`,
  );
  for (const problem of audited.problems.slice(0, 20)) step(`audit: ${problem}`);
  step(`chaos: ${JSON.stringify(chaos)}; runtime: ${JSON.stringify(reports)}`);
  step(`wrote ${join(config.out, `${name}.json`)} and .svg; logs in ${stateDir}`);
  exitCode = audited.ok && flat ? 0 : 1;
} catch (error) {
  step(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  step('stopping the stack and the emulator');
  await stopAll();
  runtimeLog.end();
}
process.exit(exitCode);
