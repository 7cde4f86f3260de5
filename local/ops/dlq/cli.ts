// The DLQ tool: see what sits in order-processing-dlq, and put it back where it came from.
//
//   npx tsx local/ops/dlq/cli.ts list    [--queue NAME] [--order ORDER_ID] [--max N] [--visibility S] [--json] [--endpoint URL] [--dlq NAME | --state FILE]
//   npx tsx local/ops/dlq/cli.ts redrive [--queue NAME] [--order ORDER_ID] [--max N] [--endpoint URL] [--dlq NAME | --state FILE]
//
// Which DLQ: --dlq NAME; else the one in the stack's Terraform state (make up's, or --state FILE), whose
// name carries the stack's prefix ("local-order-processing-dlq"); else order-processing-dlq.
//
// topology.ts finds the DLQ and its source queues, messages.ts lists and describes what sits there,
// redrive.ts puts it back; this file reads the command line and prints.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { listDlq, tableOf, type DlqEntry } from './messages.js';
import { redrive } from './redrive.js';
import { streamAnnouncements } from './stream-orders.js';
import { DLQ_NAME, discover, queueName, type SourceResolution } from './topology.js';
import { findState, outputs } from '../../state.js';

export function describeSource(source: SourceResolution): string {
  switch (source.kind) {
    case 'recorded':
      return source.queues[0].name;
    case 'inferred':
      return `${source.queues[0].name} (by eventType)`;
    case 'ambiguous':
      return `one of ${source.queues.map((q) => q.name).join(', ')}`;
    case 'unknown':
      return `unknown (${source.note})`;
    case 'stream':
      return `the ${tableOf(source.streamArn)} stream (Lambda's on-failure record)`;
  }
}

export function formatList(entries: readonly DlqEntry[], dlqName = DLQ_NAME): string {
  if (entries.length === 0) return `${dlqName}: empty\n`;
  const lines = [`${dlqName}: ${entries.length} message(s)`];
  for (const e of entries) {
    const what =
      e.streamFailure === undefined
        ? `${e.eventType ?? 'no eventType'}  orderId=${e.orderId ?? '?'}  eventId=${e.eventId ?? '?'}`
        : `stream batch  ${e.streamFailure.requestContext.condition}  records=${e.streamFailure.DDBStreamBatchInfo.batchSize}  at=${e.streamFailure.timestamp ?? '?'}`;
    lines.push(
      `- ${e.messageId}  from ${describeSource(e.source)}  receives=${e.receiveCount ?? '?'}  sent=${e.sentAt ?? '?'}`,
      `    ${what}`,
      `    ${e.reason}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      endpoint: { type: 'string' },
      queue: { type: 'string' },
      order: { type: 'string' },
      max: { type: 'string' },
      visibility: { type: 'string' },
      json: { type: 'boolean', default: false },
      dlq: { type: 'string' },
      state: { type: 'string' },
    },
  });
  const command = positionals[0];
  if (command !== 'list' && command !== 'redrive') {
    process.stderr.write(
      'usage: local/ops/dlq/cli.ts list|redrive [--queue NAME] [--order ORDER_ID] [--max N] [--visibility S] [--json] [--endpoint URL] [--dlq NAME | --state FILE]\n',
    );
    return 2;
  }
  const number = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0)
      throw new Error(`--${name} must be a non-negative integer, got ${value}`);
    return parsed;
  };
  const dlqName = values.dlq ?? (await dlqOfState(values.state)) ?? DLQ_NAME;
  const config = clientConfig(values.endpoint);
  const sqs = new SQSClient(config);
  const sns = new SNSClient(config);
  // A stream failure's records and orders (redrive re-announces the orders it names).
  const streams = new DynamoDBStreamsClient(config);
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(config));
  try {
    const topology = await discover(sqs, sns, dlqName);
    if (values.queue !== undefined && !topology.sources.some((s) => s.name === values.queue)) {
      throw new Error(
        `${values.queue} does not redrive to ${dlqName}; sources: ${topology.sources.map((s) => s.name).join(', ')}`,
      );
    }
    const options = {
      queue: values.queue,
      orderId: values.order,
      max: number('max', values.max),
      visibilityTimeout: number('visibility', values.visibility),
    };
    if (command === 'list') {
      const entries = await listDlq(sqs, topology, options);
      if (values.json) {
        const rows = entries.map(({ message: _m, receiptHandle: _r, source, ...rest }) => ({
          ...rest,
          source: describeSource(source),
          sourceQueues: source.queues.map((q) => q.name),
          sourceKind: source.kind,
        }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        process.stdout.write(formatList(entries, dlqName));
      }
      return 0;
    }
    const report = await redrive(sqs, topology, {
      ...options,
      announcements: streamAnnouncements(streams, db, tableOf),
    });
    for (const m of report.moved) process.stdout.write(`moved ${m.messageId} → ${m.queues.join(', ')}\n`);
    for (const l of report.left) process.stdout.write(`left  ${l.messageId}: ${l.reason}\n`);
    process.stdout.write(`redrive: ${report.moved.length} moved, ${report.left.length} left in ${dlqName}\n`);
    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.left.some((l) => !l.reason.startsWith('source is one of')) ? 1 : 0;
  } finally {
    sqs.destroy();
    sns.destroy();
    streams.destroy();
    db.destroy();
  }
}

/** The DLQ's name in a stack's Terraform state (its dlq_url output), if a state is found. */
async function dlqOfState(explicit: string | undefined): Promise<string | undefined> {
  const state = findState(explicit);
  if (state === undefined) {
    if (explicit !== undefined) throw new Error(`no Terraform state at ${explicit}`);
    return undefined;
  }
  const { dlq_url: url } = await outputs(state);
  return typeof url === 'string' ? queueName(url) : undefined;
}

/**
 * The SQS and SNS clients' options: the SDK's own region and credential chain (environment, profile,
 * SSO, instance role) so the tool works on AWS as on the emulator, and an endpoint only when one is
 * named (--endpoint, else AWS_ENDPOINT_URL; make sets it to the emulator's).
 */
export function clientConfig(endpoint?: string, env: NodeJS.ProcessEnv = process.env): { endpoint?: string } {
  const chosen = endpoint ?? env.AWS_ENDPOINT_URL;
  return chosen === undefined || chosen === '' ? {} : { endpoint: chosen };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`dlq: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
