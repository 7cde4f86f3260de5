import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { claimTimeoutFor, notificationHandlers } from '../../../functions/notification/notifications.js';
import { NotificationConflictError } from '../../../functions/notification/errors.js';
import type { NotificationRecordOf } from '../../../functions/notification/ports.js';
import { eventIdFor, type OrderEvent } from '../../../functions/shared/events.js';
import { dispatch } from '../../../functions/shared/sqs-consumer.js';
import { logger, setLogLevel } from '../../../functions/shared/logger.js';
import { inventoryRejected, orderCancelled, orderConfirmed, orderPlaced, T0 } from '../../fixtures/events.js';
import { crashOnce } from '../../fixtures/crash.js';
import { recordingLog } from '../../fixtures/log.js';
import { RecordingPublisher } from '../../fixtures/publisher.js';
import { InMemoryNotificationStore, RecordingMailer } from './fakes.js';

setLogLevel('SILENT');

/** A claim's timeout for a function that runs at most 10 s. */
const CLAIM_TIMEOUT_MS = claimTimeoutFor(10);

/** A clock that ticks one second per reading; `advance` jumps ahead, as the wait for a redelivery does. */
const clock = () => {
  let ms = Date.UTC(2026, 10, 25, 10, 0, 0);
  const now = () => {
    const time = new Date(ms).toISOString();
    ms += 1000;
    return time;
  };
  return Object.assign(now, {
    advance: (by: number) => {
      ms += by;
    },
  });
};

function setup() {
  const store = new InMemoryNotificationStore();
  const mailer = new RecordingMailer();
  const publisher = new RecordingPublisher();
  const now = clock();
  const handle = dispatch('notification', notificationHandlers, {
    store,
    mailer,
    publisher,
    claimTimeoutMs: CLAIM_TIMEOUT_MS,
    now,
    newId: randomUUID,
    log: logger,
  });
  return { store, mailer, publisher, handle, now };
}

describe.each<[string, OrderEvent, string]>([
  ['OrderPlaced', orderPlaced(), 'ORDER_RECEIVED'],
  ['OrderConfirmed', orderConfirmed(), 'ORDER_CONFIRMED'],
  ['OrderCancelled', orderCancelled(), 'ORDER_CANCELLED'],
])('%s', (_type, event, kind) => {
  it(`emails ${kind} once, records it SENT, and announces NotificationSent`, async () => {
    const { store, mailer, publisher, handle } = setup();

    await handle(event);

    expect(mailer.sent).toEqual([expect.objectContaining({ to: 'jane@example.com' })]);
    expect(store.records.get(`o-1:${kind}|${T0}`)).toEqual(
      expect.objectContaining({
        notificationId: `o-1:${kind}`,
        createdAt: T0,
        kind,
        status: 'SENT',
        messageId: 'ses-1',
        claimedAt: '2026-11-25T10:00:00.000Z',
        sentAt: '2026-11-25T10:00:01.000Z',
      }),
    );
    expect(publisher.events).toEqual([
      expect.objectContaining({
        type: 'NotificationSent',
        id: eventIdFor('NotificationSent', `o-1:${kind}`),
        time: '2026-11-25T10:00:01.000Z',
        data: { notificationId: `o-1:${kind}`, kind },
      }),
    ]);
  });

  it('sends one email for a duplicate delivery and republishes the identical event', async () => {
    const { mailer, publisher, handle } = setup();

    await handle(event);
    await handle(event);

    expect(mailer.sent).toHaveLength(1);
    expect(publisher.events).toHaveLength(2);
    expect(publisher.events[1]).toEqual(publisher.events[0]);
  });
});

it('gives each kind of an order its own notification and its own NotificationSent id', async () => {
  const { mailer, publisher, handle } = setup();

  await handle(orderPlaced());
  await handle(orderCancelled());

  expect(mailer.sent.map((m) => m.subject)).toEqual(['We received your order o-1', 'Your order o-1 was cancelled']);
  expect(new Set(publisher.events.map((e) => e.id)).size).toBe(2);
});

it('after a failed publish, the retry republishes without sending again', async () => {
  expect.assertions(3);
  const { mailer, publisher, handle } = setup();
  publisher.failNext();

  await expect(handle(orderPlaced())).rejects.toThrow('publish failed');
  await handle(orderPlaced());

  expect(mailer.sent).toHaveLength(1);
  expect(publisher.types()).toEqual(['NotificationSent']);
});

it('a concurrent duplicate does not send while the first delivery is sending: it is retried, then republishes', async () => {
  const { mailer, publisher, handle, now } = setup();

  const results = await Promise.allSettled([handle(orderPlaced()), handle(orderPlaced())]);
  now.advance(CLAIM_TIMEOUT_MS); // the failed one comes back after the visibility timeout
  await handle(orderPlaced());

  expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual([
    expect.any(NotificationConflictError),
  ]);
  expect(mailer.sent).toHaveLength(1);
  expect(publisher.types()).toEqual(['NotificationSent', 'NotificationSent']);
});

it('a claim whose response was lost (written, then refused to the SDK retry) is ours: it sends at once, once', async () => {
  const { store, mailer, publisher, now } = setup();
  const create = store.createIfAbsent.bind(store);
  store.createIfAbsent = async (record) => {
    await create(record); // the write happened …
    return create(record); // … and the retry of the lost response is refused by the condition
  };
  const handle = dispatch('notification', notificationHandlers, {
    store,
    mailer,
    publisher,
    claimTimeoutMs: CLAIM_TIMEOUT_MS,
    now,
    newId: randomUUID,
    log: logger,
  });

  await handle(orderPlaced());

  expect(mailer.sent).toHaveLength(1);
  expect([...store.records.values()][0]?.status).toBe('SENT');
  expect(publisher.types()).toEqual(['NotificationSent']);
});

it('a notification left PENDING by a crash is sent on the redelivery after the visibility timeout: the documented at-least-once window', async () => {
  expect.assertions(3);
  const { store, mailer, handle, now } = setup();
  crashOnce(mailer, 'send');

  await expect(handle(orderPlaced())).rejects.toThrow('lambda timed out');
  now.advance(CLAIM_TIMEOUT_MS);
  await handle(orderPlaced());

  expect(mailer.sent).toHaveLength(1);
  expect([...store.records.values()][0]?.status).toBe('SENT');
});

it('a failed SES call is retried (thrown) and leaves the claim to the redelivery', async () => {
  expect.assertions(2);
  const { store, handle, now } = setup();
  const mailer = { send: async () => Promise.reject(new Error('Throttling')) };
  const failing = dispatch('notification', notificationHandlers, {
    store,
    mailer,
    publisher: new RecordingPublisher(),
    claimTimeoutMs: CLAIM_TIMEOUT_MS,
    now,
    newId: randomUUID,
    log: logger,
  });

  await expect(failing(orderPlaced())).rejects.toThrow('Throttling');
  expect([...store.records.values()][0]?.status).toBe('PENDING');
  now.advance(CLAIM_TIMEOUT_MS);
  await handle(orderPlaced()); // and the redelivery completes it
});

it('a claim younger than the claim timeout is still in flight (retried); once it is older, the redelivery takes it over and sends', async () => {
  const { mailer, handle, now } = setup();
  crashOnce(mailer, 'send');
  await expect(handle(orderPlaced())).rejects.toThrow('lambda timed out');

  now.advance(CLAIM_TIMEOUT_MS - 5_000); // the clock ticks 1 s per reading: still under the timeout
  await expect(handle(orderPlaced())).rejects.toBeInstanceOf(NotificationConflictError);
  expect(mailer.sent).toHaveLength(0);

  now.advance(5_000);
  await handle(orderPlaced());
  expect(mailer.sent).toHaveLength(1);
});

describe('a stale claim', () => {
  const stale = (): NotificationRecordOf<'PENDING'> => ({
    notificationId: 'o-1:ORDER_CONFIRMED',
    createdAt: T0,
    orderId: 'o-1',
    kind: 'ORDER_CONFIRMED',
    recipient: 'jane@example.com',
    subject: 'Your order o-1 is confirmed',
    status: 'PENDING',
    claimedAt: '2026-11-25T09:00:00.000Z', // long ago: a crashed claim
    claimId: 'a-crashed-delivery',
  });

  it('is taken over by one of two interleaved deliveries: one email, the other waits (retried) and then republishes', async () => {
    const { store, mailer, publisher, handle, now } = setup();
    store.records.set(`o-1:ORDER_CONFIRMED|${T0}`, stale());

    // Both read the stale claim before either takes it over (the in-memory store yields between steps).
    const results = await Promise.allSettled([handle(orderConfirmed()), handle(orderConfirmed())]);

    expect(mailer.sent).toHaveLength(1);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))).toEqual([
      expect.any(NotificationConflictError),
    ]);
    now.advance(CLAIM_TIMEOUT_MS);
    await handle(orderConfirmed()); // the loser's redelivery
    expect(mailer.sent).toHaveLength(1);
    expect(publisher.types()).toEqual(['NotificationSent', 'NotificationSent']);
  });

  it('taken over by a write whose response was lost is still ours: it sends, once', async () => {
    const { store, mailer, publisher, now } = setup();
    store.records.set(`o-1:ORDER_CONFIRMED|${T0}`, stale());
    const takeOver = store.takeOver.bind(store);
    store.takeOver = async (claim, staleClaimId) => {
      await takeOver(claim, staleClaimId); // the write happened …
      return takeOver(claim, staleClaimId); // … and the SDK's retry is refused by the condition
    };

    await dispatch('notification', notificationHandlers, {
      store,
      mailer,
      publisher,
      claimTimeoutMs: CLAIM_TIMEOUT_MS,
      now,
      newId: randomUUID,
      log: logger,
    })(orderConfirmed());

    expect(mailer.sent).toHaveLength(1);
    expect(publisher.types()).toEqual(['NotificationSent']);
  });
});

describe('a permanent refusal', () => {
  it('is recorded FAILED with its reason, announced by NotificationFailed, and acknowledged; a redelivery republishes it without sending', async () => {
    const { store, mailer, publisher, handle } = setup();
    mailer.refusing.add('jane@example.com');

    await handle(orderConfirmed()); // resolves: the record is acknowledged, never retried into the DLQ
    await handle(orderConfirmed());

    expect(store.records.get(`o-1:ORDER_CONFIRMED|${T0}`)).toEqual(
      expect.objectContaining({
        status: 'FAILED',
        reason: 'MessageRejected: Email address is not verified.',
        failedAt: expect.any(String),
      }),
    );
    expect(publisher.events).toEqual([
      expect.objectContaining({
        type: 'NotificationFailed',
        id: eventIdFor('NotificationFailed', 'o-1:ORDER_CONFIRMED'),
        data: {
          notificationId: 'o-1:ORDER_CONFIRMED',
          kind: 'ORDER_CONFIRMED',
          reason: 'MessageRejected: Email address is not verified.',
        },
      }),
      expect.objectContaining({ type: 'NotificationFailed' }),
    ]);
    expect(publisher.events[1]).toEqual(publisher.events[0]);
    expect(mailer.sent).toEqual([]);
  });
});

it('never writes the email address to the log', async () => {
  const calls: unknown[] = [];
  const spies = (['debug', 'info', 'warn', 'error'] as const).map((level) =>
    jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => void calls.push(args)),
  );
  const { store, mailer, handle } = setup();
  store.records.set(`o-1:ORDER_RECEIVED|${T0}`, {
    notificationId: 'o-1:ORDER_RECEIVED',
    createdAt: T0,
    orderId: 'o-1',
    kind: 'ORDER_RECEIVED',
    recipient: 'jane@example.com',
    subject: 'We received your order o-1',
    status: 'PENDING',
    claimedAt: '2026-11-25T09:00:00.000Z', // long ago: a crashed claim
    claimId: 'a-crashed-delivery',
  });

  await handle(orderPlaced()); // the resend path logs a warning
  await handle(orderPlaced()); // the republish path
  await handle(orderCancelled());
  await handle(inventoryRejected()); // an event it ignores

  expect(mailer.sent).toHaveLength(2);
  expect(calls.length).toBeGreaterThan(0);
  expect(JSON.stringify(calls)).not.toContain('jane@example.com');
  for (const spy of spies) spy.mockRestore();
});

it('acknowledges an event type it does not handle without sending anything', async () => {
  const { mailer, publisher, handle } = setup();

  await handle(inventoryRejected());

  expect(mailer.sent).toEqual([]);
  expect(publisher.events).toEqual([]);
});

describe('claimTimeoutFor', () => {
  it("is the function timeout plus a margin for two hosts' clocks: no delivery still running holds a claim that old", () => {
    expect(claimTimeoutFor(10)).toBe(12_000);
    expect(claimTimeoutFor(30)).toBe(32_000);
  });
});

describe('notification: its log', () => {
  it('writes through the log it is given', async () => {
    const { lines, write } = recordingLog();
    const handle = dispatch('notification', notificationHandlers, {
      store: new InMemoryNotificationStore(),
      mailer: new RecordingMailer(),
      publisher: new RecordingPublisher(),
      claimTimeoutMs: CLAIM_TIMEOUT_MS,
      now: clock(),
      newId: randomUUID,
      log: { debug: write, info: write, warn: write },
    });

    await handle(orderPlaced());

    expect(lines).toEqual([['notification sent', { orderId: 'o-1', notificationId: 'o-1:ORDER_RECEIVED' }]]);
  });
});

describe('the email key is the order, never the time of the event that asks', () => {
  it('two copies of an OrderConfirmed with different times but the same placedAt send one email', async () => {
    const { mailer, handle, store } = setup();
    await handle(orderConfirmed({ time: '2026-11-25T09:05:00.000Z', placedAt: T0 }));
    await handle(orderConfirmed({ time: '2026-11-25T09:07:30.000Z', placedAt: T0 }));
    expect(mailer.sent).toHaveLength(1);
    expect([...store.records.keys()]).toEqual([`o-1:ORDER_CONFIRMED|${T0}`]);
  });

  it("finds an email's record keyed on the event's time (written before placedAt existed): a copy with placedAt sends nothing more", async () => {
    const { mailer, handle, store } = setup();
    await handle(orderConfirmed({ time: '2026-11-25T09:05:00.000Z' }));
    await handle(orderConfirmed({ time: '2026-11-25T09:05:00.000Z', placedAt: T0 }));
    expect(mailer.sent).toHaveLength(1);
    expect([...store.records.keys()]).toEqual(['o-1:ORDER_CONFIRMED|2026-11-25T09:05:00.000Z']);
  });

  it('keys a final event of an older producer (no placedAt) on its own time', async () => {
    const { store, handle } = setup();
    await handle(orderCancelled({ time: '2026-11-25T09:05:00.000Z' }));
    expect([...store.records.keys()]).toEqual(['o-1:ORDER_CANCELLED|2026-11-25T09:05:00.000Z']);
  });
});
