// The outbox's relay: every order the orders table's stream shows inserted is announced with its
// one OrderPlaced event, rebuilt from the stored item, so a republish (a retried batch, a replayed
// shard) sends the identical event (same id `<orderId>:OrderPlaced`) and consumers dedupe it.
//
// Records are published a few at a time, in shard order. The answer names the first record (in
// shard order) not published, because Lambda resumes a stream from the first reported failure:
// records before it are done, it and those after it come again (any after it that did publish are
// sent twice: the same event, which consumers absorb). After a failure no new publish is started,
// and none once the invocation nears its timeout: the answer is given in time, so a slow SNS costs
// a retry from the last good record instead of a timed-out batch retried (and republished) whole.
// The mapping retries a failed batch until it succeeds (for as long as the stream keeps the record,
// 24 h): the outbox blocks rather than drop an order. So only a failure that a retry can cure may
// hold the shard: an inserted item that is not an order can never be published, and is set aside
// here, to the dead-letter queue with the reason, and counted done. If setting it aside fails, the
// record fails like a publish and is retried.
import * as v from 'valibot';
import { orderPlacedEvent } from '../shared/order-placed.js';
import { OrderRecordSchema } from '../shared/order-record.js';
import type { Log } from '../shared/logger.js';
import type { DeadLetterQueue, EventPublisher, StreamBatchResponse, StreamedRecord } from './ports.js';

export interface AnnounceDeps {
  publisher: EventPublisher;
  /** Where a record that is not an order goes, with the reason, instead of holding the shard. */
  deadLetters: DeadLetterQueue;
  log: Pick<Log, 'info' | 'warn' | 'error'>;
  /** Milliseconds left before the function's timeout (Lambda's context); without it, no deadline. */
  remainingMs?: () => number;
}

/** Publishes in flight at once: enough to overlap round trips, few enough not to flood SNS. */
export const CONCURRENCY = 10;
/** No publish is started, and the answer is given, this long before the function's timeout. */
export const SAFETY_MARGIN_MS = 2_000;

async function announce(record: StreamedRecord, deps: AnnounceDeps, signal: AbortSignal): Promise<void> {
  // The mapping's filter passes only inserts; anything else is not a new order and needs no event.
  if (record.eventName !== 'INSERT') {
    deps.log.warn('skipped a stream record that is not an insert (check the mapping filter)', {
      sequenceNumber: record.sequenceNumber,
      eventName: record.eventName,
    });
    return;
  }
  const parsed = v.safeParse(OrderRecordSchema, record.newImage);
  if (!parsed.success) {
    const reason = `the inserted item is not an order: ${parsed.issues.map((i) => `${(i.path ?? []).map((p) => String(p.key)).join('/')} ${i.message}`).join('; ')}`;
    await deps.deadLetters.setAside({ sequenceNumber: record.sequenceNumber, item: record.newImage, reason });
    deps.log.error('set aside a stream record that is not an order (the dead-letter queue holds it)', {
      sequenceNumber: record.sequenceNumber,
      reason,
    });
    return;
  }
  const event = orderPlacedEvent(parsed.output);
  await deps.publisher.publish(event, signal);
  deps.log.info('announced', { orderId: event.orderId, eventId: event.id, sequenceNumber: record.sequenceNumber });
}

type Outcome = { ok: true } | { ok: false; error: unknown };

export async function announceNewOrders(
  records: readonly StreamedRecord[],
  deps: AnnounceDeps,
): Promise<StreamBatchResponse> {
  const outcomes: (Outcome | undefined)[] = records.map(() => undefined); // undefined: not (yet) published
  const remaining = deps.remainingMs ?? (() => Number.POSITIVE_INFINITY);
  let next = 0;
  let failed = false;
  // At the deadline the publishes still in flight are abandoned, not left running: their retry is
  // already in the answer, and calls piling up behind a slow SNS would only slow it further.
  const abandon = new AbortController();
  const worker = async (): Promise<void> => {
    while (next < records.length && !failed && remaining() > SAFETY_MARGIN_MS) {
      const index = next;
      next += 1;
      const record = records[index];
      if (record === undefined) break;
      try {
        await announce(record, deps, abandon.signal);
        outcomes[index] = { ok: true };
      } catch (error) {
        outcomes[index] = { ok: false, error };
        failed = true;
      }
    }
  };
  const workers = Promise.all(Array.from({ length: Math.min(CONCURRENCY, records.length) }, worker));
  let timer: NodeJS.Timeout | undefined;
  const deadline = Number.isFinite(remaining())
    ? new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, remaining() - SAFETY_MARGIN_MS))))
    : new Promise<void>(() => undefined);
  await Promise.race([workers, deadline]);
  clearTimeout(timer);
  abandon.abort();

  const index = outcomes.findIndex((outcome) => outcome?.ok !== true);
  if (index === -1) return { batchItemFailures: [] };
  const first = records[index];
  const outcome = outcomes[index];
  deps.log.error('could not announce a stored order; Lambda retries the batch from this record', {
    sequenceNumber: first?.sequenceNumber,
    orderId: typeof first?.newImage?.orderId === 'string' ? first.newImage.orderId : undefined,
    published: outcomes.filter((o) => o?.ok === true).length,
    of: records.length,
    error: outcome === undefined ? 'not published before the function timeout' : outcome.ok ? undefined : outcome.error,
  });
  // Without a sequence number Lambda could not resume from the record: fail the whole batch instead.
  if (first === undefined || first.sequenceNumber === '')
    throw new Error('a stream record without a sequence number failed');
  return { batchItemFailures: [{ itemIdentifier: first.sequenceNumber }] };
}
