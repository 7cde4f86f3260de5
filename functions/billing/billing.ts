// Billing's part of the saga: charge an order once, and make sure no money is kept for an order
// that inventory rejected (void before the charge, refund after it). Pure domain: storage,
// the payment provider and publishing are ports.
//
// One billing record per order, billingId = orderId: every event of the order (InventoryRejected
// carries only the orderId) finds the record by key, with no index and no lookup, and the key is
// what the attribute_not_exists conditions guard. The order's id is also the provider's
// idempotency key for the charge.
//
// The charge is an external effect, so it cannot share a DynamoDB transaction with its record.
// The record is therefore written first, as a PENDING intent (attribute_not_exists). A void that
// arrives while the charge is PENDING records itself on that record (`compensation`, under the
// condition that it is still PENDING) and is acknowledged; the charge path applies it as soon as it
// decides: a capture is refunded right after it is recorded. However long the provider is down,
// the void cannot run out of retries and leave money on a cancelled order. A redelivery that finds
// PENDING charges again under the same idempotency key, which the provider answers with the first
// charge, never a second one.
import { orderEvent, type EventOf, type OrderEvent } from '../shared/events.js';
import type { Log } from '../shared/logger.js';
import type { Clock } from '../shared/clock.js';
import type { EventPublisher } from '../shared/publisher.js';
import type { EventHandlers } from '../shared/sqs-consumer.js';
import { BillingConflictError } from './errors.js';
import type { BillingRecord, BillingRecordOf, BillingStore, PaymentProvider } from './ports.js';

/** Read-then-conditional-write passes that void or refund one order's payment before SQS retries the record. */
const COMPENSATION_ATTEMPTS = 3;

/** The one event a decided record announces; a redelivery republishes it with the same id and time. */
function outcomeEvent(record: BillingRecord): OrderEvent | undefined {
  const { orderId, billingId } = record;
  switch (record.status) {
    case 'PENDING':
      return undefined;
    case 'CAPTURED':
      return orderEvent('PaymentCaptured', orderId, record.decidedAt, {
        billingId,
        amount: record.amount,
        currency: record.currency,
      });
    case 'DECLINED':
      return orderEvent('PaymentDeclined', orderId, record.decidedAt, { billingId, reason: record.reason });
    case 'VOIDED':
      return orderEvent('PaymentVoided', orderId, record.decidedAt, { billingId, reason: record.reason });
    case 'REFUNDED':
      return orderEvent('PaymentRefunded', orderId, record.refundedAt, {
        billingId,
        amount: record.amount,
        currency: record.currency,
        reason: record.reason,
      });
  }
}

export interface BillingDeps {
  store: BillingStore;
  provider: PaymentProvider;
  publisher: EventPublisher;
  now: Clock;
  log: Pick<Log, 'info'>;
}

async function announce(record: BillingRecord, { publisher }: BillingDeps): Promise<void> {
  const event = outcomeEvent(record);
  if (event) await publisher.publish(event);
}

async function readExisting(orderId: string, { store }: BillingDeps): Promise<BillingRecord> {
  const record = await store.get(orderId);
  // A condition just said the record exists and the read is consistent: absence is a fault, retry.
  if (!record) throw new Error(`billing record for ${orderId} refused as existing but not found`);
  return record;
}

/** Gives a captured charge back, once (the provider's idempotency key and the CAPTURED condition). */
async function refund(captured: BillingRecordOf<'CAPTURED'>, reason: string, deps: BillingDeps): Promise<void> {
  const { orderId, providerRef, amount, currency } = captured;
  const { refundRef } = await deps.provider.refund({
    idempotencyKey: `${orderId}:refund`,
    providerRef,
    amount,
    currency,
  });
  const { compensation: _applied, ...charge } = captured;
  const refunded: BillingRecordOf<'REFUNDED'> = {
    ...charge,
    status: 'REFUNDED',
    refundRef,
    reason,
    refundedAt: deps.now(),
  };
  if (await deps.store.markRefunded(refunded)) {
    deps.log.info('payment refunded', { orderId });
    return announce(refunded, deps);
  }
  const current = await readExisting(orderId, deps);
  if (current.status !== 'REFUNDED')
    throw new BillingConflictError(`billing record for ${orderId} changed during its refund; retrying`);
  return announce(current, deps); // a concurrent delivery refunded it first
}

/** Announces a decided record, then applies a void recorded while it was PENDING. */
async function settle(record: BillingRecord, deps: BillingDeps): Promise<void> {
  await announce(record, deps);
  if (record.status === 'CAPTURED' && record.compensation !== undefined) {
    deps.log.info('the order was cancelled while its charge was in flight: refunding the capture', {
      orderId: record.orderId,
    });
    await refund(record, record.compensation.reason, deps);
  }
}

async function onOrderPlaced({ orderId, data }: EventOf<'OrderPlaced'>, deps: BillingDeps): Promise<void> {
  const { store, now, log } = deps;
  const { totalAmount: amount, currency, paymentToken: token } = data;
  const pending: BillingRecordOf<'PENDING'> = {
    billingId: orderId,
    orderId,
    status: 'PENDING',
    amount,
    currency,
    createdAt: now(),
  };
  if (!(await store.createIfAbsent(pending))) {
    const existing = await readExisting(orderId, deps);
    if (existing.status !== 'PENDING') {
      log.info('order already billed; republishing its outcome', { orderId, status: existing.status });
      return settle(existing, deps); // a crash between a capture and its pending refund is finished here
    }
    // An earlier delivery stopped before recording the outcome (or is charging now): charging
    // again under the same idempotency key returns that charge; it never makes a second one.
  }
  const result = await deps.provider.charge({ idempotencyKey: orderId, token, amount, currency });
  const decidedAt = now();
  const decided: BillingRecordOf<'CAPTURED' | 'DECLINED'> =
    result.status === 'captured'
      ? {
          billingId: orderId,
          orderId,
          status: 'CAPTURED',
          amount,
          currency,
          providerRef: result.providerRef,
          decidedAt,
        }
      : { billingId: orderId, orderId, status: 'DECLINED', amount, currency, reason: result.reason, decidedAt };
  const recorded = await store.decide(decided);
  if (recorded !== undefined) log.info('payment decided', { orderId, status: recorded.status });
  return settle(recorded ?? (await readExisting(orderId, deps)), deps); // else a concurrent delivery recorded the same charge first
}

async function onInventoryRejected({ orderId, data }: EventOf<'InventoryRejected'>, deps: BillingDeps): Promise<void> {
  const { store, now, log } = deps;
  const reason = `inventory rejected: ${data.reason}`;
  // Each pass reads, then writes under a condition; losing a race means re-reading, never a second effect.
  for (let attempt = 0; attempt < COMPENSATION_ATTEMPTS; attempt += 1) {
    const current = await store.get(orderId);
    if (!current) {
      const voided: BillingRecordOf<'VOIDED'> = {
        billingId: orderId,
        orderId,
        status: 'VOIDED',
        reason,
        decidedAt: now(),
      };
      if (await store.createIfAbsent(voided)) {
        log.info('payment voided before any charge', { orderId });
        return announce(voided, deps);
      }
      continue;
    }
    switch (current.status) {
      case 'PENDING':
        // The charge is in flight (or its provider is down): leave the void on the record for the
        // charge path, which applies it when it decides. Nothing to announce yet.
        if (await store.requestCompensation(orderId, { reason, requestedAt: now() })) {
          log.info('void recorded on the pending charge; the charge path applies it when it decides', { orderId });
          return;
        }
        continue;
      case 'CAPTURED':
        return refund(current, reason, deps);
      case 'DECLINED': // no money was taken: nothing to give back
      case 'VOIDED': // a redelivery of the void
      case 'REFUNDED': // a redelivery of the refund
        return announce(current, deps);
    }
  }
  throw new BillingConflictError(`billing record for ${orderId} kept changing; retrying`);
}

/** billing-queue's dispatch map: the handler of each event type the queue receives. */
export const billingHandlers = {
  OrderPlaced: onOrderPlaced,
  InventoryRejected: onInventoryRejected,
} satisfies EventHandlers<BillingDeps>;
