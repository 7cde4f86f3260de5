import { createEvent, InvalidEventError, parseEvent } from '../../../functions/shared/events.js';
import { orderPlaced } from '../../fixtures/events.js';

const placed = () => orderPlaced();

describe('event contracts', () => {
  it('round-trips an event through its JSON form', () => {
    const event = placed();
    expect(parseEvent(JSON.stringify(event))).toEqual(event);
    expect(event).toMatchObject({ version: 1, type: 'OrderPlaced', id: 'o-1:OrderPlaced' });
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['an unknown type', JSON.stringify({ ...placed(), type: 'OrderShipped' }), /type/],
    ['a float amount', JSON.stringify({ ...placed(), data: { ...placed().data, totalAmount: 24.5 } }), /totalAmount/],
    ['a missing orderId', JSON.stringify({ ...placed(), orderId: undefined }), /orderId/],
    ['another version', JSON.stringify({ ...placed(), version: 2 }), /version/],
    ['a time with an offset', JSON.stringify({ ...placed(), time: '2026-11-25T18:00:00+09:00' }), /time/],
    ['a day the calendar lacks', JSON.stringify({ ...placed(), time: '2026-02-30T09:00:00.000Z' }), /time/],
    ['an email without a domain', JSON.stringify({ ...placed(), data: { ...placed().data, email: 'jane@' } }), /email/],
  ])('refuses %s', (_name, body, message) => {
    expect.assertions(2);
    try {
      parseEvent(body);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventError);
      expect((error as Error).message).toMatch(message);
    }
  });

  it.each(['2024-02-29T09:00:00Z', '2026-11-25T09:00:00.123456Z'])('takes %s as a time', (time) => {
    expect(parseEvent(JSON.stringify({ ...placed(), time })).time).toBe(time);
  });

  // Cognito verified it: the rule is Cognito's; the contracts check only the shape of an address.
  it.each([
    "o'brien@example.com",
    'jane@mail.example-shop.co',
    'a@b',
    'josé@exemple.fr',
    'user@[192.0.2.1]',
    'x+tag@a.b-c',
  ])('takes %s, an address Cognito accepts', (email) => {
    const body = JSON.stringify({ ...placed(), data: { ...placed().data, email } });
    expect(parseEvent(body)).toMatchObject({ data: { email } });
  });

  it.each(['no-at-sign', 'two@@example.com', 'a b@example.com', '@example.com', 'jane@'])(
    'refuses %s, which is no address at all',
    (email) => {
      expect(() => parseEvent(JSON.stringify({ ...placed(), data: { ...placed().data, email } }))).toThrow(
        InvalidEventError,
      );
    },
  );

  it('refuses to build an event that breaks its own schema', () => {
    expect(() =>
      createEvent('PaymentCaptured', {
        id: 'x',
        orderId: 'o-1',
        time: 'yesterday',
        data: { billingId: 'b', amount: -1, currency: 'JPY' },
      }),
    ).toThrow();
  });
});
