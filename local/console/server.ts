// The live console at /_console on the front door (local only, never deployed):
//   GET  /_console             the page (page.html; console.css and app.js beside it)
//   GET  /_console/events      server-sent events: a `state` event at once, then each second it changes
//   GET  /_console/state       the same state once, as JSON
//   POST /_console/dlq/redrive runs `make dlq-redrive`'s code (local/ops/dlq/) and answers its report
//   POST /_console/publish-again {"eventId"} publishes an event the console saw once more, to its topic
//        with its eventType, waits until every queue whose filter policy admits it has delivered the
//        duplicate, and answers what each consumer did and what the order's records were before and
//        after (the items of each table that name the order or its products, and its emails): a
//        consumer that ignores the duplicate changes none of them. Local only, as the whole console.
// The state is what the runtime reported (./view.ts) plus what only AWS knows, asked at most once a
// second and only while someone watches: each queue's visible / in-flight counts, and the emails
// SES accepted (the emulator's GET /_aws/ses, as on LocalStack); and the topology, discovered once:
// the topic, each subscription's filter policy, its queue, the function that polls it and the tables
// that function is configured with (its environment's values that name a table).
//
// app.js is bundled from app.ts by esbuild when the console is first opened (a few milliseconds, then
// cached): the served script always matches its source, and `make build` keeps building only what
// is deployed.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { DynamoDBClient, paginateListTables, paginateScan } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as esbuild from 'esbuild';
import { z } from 'zod';
import { redrive, type RedriveReport } from '../ops/dlq/redrive.js';
import { discover, type Topology } from '../ops/dlq/topology.js';
import type { Deployment, LocalRoutes, RuntimeReport } from '../../emulation/runtime/index.js';
import { ConsoleView, type ViewSnapshot } from './view.js';

export const CONSOLE_PATH = '/_console';
const REFRESH_MS = 1000;

interface QueueState {
  name: string;
  url: string;
  /** The function its mapping invokes; undefined for the DLQ. */
  functionName?: string;
  visible: number;
  inFlight: number;
  dlq: boolean;
}

interface EmailState {
  id: string;
  to: string[];
  subject: string;
  body: string;
  time: string | undefined;
}

/** A subscription of the topic: its filter policy, its queue, the function that polls it, that function's tables. */
interface Lane {
  queue: string;
  filterPolicy: string | undefined;
  /** What the filter policy admits; undefined when it admits anything (or says something this console cannot read). */
  eventTypes: string[] | undefined;
  functionName: string | undefined;
  tables: string[];
}

interface TopologyState {
  topic: { arn: string; name: string } | undefined;
  /** The functions fed by a table's stream (the outbox relay): the table, the function, its tables. */
  streams: { table: string; functionName: string; tables: string[] }[];
  /** The functions behind the API (no mapping): their tables. */
  api: { functionName: string; tables: string[] }[];
  lanes: Lane[];
  dlq: string | undefined;
}

/** What a table holds of an order: its items that name the order (or one of its products), and their digest. */
interface Footprint {
  tables: { table: string; items: number; digest: string }[];
  emails: number;
}

export interface PublishAgainReport {
  eventId: string;
  type: string;
  orderId: string;
  /** The consumers whose filter policy admits the event. */
  expected: { queue: string; functionName: string | undefined }[];
  /** What each of them did with the duplicate (a missing one had not delivered it by the deadline). */
  deliveries: { queue: string; functionName: string; outcome: 'processed' | 'retried' }[];
  missing: string[];
  before: Footprint;
  after: Footprint;
  /** Every table's items and the emails are as they were. */
  unchanged: boolean;
}

export interface ConsoleState extends ViewSnapshot {
  topology: TopologyState | undefined;
  queues: QueueState[];
  emails: { total: number; recent: EmailState[] };
  /** What asking AWS failed with, if it did (the rest of the state is still shown). */
  errors: string[];
  time: string;
}

export interface ConsoleOptions {
  view: ConsoleView;
  sqs: SQSClient;
  sns: SNSClient;
  /** The emulator: its /_aws/ses lists the emails SES accepted. */
  endpoint: string;
  /** The queues the runtime polls, and for which function. */
  mappings: readonly { functionName: string; queueUrl: string }[];
  /** The stream mappings the runtime reads, and for which function. */
  streamMappings: readonly { functionName: string; streamArn: string }[];
  /** Every deployed function with its environment (which tables it is configured with). */
  functions: readonly { name: string; env: Record<string, string> }[];
  /** The tables: what the topology shows, and what "Publish again" compares. */
  db: DynamoDBClient;
  /** How long "Publish again" waits for the duplicate's deliveries (default 30 s). */
  publishAgainTimeoutMs?: number;
}

export interface Console {
  /** Answers a request under /_console. */
  handle(request: IncomingMessage, response: ServerResponse): void;
  close(): void;
}

const queueName = (url: string): string => url.split('/').pop() ?? url;

const readBody = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** LocalStack's GET /_aws/ses answer, which the moto launcher (emulation/moto/) gives too. */
const sentEmails = z.object({
  messages: z.array(
    z.object({
      Id: z.string(),
      Destination: z.object({ ToAddresses: z.array(z.string()).optional() }).optional(),
      Subject: z.string().optional(),
      Body: z.object({ text_part: z.string().nullish(), html_part: z.string().nullish() }).optional(),
      Timestamp: z.string().nullish(),
    }),
  ),
});

const toEmail = (message: z.infer<typeof sentEmails>['messages'][number]): EmailState => ({
  id: message.Id,
  to: message.Destination?.ToAddresses ?? [],
  subject: message.Subject ?? '',
  body: message.Body?.text_part ?? message.Body?.html_part ?? '',
  time: message.Timestamp ?? undefined,
});

async function listTables(db: DynamoDBClient): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListTables({ client: db }, {})) names.push(...(page.TableNames ?? []));
  return names;
}

/** Every item of a table (the local stack's tables are small). */
async function scanAll(db: DynamoDBClient, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: db }, { TableName: table, ConsistentRead: true }))
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
  return items;
}

/** The product ids an OrderPlaced payload names (their stock is part of what a duplicate must not change). */
const productIds = (payload: unknown): string[] => {
  const parsed = z
    .object({ data: z.object({ items: z.array(z.object({ productId: z.string() })) }) })
    .safeParse(payload);
  return parsed.success ? parsed.data.data.items.map((item) => item.productId) : [];
};

export function createConsole(options: ConsoleOptions): Console {
  const clients = new Set<ServerResponse>();
  let topology: Promise<Topology> | undefined;
  let lanes: Promise<TopologyState> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let refreshing: Promise<void> | undefined;
  let lastKey = '';
  let lastState: Omit<ConsoleState, 'time'> | undefined;
  let script: Promise<string> | undefined;

  /** The DLQ the mapped queues redrive to (its name carries the stack's prefix), else the design's name. */
  async function dlqName(): Promise<string | undefined> {
    for (const { queueUrl } of options.mappings) {
      const { Attributes = {} } = await options.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }),
      );
      const target = z
        .object({ deadLetterTargetArn: z.string() })
        .safeParse(JSON.parse(Attributes.RedrivePolicy ?? 'null'));
      if (target.success) return queueName(target.data.deadLetterTargetArn.replaceAll(':', '/'));
    }
    return undefined;
  }

  const dlq = (): Promise<Topology> => {
    // Discovered once; a failure (no DLQ deployed yet) is retried on the next refresh.
    topology ??= dlqName()
      .then((name) => discover(options.sqs, options.sns, name))
      .catch((error: unknown) => {
        topology = undefined;
        throw error;
      });
    return topology;
  };

  async function counts(url: string): Promise<{ visible: number; inFlight: number }> {
    const { Attributes = {} } = await options.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  }

  /** The fan-out as deployed, discovered once (retried on the next refresh if it failed). */
  const topologyState = (): Promise<TopologyState> => {
    lanes ??= (async () => {
      const [found, tables] = await Promise.all([dlq(), listTables(options.db)]);
      const tablesOf = (functionName: string | undefined): string[] => {
        const env = options.functions.find((fn) => fn.name === functionName)?.env ?? {};
        return [...new Set(Object.values(env).filter((value) => tables.includes(value)))].sort();
      };
      const byQueue = new Map(options.mappings.map((m) => [queueName(m.queueUrl), m.functionName]));
      const topicArn = found.sources.find((source) => source.topicArn !== undefined)?.topicArn;
      const fed = new Set([...options.mappings, ...options.streamMappings].map((m) => m.functionName));
      return {
        topic: topicArn === undefined ? undefined : { arn: topicArn, name: topicArn.split(':').pop() ?? topicArn },
        streams: options.streamMappings.map((m) => ({
          table: /:table\/([^/]+)/.exec(m.streamArn)?.[1] ?? m.streamArn,
          functionName: m.functionName,
          tables: tablesOf(m.functionName),
        })),
        api: options.functions
          .filter((fn) => !fed.has(fn.name))
          .map((fn) => ({ functionName: fn.name, tables: tablesOf(fn.name) })),
        lanes: found.sources.map((source) => ({
          queue: source.name,
          filterPolicy: source.filterPolicy,
          eventTypes: source.eventTypes === undefined ? undefined : [...source.eventTypes].sort(),
          functionName: byQueue.get(source.name),
          tables: tablesOf(byQueue.get(source.name)),
        })),
        dlq: queueName(found.dlqUrl),
      };
    })().catch((error: unknown) => {
      lanes = undefined;
      throw error;
    });
    return lanes;
  };

  async function emailsOf(ids: readonly string[]): Promise<number> {
    const response = await fetch(`${options.endpoint}/_aws/ses`);
    const all = sentEmails.parse(await response.json()).messages.map(toEmail);
    return all.filter((email) => ids.some((id) => `${email.subject}\n${email.body}`.includes(id))).length;
  }

  /** What every table holds of an order (items naming the order or its products) and its emails. */
  async function footprint(ids: readonly string[], tables: readonly string[]): Promise<Footprint> {
    const names = (item: Record<string, unknown>): boolean => {
      const text = JSON.stringify(item);
      return ids.some((id) => text.includes(JSON.stringify(id)));
    };
    const [found, emails] = await Promise.all([
      Promise.all(
        tables.map(async (table) => {
          const items = (await scanAll(options.db, table)).filter(names);
          const digest = createHash('sha256')
            .update(JSON.stringify(items.map((item) => JSON.stringify(item)).sort()))
            .digest('hex')
            .slice(0, 12);
          return { table, items: items.length, digest };
        }),
      ),
      emailsOf(ids),
    ]);
    return { tables: found, emails };
  }

  async function publishAgain(eventId: string): Promise<PublishAgainReport | undefined> {
    const event = options.view.event(eventId);
    if (event === undefined) return undefined;
    const shape = await topologyState();
    if (shape.topic === undefined) throw new Error('no topic found: nothing to publish to');
    const placed = options.view.snapshot().orders.find((o) => o.orderId === event.orderId);
    const ids = [event.orderId, ...productIds(placed?.events.find((e) => e.type === 'OrderPlaced')?.payload)];
    const tables = [...new Set([...shape.lanes, ...shape.streams, ...shape.api].flatMap((part) => part.tables))].sort();
    const expected = shape.lanes
      .filter((lane) => lane.eventTypes === undefined || lane.eventTypes.includes(event.type))
      .map((lane) => ({ queue: lane.queue, functionName: lane.functionName }));
    const before = await footprint(ids, tables);
    const deliveredBefore = event.deliveries.length;
    await options.sns.send(
      new PublishCommand({
        TopicArn: shape.topic.arn,
        Message: event.body,
        MessageAttributes: { eventType: { DataType: 'String', StringValue: event.type } },
      }),
    );
    // The duplicate's deliveries: those after the ones the event had when it was published again.
    const duplicates = () => (options.view.event(eventId)?.deliveries ?? []).slice(deliveredBefore);
    const deadline = Date.now() + (options.publishAgainTimeoutMs ?? 30_000);
    const done = () =>
      expected.every(({ queue }) => duplicates().some((d) => d.queue === queue && d.outcome === 'processed'));
    while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const after = await footprint(ids, tables);
    const deliveries = duplicates().map(({ queue, functionName, outcome }) => ({ queue, functionName, outcome }));
    return {
      eventId,
      type: event.type,
      orderId: event.orderId,
      expected,
      deliveries,
      missing: expected.filter(({ queue }) => !deliveries.some((d) => d.queue === queue)).map((e) => e.queue),
      before,
      after,
      unchanged: JSON.stringify(before) === JSON.stringify(after),
    };
  }

  async function state(): Promise<ConsoleState> {
    const errors: string[] = [];
    const failed = (what: string) => (error: unknown) => {
      errors.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    };
    const [shape, queues, dlqQueue, emails] = await Promise.all([
      topologyState().catch(failed('topology')),
      Promise.all(
        options.mappings.map(async ({ functionName, queueUrl }) => {
          const found = await counts(queueUrl).catch(failed(queueName(queueUrl)));
          return {
            name: queueName(queueUrl),
            url: queueUrl,
            functionName,
            visible: found?.visible ?? 0,
            inFlight: found?.inFlight ?? 0,
            dlq: false,
          };
        }),
      ),
      dlq()
        .then(async ({ dlqUrl }) => ({ name: queueName(dlqUrl), url: dlqUrl, ...(await counts(dlqUrl)), dlq: true }))
        .catch(failed('dead-letter queue')),
      fetch(`${options.endpoint}/_aws/ses`)
        .then(async (response) => sentEmails.parse(await response.json()).messages.map(toEmail))
        .catch(failed('sent emails')),
    ]);
    const all = emails ?? [];
    return {
      ...options.view.snapshot(),
      topology: shape,
      queues: [...queues.sort((a, b) => a.name.localeCompare(b.name)), ...(dlqQueue === undefined ? [] : [dlqQueue])],
      emails: { total: all.length, recent: all.slice(-20).reverse() },
      errors,
      time: new Date().toISOString(),
    };
  }

  /** One refresh for every watcher, then the next a second later, for as long as someone watches. */
  async function refresh(): Promise<void> {
    while (clients.size > 0) {
      const { time: _time, ...current } = await state(); // never rejects: what failed is in current.errors
      const key = JSON.stringify(current);
      if (key !== lastKey) {
        lastKey = key;
        lastState = current;
        const event = `event: state\ndata: ${JSON.stringify({ ...current, time: new Date().toISOString() })}\n\n`;
        for (const client of clients) client.write(event);
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, REFRESH_MS);
      });
    }
    refreshing = undefined;
  }

  const bundle = (): Promise<string> =>
    (script ??= esbuild
      .build({
        entryPoints: [join(import.meta.dirname, 'app.ts')],
        bundle: true,
        format: 'iife',
        target: 'es2022',
        minify: true,
        write: false,
        logLevel: 'silent',
      })
      .then((result) => result.outputFiles[0]?.text ?? ''));

  const send = (response: ServerResponse, status: number, type: string, body: string): void => {
    response.writeHead(status, {
      'Content-Type': type,
      'Cache-Control': 'no-store',
      'Content-Length': Buffer.byteLength(body),
    });
    response.end(body);
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://console').pathname.replace(/\/$/, '');
    const method = request.method ?? 'GET';
    if (method === 'GET' && path === CONSOLE_PATH)
      return send(
        response,
        200,
        'text/html; charset=utf-8',
        await readFile(join(import.meta.dirname, 'page.html'), 'utf8'),
      );
    if (method === 'GET' && path === `${CONSOLE_PATH}/console.css`)
      return send(
        response,
        200,
        'text/css; charset=utf-8',
        await readFile(join(import.meta.dirname, 'console.css'), 'utf8'),
      );
    if (method === 'GET' && path === `${CONSOLE_PATH}/app.js`)
      return send(response, 200, 'text/javascript; charset=utf-8', await bundle());
    if (method === 'GET' && path === `${CONSOLE_PATH}/state`)
      return send(response, 200, 'application/json', JSON.stringify(await state()));
    if (method === 'GET' && path === `${CONSOLE_PATH}/events`) {
      response.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
      });
      response.write('retry: 1000\n\n');
      clients.add(response);
      request.on('close', () => clients.delete(response));
      // The new watcher gets the state at once: the last one sent, and the next refresh now.
      if (lastState !== undefined)
        response.write(`event: state\ndata: ${JSON.stringify({ ...lastState, time: new Date().toISOString() })}\n\n`);
      if (refreshing === undefined) refreshing = refresh();
      else {
        clearTimeout(timer);
        wake?.();
      }
      return;
    }
    if (method === 'POST' && path === `${CONSOLE_PATH}/dlq/redrive`) {
      // Only the page's own script: a form on another site cannot send JSON without a CORS preflight, which this never allows.
      if (!String(request.headers['content-type'] ?? '').startsWith('application/json'))
        return send(response, 415, 'text/plain', 'POST application/json');
      request.resume();
      const report: RedriveReport = await redrive(options.sqs, await dlq());
      return send(response, 200, 'application/json', JSON.stringify(report));
    }
    if (method === 'POST' && path === `${CONSOLE_PATH}/publish-again`) {
      if (!String(request.headers['content-type'] ?? '').startsWith('application/json'))
        return send(response, 415, 'text/plain', 'POST application/json');
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = z.object({ eventId: z.string().min(1) }).safeParse(readBody(Buffer.concat(chunks).toString('utf8')));
      if (!body.success) return send(response, 400, 'text/plain', 'expected {"eventId": "…"}');
      const report = await publishAgain(body.data.eventId);
      if (report === undefined) return send(response, 404, 'text/plain', `no event ${body.data.eventId} seen`);
      return send(response, 200, 'application/json', JSON.stringify(report));
    }
    return send(response, 404, 'text/plain', 'not found');
  }

  return {
    handle: (request, response) => {
      handle(request, response).catch((error: unknown) => {
        if (!response.headersSent)
          send(response, 500, 'text/plain', `console error: ${error instanceof Error ? error.message : String(error)}`);
        else response.end();
      });
    },
    close: () => {
      for (const client of clients) client.end();
      clients.clear();
      clearTimeout(timer);
      wake?.();
    },
  };
}

/**
 * The console as the stack mounts it on the runtime's front door: its view learns from the runtime's
 * reports (observe), and its pages are the front door's local routes once the deployment is known.
 */
export function mountConsole(aws: {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}): {
  observe(report: RuntimeReport): void;
  routes(deployment: Deployment): LocalRoutes;
} {
  const view = new ConsoleView();
  return {
    observe: (report) => view.observe(report),
    routes: (deployment) => {
      const sqs = new SQSClient(aws);
      const sns = new SNSClient(aws);
      const db = new DynamoDBClient(aws);
      const live = createConsole({ view, sqs, sns, db, endpoint: aws.endpoint, ...deployment });
      return {
        prefix: CONSOLE_PATH,
        handle: live.handle,
        close: () => {
          live.close();
          for (const client of [sqs, sns, db]) client.destroy();
        },
      };
    },
  };
}
