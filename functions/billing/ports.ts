// The ports billing's domain talks through, and the records they exchange. The DynamoDB adapter
// (dynamo-billing-store.ts), the simulated provider (simulated-payment-provider.ts) and the
// in-memory fakes of the unit tests implement these same interfaces and keep the same conditions.
import * as v from 'valibot';

const keys = { billingId: v.string(), orderId: v.string() };
const money = { amount: v.pipe(v.number(), v.integer(), v.minValue(0)), currency: v.string() };
/** A void requested while the charge was PENDING: the charge path gives the money back once it decides. */
const CompensationSchema = v.object({ reason: v.string(), requestedAt: v.string() });
export type Compensation = v.InferOutput<typeof CompensationSchema>;
const compensation = { compensation: v.optional(CompensationSchema) };

/** An item of the billing table (PK billingId = orderId, SK orderId). */
export const BillingRecordSchema = v.variant('status', [
  v.object({ ...keys, ...money, ...compensation, status: v.literal('PENDING'), createdAt: v.string() }),
  v.object({
    ...keys,
    ...money,
    ...compensation,
    status: v.literal('CAPTURED'),
    providerRef: v.string(),
    decidedAt: v.string(),
  }),
  v.object({ ...keys, ...money, status: v.literal('DECLINED'), reason: v.string(), decidedAt: v.string() }),
  // A tombstone: inventory rejected the order before it was charged, so it never will be.
  v.object({ ...keys, status: v.literal('VOIDED'), reason: v.string(), decidedAt: v.string() }),
  v.object({
    ...keys,
    ...money,
    status: v.literal('REFUNDED'),
    providerRef: v.string(),
    decidedAt: v.string(),
    refundRef: v.string(),
    reason: v.string(),
    refundedAt: v.string(),
  }),
]);
export type BillingRecord = v.InferOutput<typeof BillingRecordSchema>;
export type BillingRecordOf<S extends BillingRecord['status']> = Extract<BillingRecord, { status: S }>;

/** The storage port; DynamoBillingStore implements it, the unit tests' in-memory fake too. */
export interface BillingStore {
  /** Writes the first record of an order (a PENDING intent or a VOIDED tombstone) only if it has none. */
  createIfAbsent(record: BillingRecordOf<'PENDING' | 'VOIDED'>): Promise<boolean>;
  /** PENDING → CAPTURED or DECLINED: the record as written (with any compensation recorded meanwhile), or undefined if it was no longer PENDING. */
  decide(record: BillingRecordOf<'CAPTURED' | 'DECLINED'>): Promise<BillingRecord | undefined>;
  /** Records a void on a PENDING record; false if it was no longer PENDING. */
  requestCompensation(orderId: string, compensation: Compensation): Promise<boolean>;
  /** CAPTURED → REFUNDED; false if the record was no longer CAPTURED. */
  markRefunded(record: BillingRecordOf<'REFUNDED'>): Promise<boolean>;
  /** A strongly consistent read. */
  get(orderId: string): Promise<BillingRecord | undefined>;
}

export type DeclineReason = 'card_declined' | 'insufficient_funds' | 'expired_card' | 'invalid_token';

export interface ChargeRequest {
  /** The orderId: one charge per order, however often billing retries. */
  idempotencyKey: string;
  token: string;
  amount: number;
  currency: string;
}
export type ChargeResult = { status: 'captured'; providerRef: string } | { status: 'declined'; reason: DeclineReason };

export interface RefundRequest {
  idempotencyKey: string;
  providerRef: string;
  amount: number;
  currency: string;
}
export interface RefundResult {
  refundRef: string;
}

/**
 * The payment provider port; SimulatedPaymentProvider implements it. Like real providers, every
 * call takes an idempotency key: a repeat with the same key returns the first result and moves no money again.
 */
export interface PaymentProvider {
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(request: RefundRequest): Promise<RefundResult>;
}
