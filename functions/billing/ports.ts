// The ports billing's domain talks through, and the records they exchange. The DynamoDB adapter
// (dynamo-billing-store.ts), the simulated provider (simulated-payment-provider.ts) and the
// in-memory fakes of the unit tests implement these same interfaces and keep the same conditions.
import * as z from 'zod';

const keys = { billingId: z.string(), orderId: z.string() };
const money = { amount: z.number().int().nonnegative(), currency: z.string() };
/** A void requested while the charge was PENDING: the charge path gives the money back once it decides. */
const CompensationSchema = z.object({ reason: z.string(), requestedAt: z.string() });
export type Compensation = z.infer<typeof CompensationSchema>;
const compensation = { compensation: CompensationSchema.optional() };

/** An item of the billing table (PK billingId = orderId, SK orderId). */
export const BillingRecordSchema = z.discriminatedUnion('status', [
  z.object({ ...keys, ...money, ...compensation, status: z.literal('PENDING'), createdAt: z.string() }),
  z.object({
    ...keys,
    ...money,
    ...compensation,
    status: z.literal('CAPTURED'),
    providerRef: z.string(),
    decidedAt: z.string(),
  }),
  z.object({ ...keys, ...money, status: z.literal('DECLINED'), reason: z.string(), decidedAt: z.string() }),
  // A tombstone: inventory rejected the order before it was charged, so it never will be.
  z.object({ ...keys, status: z.literal('VOIDED'), reason: z.string(), decidedAt: z.string() }),
  z.object({
    ...keys,
    ...money,
    status: z.literal('REFUNDED'),
    providerRef: z.string(),
    decidedAt: z.string(),
    refundRef: z.string(),
    reason: z.string(),
    refundedAt: z.string(),
  }),
]);
export type BillingRecord = z.infer<typeof BillingRecordSchema>;
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
