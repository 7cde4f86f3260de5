// The outbox's relay: every order the orders table's stream shows inserted is announced with its
// one OrderPlaced event, rebuilt from the stored item, so a republish (a retried batch, a replayed
// shard) sends the identical event (same id `<orderId>:OrderPlaced`) and consumers dedupe it.
//
// Records are published concurrently; the answer names the first record (in shard order) that
// failed, because Lambda resumes a stream from the first reported failure: records before it are
// done, it and those after it come again (those after it that did publish are sent twice: the
// same event, which consumers absorb). An item that is not an order fails the same way: Lambda
// retries it until its retry budget is spent and then sends the batch's description to the
// on-failure destination (the DLQ), rather than dropping an order silently.
import { createEvent, eventIdFor, type EventOf } from '../shared/events.js';
import { OrderRecordSchema, type OrderRecord } from '../shared/order-record.js';
import type { EventPublisher, Log, StreamBatchResponse, StreamedRecord } from './ports.js';

export interface AnnounceDeps {
  publisher: EventPublisher;
  log: Log;
}

/** The one OrderPlaced event of an order: same order, same event (id, time and data). */
export function orderPlacedEvent(order: OrderRecord): EventOf<'OrderPlaced'> {
  return createEvent('OrderPlaced', {
    id: eventIdFor('OrderPlaced', order.orderId),
    orderId: order.orderId,
    time: order.createdAt,
    data: {
      customerId: order.customerId,
      email: order.email,
      items: order.items,
      totalAmount: order.totalAmount,
      currency: order.currency,
      paymentToken: order.paymentToken,
    },
  });
}

export class NotAnOrderError extends Error {
  override readonly name = 'NotAnOrderError';
}

async function announce(record: StreamedRecord, deps: AnnounceDeps): Promise<void> {
  // The mapping's filter passes only inserts; anything else is not a new order and needs no event.
  if (record.eventName !== 'INSERT') {
    deps.log.warn('skipped a stream record that is not an insert (check the mapping filter)', { sequenceNumber: record.sequenceNumber, eventName: record.eventName });
    return;
  }
  const parsed = OrderRecordSchema.safeParse(record.newImage);
  if (!parsed.success) throw new NotAnOrderError(`the inserted item is not an order: ${parsed.error.issues.map((i) => `${i.path.join('/')} ${i.message}`).join('; ')}`);
  const event = orderPlacedEvent(parsed.data);
  await deps.publisher.publish(event);
  deps.log.info('announced', { orderId: event.orderId, eventId: event.id, sequenceNumber: record.sequenceNumber });
}

export async function announceNewOrders(records: readonly StreamedRecord[], deps: AnnounceDeps): Promise<StreamBatchResponse> {
  const results = await Promise.allSettled(records.map((record) => announce(record, deps)));
  const index = results.findIndex((result) => result.status === 'rejected');
  if (index === -1) return { batchItemFailures: [] };
  const failed = records[index];
  const result = results[index];
  const failures = results.filter((r) => r.status === 'rejected').length;
  deps.log.error('could not announce a stored order; Lambda retries the batch from this record', {
    sequenceNumber: failed?.sequenceNumber,
    orderId: typeof failed?.newImage?.['orderId'] === 'string' ? failed.newImage['orderId'] : undefined,
    failedRecords: failures,
    error: result?.status === 'rejected' ? result.reason : undefined,
  });
  // Without a sequence number Lambda could not resume from the record: fail the whole batch instead.
  if (failed === undefined || failed.sequenceNumber === '') throw new Error('a stream record without a sequence number failed');
  return { batchItemFailures: [{ itemIdentifier: failed.sequenceNumber }] };
}
