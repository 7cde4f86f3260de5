// What sits in the DLQ: receive its messages without keeping them from anyone for long, and say of
// each what it is, which order it concerns and why it cannot be processed.
//
// order-publisher's stream mapping sends its on-failure records here too: for a stream, Lambda
// sends not the records but a JSON description of the batch it gave up on (condition, function,
// stream, shard, first and last sequence numbers). The tool lists those with what they mean (the
// orders in that range are stored but were never announced) and leaves them on redrive: there is
// no queue to send them back to.
import {
  ChangeMessageVisibilityBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { readJson, toOrderEvent } from '../../../functions/shared/events.js';
import { resolveSource, type SourceResolution, type Topology } from './topology.js';

const SQS_MAX_BATCH = 10;

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
type StreamFailureRecord = z.infer<typeof StreamFailureRecordSchema>;

/**
 * What order-publisher sends when it sets aside a stream record that is not an order (its adapter
 * functions/order-publisher/sqs-dead-letter-queue.ts): nothing to redrive, an item to fix.
 */
const SetAsideRecordSchema = z.object({
  setAsideBy: z.string(),
  reason: z.string(),
  sequenceNumber: z.string(),
  item: z.record(z.string(), z.unknown()).nullable(),
});

/** "…:function:order-publisher" → "order-publisher"; "…:table/orders/stream/…" → "orders". */
const functionOf = (arn: string): string => /:function:([^:]+)/.exec(arn)?.[1] ?? arn;
export const tableOf = (streamArn: string): string => /:table\/([^/]+)\/stream\//.exec(streamArn)?.[1] ?? streamArn;

/** A one-line account of a stream batch Lambda gave up on, and what it leaves undone. */
function describeStreamFailure(record: StreamFailureRecord): string {
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
  const setAside = SetAsideRecordSchema.safeParse(parsed);
  if (setAside.success) {
    const { setAsideBy, reason, sequenceNumber, item } = setAside.data;
    return {
      ...common,
      eventType: undefined,
      orderId: str(item?.orderId),
      eventId: undefined,
      reason: `${setAsideBy} set aside stream record ${sequenceNumber}: ${reason}`,
      source: { kind: 'unknown', queues: [], note: `set aside by ${setAsideBy}: not an event, nothing to redrive` },
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

/** SQS's batch calls take ten entries at the most. */
export const chunks = <T>(items: readonly T[], size = SQS_MAX_BATCH): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

/** Makes messages visible again at once (the listing is done with them). */
export async function release(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
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

/** Whether an entry is one that the selection (--queue, --order) asks for. */
export const selected = (entry: DlqEntry, { queue, orderId }: Selection): boolean =>
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
