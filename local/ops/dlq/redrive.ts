// Put DLQ messages back where they came from.
//
// Redrive is receive → send to the source queue (same body, same message attributes) → delete from
// the DLQ, in that order (a stream mapping's on-failure record: the OrderPlaced of each order it
// names that is still PLACED, to every queue that receives OrderPlaced), so a crash mid-way loses nothing: at worst a message is sent twice, which
// the idempotent consumers absorb. A message with an ambiguous source is sent to every candidate
// queue (what SNS did in the first place); identical copies are sent once per queue.
// StartMessageMoveTask would do this on AWS, but the emulator does not implement it.
import { createHash } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  SendMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { OrderEvent } from '../../../functions/shared/events.js';
import { chunks, describeMessage, receiveAll, release, selected, type DlqEntry, type Selection } from './messages.js';
import { queueName, type Topology } from './topology.js';

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
 * The events that re-announce what a stream mapping's on-failure record names: the OrderPlaced of
 * each order its records inserted that is still PLACED (stream-orders.ts reads them).
 */
export type StreamAnnouncements = (failure: NonNullable<DlqEntry['streamFailure']>) => Promise<OrderEvent[]>;

/** An event as SNS would deliver it to a queue with raw message delivery: the body, and eventType. */
const asDelivered = (event: OrderEvent): Message => ({
  Body: JSON.stringify(event),
  MessageAttributes: { eventType: { DataType: 'String', StringValue: event.type } },
});

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
  {
    max,
    visibilityTimeout = 120,
    announcements,
    ...selection
  }: Selection & { max?: number; visibilityTimeout?: number; announcements?: StreamAnnouncements } = {},
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
      // Lambda's description of a batch it gave up on: the orders it names are stored but were never
      // announced. Each still PLACED is announced again, its OrderPlaced sent to every queue that
      // receives OrderPlaced (what SNS would have done); only the functions may publish to the topic.
      const failure = entry.streamFailure;
      if (announcements === undefined || failure === undefined || selection.queue !== undefined) {
        report.left.push({
          messageId: entry.messageId,
          reason: `a stream mapping's on-failure record, not a queue's message: ${entry.reason}`,
        });
        skipped.push(entry.message);
        continue;
      }
      let events: OrderEvent[];
      try {
        events = await announcements(failure);
      } catch (error) {
        report.left.push({
          messageId: entry.messageId,
          reason: `could not read the orders it names: ${error instanceof Error ? error.message : String(error)}`,
        });
        skipped.push(entry.message);
        continue;
      }
      const targets = topology.sources.filter((s) => s.eventTypes === undefined || s.eventTypes.has('OrderPlaced'));
      targetsOf.set(entry, events.length === 0 ? [] : targets.map((t) => t.url));
      for (const event of events) {
        const message = asDelivered(event);
        const key = contentKey(message);
        for (const target of targets) {
          const sends = plan.get(target.url) ?? new Map<string, { message: Message; covers: DlqEntry[] }>();
          plan.set(target.url, sends);
          const send = sends.get(key) ?? { message, covers: [] };
          send.covers.push(entry);
          sends.set(key, send);
        }
      }
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
