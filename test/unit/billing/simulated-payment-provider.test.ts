import { IdempotencyKeyReusedError } from '../../../functions/billing/errors.js';
import { SimulatedPaymentProvider, TEST_TOKENS } from '../../../functions/billing/simulated-payment-provider.js';

const charge = (token: string, idempotencyKey = 'o-1') => ({ idempotencyKey, token, amount: 2400, currency: 'JPY' });

describe('simulated payment provider', () => {
  it.each([
    ['tok_visa', { status: 'captured', providerRef: 'ch_sim_o-1' }],
    ['tok_mastercard', { status: 'captured', providerRef: 'ch_sim_o-1' }],
    ['tok_chargeDeclined', { status: 'declined', reason: 'card_declined' }],
    ['tok_chargeDeclinedInsufficientFunds', { status: 'declined', reason: 'insufficient_funds' }],
    ['tok_chargeDeclinedExpiredCard', { status: 'declined', reason: 'expired_card' }],
    ['tok_unknown', { status: 'declined', reason: 'invalid_token' }],
    ['toString', { status: 'declined', reason: 'invalid_token' }], // not fooled by Object.prototype
  ])('%s → %o', async (token, result) => {
    await expect(new SimulatedPaymentProvider().charge(charge(token))).resolves.toEqual(result);
  });

  it('documents exactly the tokens it honours', () => {
    expect(Object.keys(TEST_TOKENS)).toEqual([
      'tok_visa',
      'tok_mastercard',
      'tok_chargeDeclined',
      'tok_chargeDeclinedInsufficientFunds',
      'tok_chargeDeclinedExpiredCard',
    ]);
  });

  it('moves money once per idempotency key and repeats the first answer', async () => {
    const provider = new SimulatedPaymentProvider();

    const first = await provider.charge(charge('tok_visa'));
    const again = await provider.charge(charge('tok_visa'));
    await provider.charge(charge('tok_visa', 'o-2'));

    expect(again).toEqual(first);
    expect(provider.captures.map((c) => c.idempotencyKey)).toEqual(['o-1', 'o-2']);
  });

  it('refuses a key reused with other parameters', async () => {
    expect.assertions(1);
    const provider = new SimulatedPaymentProvider();
    await provider.charge(charge('tok_visa'));

    await expect(provider.charge({ ...charge('tok_visa'), amount: 1 })).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
  });

  it('refunds once per idempotency key', async () => {
    const provider = new SimulatedPaymentProvider();
    const refund = { idempotencyKey: 'o-1:refund', providerRef: 'ch_sim_o-1', amount: 2400, currency: 'JPY' };

    const first = await provider.refund(refund);
    const again = await provider.refund(refund);

    expect(again).toEqual(first);
    expect(first).toEqual({ refundRef: 're_sim_o-1:refund' });
    expect(provider.refunds).toHaveLength(1);
  });
});
