// The live console at /_console on the front door (local only, never deployed):
//   GET  /_console             the page (page.html; console.css and app.js beside it)
//   GET  /_console/events      server-sent events: a `state` event at once, then each second it changes
//   GET  /_console/state       the same state once, as JSON
//   POST /_console/dlq/redrive runs `make dlq-redrive`'s code (local/ops/dlq/) and answers its report
// The state is what the runtime reported (./view.ts) plus what only AWS knows, asked at most once a
// second and only while someone watches: each queue's visible / in-flight counts, and the emails
// SES accepted (the emulator's GET /_aws/ses, as on LocalStack).
//
// app.js is bundled from app.ts by esbuild when the console is first opened (a few milliseconds, then
// cached): the served script always matches its source, and `make build` keeps building only what
// is deployed.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SNSClient } from '@aws-sdk/client-sns';
import * as esbuild from 'esbuild';
import { z } from 'zod';
import { redrive, type RedriveReport } from '../../ops/dlq/redrive.js';
import { discover, type Topology } from '../../ops/dlq/topology.js';
import type { ConsoleView, ViewSnapshot } from './view.js';

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

export interface ConsoleState extends ViewSnapshot {
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
}

export interface Console {
  /** Answers a request under /_console. */
  handle(request: IncomingMessage, response: ServerResponse): void;
  close(): void;
}

const queueName = (url: string): string => url.split('/').pop() ?? url;

/** LocalStack's GET /_aws/ses answer, which local/moto_server.py gives too. */
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

export function createConsole(options: ConsoleOptions): Console {
  const clients = new Set<ServerResponse>();
  let topology: Promise<Topology> | undefined;
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

  async function state(): Promise<ConsoleState> {
    const errors: string[] = [];
    const failed = (what: string) => (error: unknown) => {
      errors.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    };
    const [queues, dlqQueue, emails] = await Promise.all([
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
