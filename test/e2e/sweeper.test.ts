// Stuck orders are found and finished (issue 21): the sweeper, run by the local runtime on its
// EventBridge rule's schedule as EventBridge runs it, finds an order whose announcement was lost
// in the orders table's sparse index of PLACED orders and announces it again; the order completes,
// each effect once.
//
// How the test loses an announcement: the fault proxy answers order-publisher's publish of it as
// SNS would a successful one (a MessageId) and delivers it nowhere. The order is written as
// order-api stores it, ten minutes old, so that the sweeper's threshold (5 minutes) has passed:
// the next run of the schedule (every minute) finds it. Nothing here waits on a fixed time.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { PLACED_INDEX_KEY, PLACED_INDEX_VALUE } from '../../functions/shared/order-record.js';
import { faultStats, resetFaults, setFaults } from './support/faults.js';
import { eventually, named } from './support/stack.js';
import {
  db,
  deservedStates,
  effectsOf,
  finalOrder,
  notificationStates,
  placedOrderRecord,
  reservationOf,
  stockOf,
  stockProduct,
  storedOrder,
  tables,
} from './support/orders.js';

afterEach(async () => {
  await resetFaults();
});

it('an order whose announcement was lost is found by the sweeper on its schedule and completed, each effect once', async () => {
  const product = await stockProduct(4, 800);
  await setFaults([{ action: 'SNS.Publish', function: named('order-publisher'), rate: 1, fault: 'lost', times: 1 }]);

  const order = await placedOrderRecord(
    { productId: product, quantity: 1, unitPrice: 800 },
    { createdAt: new Date(Date.now() - 10 * 60_000).toISOString() },
  );
  const { orderId } = order;
  // As order-api stores it: in the index of PLACED orders.
  await db.send(
    new PutCommand({ TableName: tables().orders, Item: { ...order, [PLACED_INDEX_KEY]: PLACED_INDEX_VALUE } }),
  );

  // The outbox announced it, as far as it could tell; nothing reached the topic.
  await eventually(async () => ((await faultStats()).injected['SNS.Publish'] ?? 0) >= 1 || undefined, {
    what: 'the announcement to be lost',
  });
  expect((await storedOrder(orderId))?.status).toBe('PLACED');
  expect(await reservationOf(orderId)).toBeUndefined();

  // The next run of the schedule (at most a minute away) announces it again.
  const final = await finalOrder(orderId, 150_000);
  expect(final.status).toBe('CONFIRMED');
  const { notifications, billing, reservation } = await effectsOf(final);
  expect(notificationStates(notifications)).toEqual(deservedStates(final));
  expect(billing).toEqual([expect.objectContaining({ status: 'CAPTURED', amount: 800 })]);
  expect(reservation).toMatchObject({ status: 'RESERVED' });
  expect(await stockOf(product)).toBe(3);
}, 240_000);
