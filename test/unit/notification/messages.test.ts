import { composeMessage, formatMoney } from '../../../functions/notification/messages.js';
import { line, orderCancelled, orderConfirmed, orderPlaced } from '../../fixtures/events.js';

describe('formatMoney', () => {
  it.each([
    [2400, 'JPY', '¥2,400'],
    [1999, 'USD', '$19.99'],
    [5, 'EUR', '€0.05'],
    [1500, 'KWD', 'KWD 1.500'],
  ])('%i minor units of %s → %s', (amount, currency, text) => {
    expect(formatMoney(amount, currency).replace(/\u00a0/g, ' ')).toBe(text);
  });
});

describe('composeMessage', () => {
  it('receipt: the order id, each line and the total', () => {
    const message = composeMessage(
      orderPlaced({ orderId: 'o-42', items: [line('p-001', 2, 1200), line('p-002', 1, 500)] }),
    );

    expect(message).toMatchObject({
      kind: 'ORDER_RECEIVED',
      recipient: 'jane@example.com',
      subject: 'We received your order o-42',
    });
    expect(message.body).toContain('Order: o-42');
    expect(message.body).toContain('2 × p-001 at ¥1,200 = ¥2,400');
    expect(message.body).toContain('Total: ¥2,900');
  });

  it('confirmation: the order id and the total charged', () => {
    const message = composeMessage(orderConfirmed({ orderId: 'o-42', totalAmount: 2900 }));

    expect(message).toMatchObject({ kind: 'ORDER_CONFIRMED', subject: 'Your order o-42 is confirmed' });
    expect(message.body).toContain('Total charged: ¥2,900');
  });

  it('cancellation: the order id and the reason', () => {
    const message = composeMessage(orderCancelled({ orderId: 'o-42', reason: 'payment declined: card_declined' }));

    expect(message).toMatchObject({ kind: 'ORDER_CANCELLED', subject: 'Your order o-42 was cancelled' });
    expect(message.body).toContain('Reason: payment declined: card_declined');
  });
});
