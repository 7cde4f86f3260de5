// A deterministic in-process simulation of a payment provider (the PaymentProvider port). Test
// tokens choose the outcome, the way card networks' test cards do, so every path of the saga can
// be driven from POST /orders. Like real providers, every call takes an idempotency key: a repeat
// with the same key returns the first result and moves no money again.
import type {
  ChargeRequest,
  ChargeResult,
  DeclineReason,
  PaymentProvider,
  RefundRequest,
  RefundResult,
} from './ports.js';
import { IdempotencyKeyReusedError } from './errors.js';

/**
 * The test tokens (documented in docs/api.md), each with the outcome it chooses. Any other token is
 * declined as invalid_token. (Their descriptions are comments: no code reads them, and every
 * byte of a string here is carried by billing's bundle.)
 */
export const TEST_TOKENS = {
  tok_visa: { outcome: 'captured' }, // Visa test card: the charge succeeds
  tok_mastercard: { outcome: 'captured' }, // Mastercard test card: the charge succeeds
  tok_chargeDeclined: { outcome: 'declined', reason: 'card_declined' }, // the card is declined
  tok_chargeDeclinedInsufficientFunds: { outcome: 'declined', reason: 'insufficient_funds' }, // declined: insufficient funds
  tok_chargeDeclinedExpiredCard: { outcome: 'declined', reason: 'expired_card' }, // declined: the card has expired
} as const satisfies Record<string, { outcome: 'captured' } | { outcome: 'declined'; reason: DeclineReason }>;

const UNKNOWN_TOKEN_REASON: DeclineReason = 'invalid_token';

const isTestToken = (token: string): token is keyof typeof TEST_TOKENS => Object.hasOwn(TEST_TOKENS, token);

/** Remembers the first result per idempotency key; a repeat with other parameters is refused. */
class IdempotencyLedger<R> {
  private readonly entries = new Map<string, { fingerprint: string; result: R }>();

  once(key: string, request: object, perform: () => R): R {
    const fingerprint = JSON.stringify(request);
    const earlier = this.entries.get(key);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint)
        throw new IdempotencyKeyReusedError(`idempotency key ${key} was used with other parameters`);
      return earlier.result;
    }
    const result = perform();
    this.entries.set(key, { fingerprint, result });
    return result;
  }
}

/**
 * Deterministic: the outcome depends only on the token, and references only on the key, so a
 * repeat gives the same answer even in a fresh process. The key ledger lives in memory: it
 * proves the protocol in tests; a real adapter sends the key to the provider (Idempotency-Key).
 */
export class SimulatedPaymentProvider implements PaymentProvider {
  /** Money movements actually made, one per distinct idempotency key. */
  readonly captures: ChargeRequest[] = [];
  readonly refunds: RefundRequest[] = [];
  private readonly chargeLedger = new IdempotencyLedger<ChargeResult>();
  private readonly refundLedger = new IdempotencyLedger<RefundResult>();

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    return this.chargeLedger.once(request.idempotencyKey, request, () => {
      const test = isTestToken(request.token) ? TEST_TOKENS[request.token] : undefined;
      if (test === undefined) return { status: 'declined', reason: UNKNOWN_TOKEN_REASON };
      if (test.outcome === 'declined') return { status: 'declined', reason: test.reason };
      this.captures.push(request);
      return { status: 'captured', providerRef: `ch_sim_${request.idempotencyKey}` };
    });
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    return this.refundLedger.once(request.idempotencyKey, request, () => {
      this.refunds.push(request);
      return { refundRef: `re_sim_${request.idempotencyKey}` };
    });
  }
}
