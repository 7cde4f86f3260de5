import { audit, orderProblems, type AuditInput, type AuditedOrder } from '../../../bench/soak-audit.js';

const confirmed = (orderId: string, productId = 'p1', quantity = 1): AuditedOrder => ({
  orderId,
  status: 'CONFIRMED',
  totalAmount: 1000 * quantity,
  items: [{ productId, quantity }],
  history: [{ eventId: `${orderId}-e1` }, { eventId: `${orderId}-e2` }],
});
const cancelled = (orderId: string): AuditedOrder => ({ ...confirmed(orderId), status: 'CANCELLED' });

const sent = (orderId: string, kinds: string[], status = 'SENT') =>
  kinds.map((kind) => ({ notificationId: `${orderId}:${kind}`, kind, status }));

/** What a confirmed order is owed: one charge, a reservation, two emails. */
const owedConfirmed = (order: AuditedOrder) => ({
  billing: [{ status: 'CAPTURED', amount: order.totalAmount }],
  reservation: { status: 'RESERVED' },
  notifications: sent(order.orderId, ['ORDER_RECEIVED', 'ORDER_CONFIRMED']),
  emails: 2,
});

describe('orderProblems', () => {
  it('finds nothing wrong with a confirmed order that got exactly what it is owed', () => {
    const order = confirmed('o1');
    expect(orderProblems(order, owedConfirmed(order))).toEqual([]);
  });

  it.each([
    [
      'a second charge',
      {
        billing: [
          { status: 'CAPTURED', amount: 1000 },
          { status: 'CAPTURED', amount: 1000 },
        ],
      },
      'o1: CONFIRMED with billing [CAPTURED, CAPTURED], not one CAPTURED charge',
    ],
    ['a wrong amount', { billing: [{ status: 'CAPTURED', amount: 900 }] }, 'o1: charged 900 for a total of 1000'],
    ['no reservation', { reservation: undefined }, 'o1: CONFIRMED with reservation undefined'],
    ['a second email', { emails: 3 }, 'o1: 3 email(s) accepted by SES for 2 SENT notification(s)'],
    ['a missing email', { emails: 1 }, 'o1: 1 email(s) accepted by SES for 2 SENT notification(s)'],
    [
      'a notification still pending',
      { notifications: [...sent('o1', ['ORDER_RECEIVED']), ...sent('o1', ['ORDER_CONFIRMED'], 'PENDING')], emails: 1 },
      'o1: notification(s) not settled: ORDER_CONFIRMED:PENDING',
    ],
    [
      'a notification of the wrong kind',
      { notifications: sent('o1', ['ORDER_RECEIVED', 'ORDER_CANCELLED']) },
      'o1: notifications ORDER_CANCELLED+ORDER_RECEIVED, owed ORDER_CONFIRMED+ORDER_RECEIVED',
    ],
  ])('catches %s', (_what, change, problem) => {
    const order = confirmed('o1');
    expect(orderProblems(order, { ...owedConfirmed(order), ...change })).toEqual([problem]);
  });

  it('accepts a notification SES refused for good: recorded FAILED, no email', () => {
    const order = confirmed('o1');
    const notifications = [...sent('o1', ['ORDER_RECEIVED']), ...sent('o1', ['ORDER_CONFIRMED'], 'FAILED')];
    expect(orderProblems(order, { ...owedConfirmed(order), notifications, emails: 1 })).toEqual([]);
  });

  it('accepts a cancelled order with no money kept, and catches one charged', () => {
    const order = cancelled('o2');
    const owed = {
      billing: [{ status: 'DECLINED' }],
      reservation: { status: 'RELEASED' },
      notifications: sent('o2', ['ORDER_RECEIVED', 'ORDER_CANCELLED']),
      emails: 2,
    };
    expect(orderProblems(order, owed)).toEqual([]);
    expect(
      orderProblems(order, { ...owed, billing: [{ status: 'VOIDED' }], reservation: { status: 'REJECTED' } }),
    ).toEqual([]);
    expect(orderProblems(order, { ...owed, billing: [{ status: 'CAPTURED' }] })).toEqual([
      'o2: CANCELLED with billing [CAPTURED] (money kept, or charged twice)',
    ]);
    expect(orderProblems(order, { ...owed, reservation: { status: 'RESERVED' } })).toEqual([
      'o2: CANCELLED with reservation RESERVED',
    ]);
  });

  it('catches an order not final, and an event applied twice', () => {
    expect(orderProblems({ orderId: 'o3', status: 'PLACED' }, owedConfirmed(confirmed('o3')))).toEqual([
      'o3: not final (PLACED)',
    ]);
    const twice = { ...confirmed('o4'), history: [{ eventId: 'e' }, { eventId: 'e' }] };
    expect(orderProblems(twice, owedConfirmed(twice))).toEqual(['o4: an event applied twice in its history']);
  });
});

/** Two confirmed orders of p1 (1 and 2 units), one cancelled, every record as owed. */
function cleanRun(): AuditInput {
  const orders = [confirmed('a', 'p1', 1), confirmed('b', 'p1', 2), cancelled('c')];
  const records = orders.map((o) =>
    o.status === 'CONFIRMED'
      ? owedConfirmed(o)
      : {
          billing: [{ status: 'VOIDED' }],
          reservation: { status: 'REJECTED' },
          notifications: sent(o.orderId, ['ORDER_RECEIVED', 'ORDER_CANCELLED']),
          emails: 2,
        },
  );
  return {
    orders,
    placed: ['a', 'b', 'c'],
    billing: new Map(orders.map((o, i) => [o.orderId, records[i]?.billing ?? []])),
    reservations: new Map(orders.map((o, i) => [o.orderId, records[i]?.reservation ?? {}])),
    notifications: new Map(orders.map((o, i) => [o.orderId, records[i]?.notifications ?? []])),
    emails: new Map(orders.map((o) => [o.orderId, 2])),
    stock: new Map([['p1', { initial: 10, final: 7 }]]),
  };
}

describe('audit', () => {
  it('passes a run where every effect happened once and the stock agrees', () => {
    expect(audit(cleanRun())).toEqual({
      orders: 3,
      confirmed: 2,
      cancelled: 1,
      notFinal: 0,
      emails: 6,
      refusedNotifications: 0,
      emailsSentTwice: 0,
      problemCount: 0,
      problems: [],
      ok: true,
    });
  });

  it('catches stock that disagrees with the confirmed orders, and an accepted order not stored', () => {
    const run = cleanRun();
    const result = audit({
      ...run,
      placed: [...run.placed, 'lost'],
      stock: new Map([['p1', { initial: 10, final: 6 }]]),
    });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      'lost: answered 202 but not in the orders table',
      'p1: stock 10 → 6 (−4) for 3 unit(s) of confirmed orders',
    ]);
  });

  it('counts an email sent twice apart while cut-off notification records explain it, and as a problem beyond', () => {
    const run = {
      ...cleanRun(),
      emails: new Map([
        ['a', 3],
        ['b', 3],
        ['c', 2],
      ]),
    };
    const within = audit({ ...run, emailsResendable: 2 });
    expect([within.ok, within.emailsSentTwice, within.emails]).toEqual([true, 2, 8]);
    const beyond = audit({ ...run, emailsResendable: 1 });
    expect([beyond.ok, beyond.emailsSentTwice]).toEqual([false, 1]);
    expect(beyond.problems).toEqual(['b: 3 email(s) accepted by SES for 2 SENT notification(s)']);
  });
});
