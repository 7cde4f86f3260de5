// The DLQ tool: see what sits in order-processing-dlq, and put it back where it came from.
//
//   npx tsx local/ops/dlq.ts list    [--queue inventory-queue] [--order ORDER_ID] [--max N] [--visibility S] [--json] [--endpoint URL]
//   npx tsx local/ops/dlq.ts redrive [--queue inventory-queue] [--order ORDER_ID] [--max N] [--endpoint URL]
//
// Everything is discovered from the emulator (or AWS): the DLQ by name, its source queues from
// ListDeadLetterSourceQueues (the queues whose RedrivePolicy targets it), and which event types each
// source queue receives from its SNS subscription's filter policy.
//
// Which queue a message came from: SQS records it in the DeadLetterQueueSourceArn system attribute
// when it moves a message; moto (5.2.1) does not. Without it the tool infers the source from the
// eventType message attribute and the filter policies: exact when one queue receives that type,
// "one of …" when several do (an OrderPlaced that failed everywhere sits in the DLQ once per queue,
// and the copies are indistinguishable).
//
// Redrive is receive → send to the source queue (same body, same message attributes) → delete from
// the DLQ, in that order, so a crash mid-way loses nothing: at worst a message is sent twice, which
// the idempotent consumers absorb. A message with an ambiguous source is sent to every candidate
// queue (what SNS did in the first place); identical copies are sent once per queue.
// StartMessageMoveTask would do this on AWS, but the emulator does not implement it.
//
// order-publisher's stream mapping sends its on-failure records here too: for a stream, Lambda
// sends not the records but a JSON description of the batch it gave up on (condition, function,
// stream, shard, first and last sequence numbers). The tool lists those with what they mean (the
// orders in that range are stored but were never announced) and leaves them on redrive: there is
// no queue to send them back to.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  type Message,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { GetSubscriptionAttributesCommand, ListSubscriptionsCommand, SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod';
import { readJson, toOrderEvent } from '../../functions/shared/events.js';

export const DLQ_NAME = 'order-processing-dlq';
const SQS_MAX_BATCH = 10;

export interface SourceQueue {
  name: string;
  url: string;
  arn: string;
  /** Event types its subscription delivers; undefined when unknown (no subscription found, or a policy this tool cannot read). */
  eventTypes?: ReadonlySet<string>;
}

export interface Topology {
  dlqUrl: string;
  dlqArn: string;
  sources: SourceQueue[];
}

export type SourceResolution =
  /** SQS recorded it (DeadLetterQueueSourceArn). */
  | { kind: 'recorded'; queues: [SourceQueue] }
  /** Only one source queue receives this eventType. */
  | { kind: 'inferred'; queues: [SourceQueue] }
  /** Several source queues receive it: one of these. */
  | { kind: 'ambiguous'; queues: SourceQueue[] }
  | { kind: 'unknown'; queues: []; note: string }
  /** Lambda's on-failure record of a stream mapping: it names stream records, not a queue's message. */
  | { kind: 'stream'; queues: []; streamArn: string };

/** What Lambda sends to a stream mapping's on-failure destination (AWS: "Retaining discarded records"). */
const StreamFailureRecordSchema = z.object({
  requestContext: z.object({
    functionArn: z.string(),
    condition: z.string(),
    approximateInvokeCount: z.number().optional(),
  }),
  timestamp: z.string().optional(),
  DDBStreamBatchInfo: z.object({
    shardId: z.string(),
    startSequenceNumber: z.string(),
    endSequenceNumber: z.string(),
    batchSize: z.number(),
    streamArn: z.string(),
    approximateArrivalOfFirstRecord: z.string().optional(),
    approximateArrivalOfLastRecord: z.string().optional(),
  }),
});
export type StreamFailureRecord = z.infer<typeof StreamFailureRecordSchema>;

/** "…:function:order-publisher" → "order-publisher"; "…:table/orders/stream/…" → "orders". */
const functionOf = (arn: string): string => /:function:([^:]+)/.exec(arn)?.[1] ?? arn;
const tableOf = (streamArn: string): string => /:table\/([^/]+)\/stream\//.exec(streamArn)?.[1] ?? streamArn;

/** A one-line account of a stream batch Lambda gave up on, and what it leaves undone. */
export function describeStreamFailure(record: StreamFailureRecord): string {
  const { requestContext: context, DDBStreamBatchInfo: batch } = record;
  const invocations =
    context.approximateInvokeCount === undefined ? '' : ` after ${context.approximateInvokeCount} invocation(s)`;
  const range =
    batch.startSequenceNumber === batch.endSequenceNumber
      ? `sequence number ${batch.startSequenceNumber}`
      : `sequence numbers ${batch.startSequenceNumber} to ${batch.endSequenceNumber}`;
  return (
    `${functionOf(context.functionArn)} gave up (${context.condition}${invocations}) on ${batch.batchSize} record(s) of the ${tableOf(batch.streamArn)} stream, ` +
    `shard ${batch.shardId}, ${range}` +
    (batch.approximateArrivalOfFirstRecord === undefined
      ? ''
      : `, written from ${batch.approximateArrivalOfFirstRecord}`) +
    `: what those records announce was not published (the stream keeps them 24 h; see the function's log)`
  );
}

export interface DlqEntry {
  messageId: string;
  receiptHandle: string;
  receiveCount: number | undefined;
  sentAt: string | undefined;
  eventType: string | undefined;
  orderId: string | undefined;
  eventId: string | undefined;
  /** Why it cannot be processed, when the body itself says so (it fails its schema); else a pointer to the logs. */
  reason: string;
  source: SourceResolution;
  /** Set when the message is a stream mapping's on-failure record. */
  streamFailure?: StreamFailureRecord;
  message: Message;
}

const queueName = (urlOrArn: string): string => urlOrArn.split(/[/:]/).pop() ?? urlOrArn;

/** The event types a filter policy admits on the eventType attribute, or undefined if it says something else. */
export function eventTypesOf(
  filterPolicy: string | undefined,
  scope: string | undefined,
): ReadonlySet<string> | undefined {
  if (filterPolicy === undefined || filterPolicy.trim() === '') return undefined;
  if (scope !== undefined && scope !== 'MessageAttributes') return undefined;
  let policy: unknown;
  try {
    policy = JSON.parse(filterPolicy);
  } catch {
    return undefined;
  }
  const values =
    typeof policy === 'object' && policy !== null ? (policy as Record<string, unknown>).eventType : undefined;
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) return undefined;
  return new Set(values as string[]);
}

/** Finds the DLQ, the queues that redrive to it, and what each of them receives. */
export async function discover(sqs: SQSClient, sns: SNSClient, dlqName = DLQ_NAME): Promise<Topology> {
  const { QueueUrl: dlqUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: dlqName }));
  if (dlqUrl === undefined) throw new Error(`queue ${dlqName} not found`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
  );
  const dlqArn = Attributes?.QueueArn;
  if (dlqArn === undefined) throw new Error(`queue ${dlqName} has no QueueArn`);

  const sourceUrls: string[] = [];
  let next: string | undefined;
  do {
    const page = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl, NextToken: next }));
    sourceUrls.push(...(page.queueUrls ?? []));
    next = page.NextToken;
  } while (next !== undefined);

  const sources: SourceQueue[] = await Promise.all(
    sourceUrls.map(async (url) => {
      const { Attributes: attrs } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
      );
      return { name: queueName(url), url, arn: attrs?.QueueArn ?? '' };
    }),
  );

  // Subscriptions whose endpoint is a source queue: their filter policies say who receives what.
  // A queue with several subscriptions receives the union; one unreadable policy (or none) makes it "any".
  const received = new Map<string, Set<string> | 'any'>();
  let token: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsCommand({ NextToken: token }));
    for (const sub of page.Subscriptions ?? []) {
      if (sub.Protocol !== 'sqs' || sub.Endpoint === undefined || sub.SubscriptionArn === undefined) continue;
      if (!sources.some((s) => s.arn === sub.Endpoint)) continue;
      const { Attributes: attrs } = await sns.send(
        new GetSubscriptionAttributesCommand({ SubscriptionArn: sub.SubscriptionArn }),
      );
      const types = eventTypesOf(attrs?.FilterPolicy, attrs?.FilterPolicyScope);
      const sofar = received.get(sub.Endpoint) ?? new Set<string>();
      received.set(sub.Endpoint, types === undefined || sofar === 'any' ? 'any' : new Set([...sofar, ...types]));
    }
    token = page.NextToken;
  } while (token !== undefined);
  for (const source of sources) {
    const types = received.get(source.arn);
    if (types !== undefined && types !== 'any') source.eventTypes = types;
  }

  return { dlqUrl, dlqArn, sources: sources.sort((a, b) => a.name.localeCompare(b.name)) };
}

/** Which queue a DLQ message came from (see the header comment). */
export function resolveSource(message: Message, topology: Topology): SourceResolution {
  const recorded = message.Attributes?.DeadLetterQueueSourceArn;
  if (recorded !== undefined) {
    const queue = topology.sources.find((s) => s.arn === recorded);
    return queue === undefined
      ? { kind: 'unknown', queues: [], note: `recorded source ${queueName(recorded)} no longer redrives to this DLQ` }
      : { kind: 'recorded', queues: [queue] };
  }
  const eventType = message.MessageAttributes?.eventType?.StringValue;
  if (eventType === undefined)
    return { kind: 'unknown', queues: [], note: 'no DeadLetterQueueSourceArn and no eventType attribute' };
  const candidates = topology.sources.filter((s) => s.eventTypes === undefined || s.eventTypes.has(eventType));
  const [only] = candidates;
  if (only === undefined) return { kind: 'unknown', queues: [], note: `no source queue subscribes to ${eventType}` };
  return candidates.length === 1 ? { kind: 'inferred', queues: [only] } : { kind: 'ambiguous', queues: candidates };
}

/** Reads what it can from a body that may well be malformed, and says why it cannot be processed if the body shows it. */
export function describeMessage(message: Message, topology: Topology): DlqEntry {
  const parsed = readJson(message.Body ?? '');
  const loose: Record<string, unknown> =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const count = Number(message.Attributes?.ApproximateReceiveCount);
  const sent = Number(message.Attributes?.SentTimestamp);
  const common = {
    messageId: message.MessageId ?? '?',
    receiptHandle: message.ReceiptHandle ?? '',
    receiveCount: Number.isFinite(count) ? count : undefined,
    sentAt: Number.isFinite(sent) ? new Date(sent).toISOString() : undefined,
    message,
  };
  const streamFailure = StreamFailureRecordSchema.safeParse(parsed);
  if (streamFailure.success) {
    const streamArn = streamFailure.data.DDBStreamBatchInfo.streamArn;
    return {
      ...common,
      eventType: undefined,
      orderId: undefined,
      eventId: undefined,
      reason: describeStreamFailure(streamFailure.data),
      source: { kind: 'stream', queues: [], streamArn },
      streamFailure: streamFailure.data,
    };
  }
  let reason: string;
  try {
    toOrderEvent(parsed);
    reason = 'a valid event: its handler failed (see the function log for this messageId)';
  } catch (error) {
    // The first line of zod's report is enough for a summary.
    reason = (error instanceof Error ? error.message : String(error))
      .split('\n')
      .slice(0, 2)
      .join(' ')
      .replace(/\s+/g, ' ')
      .slice(0, 160);
  }
  return {
    ...common,
    eventType: message.MessageAttributes?.eventType?.StringValue ?? str(loose.type),
    orderId: str(loose.orderId),
    eventId: str(loose.id),
    reason,
    source: resolveSource(message, topology),
  };
}

export interface ReceiveOptions {
  /** Stop after this many messages (default: all). */
  max?: number;
  /** Seconds each received message stays hidden from other consumers. */
  visibilityTimeout: number;
}

/**
 * Receives messages until the queue answers with nothing new or `max` is reached. Each message is
 * hidden for `visibilityTimeout` seconds, which is what lets the next receive return the next ones.
 */
export async function receiveAll(
  sqs: SQSClient,
  queueUrl: string,
  { max = Number.POSITIVE_INFINITY, visibilityTimeout }: ReceiveOptions,
): Promise<Message[]> {
  const seen = new Map<string, Message>();
  while (seen.size < max) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(SQS_MAX_BATCH, max - seen.size),
        VisibilityTimeout: visibilityTimeout,
        WaitTimeSeconds: 0,
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const fresh = Messages.filter((m) => m.MessageId !== undefined && !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const m of fresh) seen.set(m.MessageId ?? '', m);
  }
  return [...seen.values()];
}

const chunks = <T>(items: readonly T[], size = SQS_MAX_BATCH): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

/** Makes messages visible again at once (the listing is done with them). */
async function release(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
  for (const batch of chunks(messages.filter((m) => m.ReceiptHandle !== undefined))) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
      }),
    );
  }
}

export interface Selection {
  /** Only messages that came (or may have come) from this source queue. */
  queue?: string;
  /** Only the messages of this order. */
  orderId?: string;
}

const selected = (entry: DlqEntry, { queue, orderId }: Selection): boolean =>
  (queue === undefined || entry.source.queues.some((q) => q.name === queue)) &&
  (orderId === undefined || entry.orderId === orderId);

/**
 * Lists the DLQ. Messages are hidden for `visibilityTimeout` seconds while it pages through them and
 * made visible again right after, so a listing never keeps them from a concurrent redrive for long.
 * Every receive counts: ApproximateReceiveCount goes up by one per listing.
 */
export async function listDlq(
  sqs: SQSClient,
  topology: Topology,
  { max, visibilityTimeout = 30, ...selection }: Selection & { max?: number; visibilityTimeout?: number } = {},
): Promise<DlqEntry[]> {
  const messages = await receiveAll(sqs, topology.dlqUrl, { max, visibilityTimeout });
  try {
    return messages.map((m) => describeMessage(m, topology)).filter((e) => selected(e, selection));
  } finally {
    await release(sqs, topology.dlqUrl, messages);
  }
}

export interface RedriveReport {
  /** Messages sent back and deleted from the DLQ, with where they went. */
  moved: { messageId: string; queues: string[] }[];
  /** Messages left in the DLQ, and why. */
  left: { messageId: string; reason: string }[];
}

const copyAttributes = (
  attributes: Record<string, MessageAttributeValue> | undefined,
): Record<string, MessageAttributeValue> | undefined => {
  if (attributes === undefined || Object.keys(attributes).length === 0) return undefined;
  return Object.fromEntries(
    Object.entries(attributes).map(([name, v]) => [
      name,
      {
        DataType: v.DataType,
        ...(v.StringValue === undefined ? {} : { StringValue: v.StringValue }),
        ...(v.BinaryValue === undefined ? {} : { BinaryValue: v.BinaryValue }),
      },
    ]),
  );
};

/** Identical copies (same body and attributes) need to reach a queue once. */
const contentKey = (m: Message): string =>
  createHash('sha256')
    .update(m.Body ?? '')
    .update('\0')
    .update(JSON.stringify(Object.entries(m.MessageAttributes ?? {}).sort(([a], [b]) => a.localeCompare(b))))
    .digest('hex');

/**
 * Moves DLQ messages back to their source queues: receive (hidden for `visibilityTimeout` s) →
 * SendMessageBatch to each target queue → DeleteMessageBatch of exactly the messages whose every
 * send succeeded. A message whose send failed stays in the DLQ (visible again after the timeout).
 * With `queue`, only messages known to come from that queue move (ambiguous ones are left); with
 * `orderId`, only that order's.
 */
export async function redrive(
  sqs: SQSClient,
  topology: Topology,
  { max, visibilityTimeout = 120, ...selection }: Selection & { max?: number; visibilityTimeout?: number } = {},
): Promise<RedriveReport> {
  const report: RedriveReport = { moved: [], left: [] };
  const messages = await receiveAll(sqs, topology.dlqUrl, { max, visibilityTimeout });
  const entries = messages.map((m) => describeMessage(m, topology));
  const skipped: Message[] = [];

  // Plan: per target queue, one send per distinct content; remember which messages each send covers.
  const plan = new Map<string, Map<string, { message: Message; covers: DlqEntry[] }>>();
  const targetsOf = new Map<DlqEntry, string[]>();
  for (const entry of entries) {
    if (!selected(entry, selection)) {
      skipped.push(entry.message);
      continue;
    }
    if (entry.source.kind === 'stream') {
      report.left.push({
        messageId: entry.messageId,
        reason: `a stream mapping's on-failure record, not a queue's message: ${entry.reason}`,
      });
      skipped.push(entry.message);
      continue;
    }
    if (entry.source.kind === 'unknown') {
      report.left.push({ messageId: entry.messageId, reason: `source unknown: ${entry.source.note}` });
      skipped.push(entry.message);
      continue;
    }
    if (selection.queue !== undefined && entry.source.kind === 'ambiguous') {
      report.left.push({
        messageId: entry.messageId,
        reason: `source is one of ${entry.source.queues.map((q) => q.name).join(', ')}: redrive without --queue sends it to each`,
      });
      skipped.push(entry.message);
      continue;
    }
    const targets = entry.source.queues;
    targetsOf.set(
      entry,
      targets.map((t) => t.url),
    );
    const key = contentKey(entry.message);
    for (const target of targets) {
      const sends = plan.get(target.url) ?? new Map<string, { message: Message; covers: DlqEntry[] }>();
      plan.set(target.url, sends);
      const send = sends.get(key) ?? { message: entry.message, covers: [] };
      send.covers.push(entry);
      sends.set(key, send);
    }
  }

  // Send first. A failed send (refused entry or failed call) marks the messages it covers as not deletable.
  const failed = new Map<DlqEntry, string>();
  for (const [url, sends] of plan) {
    for (const batch of chunks([...sends.values()])) {
      try {
        const { Failed = [] } = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: url,
            Entries: batch.map(({ message }, i) => ({
              Id: String(i),
              MessageBody: message.Body ?? '',
              MessageAttributes: copyAttributes(message.MessageAttributes),
            })),
          }),
        );
        for (const f of Failed) {
          for (const entry of batch[Number(f.Id)]?.covers ?? [])
            failed.set(entry, `send to ${queueName(url)} refused: ${f.Code ?? ''} ${f.Message ?? ''}`.trim());
        }
      } catch (error) {
        for (const { covers } of batch)
          for (const entry of covers)
            failed.set(
              entry,
              `send to ${queueName(url)} failed: ${error instanceof Error ? error.message : String(error)}`,
            );
      }
    }
  }

  // Then delete exactly what reached every target.
  const deletable = [...targetsOf.keys()].filter((entry) => !failed.has(entry));
  for (const [entry, reason] of failed) report.left.push({ messageId: entry.messageId, reason });
  for (const batch of chunks(deletable)) {
    let refused = new Map<string, string>();
    try {
      const { Failed = [] } = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: topology.dlqUrl,
          Entries: batch.map((e, i) => ({ Id: String(i), ReceiptHandle: e.receiptHandle })),
        }),
      );
      refused = new Map(Failed.map((f) => [f.Id ?? '', `${f.Code ?? ''} ${f.Message ?? ''}`.trim()]));
    } catch (error) {
      refused = new Map(batch.map((_, i) => [String(i), error instanceof Error ? error.message : String(error)]));
    }
    batch.forEach((entry, i) => {
      const why = refused.get(String(i));
      const queues = (targetsOf.get(entry) ?? []).map(queueName);
      // Sent but not deleted: it will show up again in the DLQ; a second redrive is a duplicate the consumers absorb.
      if (why !== undefined)
        report.left.push({
          messageId: entry.messageId,
          reason: `sent to ${queues.join(', ')} but not deleted from the DLQ: ${why}`,
        });
      else report.moved.push({ messageId: entry.messageId, queues });
    });
  }

  // Messages this run does not move become visible again now rather than after the timeout.
  const notSent = [...skipped, ...[...failed.keys()].map((e) => e.message)];
  if (notSent.length > 0) await release(sqs, topology.dlqUrl, notSent).catch(() => undefined);
  return report;
}

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
      dlq: { type: 'string', default: DLQ_NAME },
    },
  });
  const command = positionals[0];
  if (command !== 'list' && command !== 'redrive') {
    process.stderr.write(
      'usage: dlq.ts list|redrive [--queue NAME] [--order ORDER_ID] [--max N] [--visibility S] [--json] [--endpoint URL] [--dlq NAME]\n',
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
  const config = clientConfig(values.endpoint);
  const sqs = new SQSClient(config);
  const sns = new SNSClient(config);
  try {
    const topology = await discover(sqs, sns, values.dlq);
    if (values.queue !== undefined && !topology.sources.some((s) => s.name === values.queue)) {
      throw new Error(
        `${values.queue} does not redrive to ${values.dlq}; sources: ${topology.sources.map((s) => s.name).join(', ')}`,
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
        process.stdout.write(formatList(entries, values.dlq));
      }
      return 0;
    }
    const report = await redrive(sqs, topology, options);
    for (const m of report.moved) process.stdout.write(`moved ${m.messageId} → ${m.queues.join(', ')}\n`);
    for (const l of report.left) process.stdout.write(`left  ${l.messageId}: ${l.reason}\n`);
    process.stdout.write(`redrive: ${report.moved.length} moved, ${report.left.length} left in ${values.dlq}\n`);
    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.left.some((l) => !l.reason.startsWith('source is one of')) ? 1 : 0;
  } finally {
    sqs.destroy();
    sns.destroy();
  }
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
