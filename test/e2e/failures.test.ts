// Failures end to end on the local stack: poison messages are contained in order-processing-dlq and
// the DLQ tool (local/ops/dlq/) lists and redrives them; a worker killed mid-batch and a handler past
// its timeout lose nothing and repeat no effect; the pipeline survives 20% of its AWS calls failing.
//
// How the tests make things fail without test code in the functions:
// - poison: events published straight to the topic that fail their schema;
// - a fixable failure: an SES outage (the fault proxy answers 503 to every send), then its end;
// - a permanent refusal: the fault proxy answers SES's MessageRejected;
// - crash / timeout: the test SIGSTOPs the workers of a function (found among this process's
//   children with ps) so the batch they are handed hangs, then SIGKILLs them (crash), or leaves
//   the runtime to kill them at the function timeout (timeout);
// - transient faults: the fault proxy between the functions and the emulator.
// Queue visibility timeouts are shortened for this file (and restored after) so redeliveries come
// in seconds rather than the deployed 60 s.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { promisify } from 'node:util';
import { PublishCommand } from '@aws-sdk/client-sns';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { claimTimeoutFor } from '../../functions/notification/notifications.js';
import { createEvent, eventIdFor } from '../../functions/shared/events.js';
import { listDlq, receiveAll, type DlqEntry } from '../../local/ops/dlq/messages.js';
import { discover } from '../../local/ops/dlq/topology.js';
import { isAlive } from '../../local/stack/up-pid.js';
import { faultStats, resetFaults, setFaults } from './support/faults.js';
import { eventually, named, pollsRestarted, queueNameOf, stack } from './support/stack.js';
import {
  billingOf,
  deservedStates,
  effectsOf,
  emailsSentFor,
  finalOrder,
  getOrderResponse,
  notificationsOf,
  notificationStates,
  orderRequest,
  type OrderView,
  pipelineIsQuiet,
  postOrder,
  publishEvent,
  quiet,
  reservationOf,
  sentNotifications,
  sns,
  sqs,
  stockOf,
  storedOrder,
  stockProduct,
  uniqueId,
} from './support/orders.js';

const run = promisify(execFile);
const awsConfig = () => ({
  endpoint: stack().endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
const queueUrl = (name: string): string => {
  const url = stack().outputs.queue_urls[name];
  if (url === undefined) throw new Error(`no queue ${name} in the stack outputs`);
  return url;
};

/** POST /orders, retried with the same Idempotency-Key until accepted, as a client facing a flaky API should. */
function placeOrder(items: { productId: string; quantity: number }[], paymentToken = 'tok_visa'): Promise<OrderView> {
  const request = orderRequest(items, paymentToken);
  const key = randomUUID();
  return eventually(
    async () => {
      const response = await postOrder(request, key);
      if (response.status === 202) return response.body;
      // 409 "request in progress" says: retry shortly with the same key.
      if (response.status === 409 && JSON.stringify(response.body).includes('request-in-progress')) return undefined;
      if (response.status < 500)
        throw new Error(`POST /orders answered ${response.status}: ${JSON.stringify(response.body)}`);
      return undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250, what: 'POST /orders to be accepted' },
  );
}

// ── queues, the DLQ and its tool ──────────────────────────────────────────────────────────────

/** Sets queues' visibility timeouts for one test; returns a function that restores them. */
async function withVisibility(seconds: Record<string, number>): Promise<() => Promise<void>> {
  const before = await Promise.all(
    Object.keys(seconds).map(async (name) => {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl(name), AttributeNames: ['VisibilityTimeout'] }),
      );
      return [name, Attributes] as const;
    }),
  );
  const apply = (values: (readonly [string, Record<string, string>])[]) =>
    Promise.all(
      values.map(([name, attributes]) =>
        sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl(name), Attributes: attributes })),
      ),
    );
  await apply(before.map(([name, attributes]) => [name, { ...attributes, VisibilityTimeout: String(seconds[name]) }]));
  return async () => {
    await apply(before);
  };
}

async function topology() {
  const config = awsConfig();
  return discover(new SQSClient(config), new SNSClient(config), queueNameOf(stack().outputs.dlq_url));
}

/** What the DLQ holds for these orders (listing in process: cheap enough to poll). */
async function dlqOf(orderIds: readonly string[]): Promise<DlqEntry[]> {
  const entries = await listDlq(sqs, await topology(), { visibilityTimeout: 10 });
  return entries.filter((e) => e.orderId !== undefined && orderIds.includes(e.orderId));
}

/** Deletes this test's messages from the DLQ (others' are left, visible again at once). */
async function removeFromDlq(orderIds: readonly string[]): Promise<void> {
  const found = await topology();
  const { dlqUrl } = found;
  const entries = (await listDlq(sqs, found, { visibilityTimeout: 10 })).filter(
    (e) => e.orderId !== undefined && orderIds.includes(e.orderId),
  );
  if (entries.length === 0) return;
  // A fresh receive: listing released its receipt handles.
  const messages = await receiveAll(sqs, dlqUrl, { visibilityTimeout: 10 });
  const mine = messages.filter((m) => entries.some((e) => e.messageId === m.MessageId));
  for (let i = 0; i < mine.length; i += 10) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: mine.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

/** The operator's tool, as `make dlq` / `make dlq-redrive` run it. */
async function dlqTool(...args: string[]): Promise<string> {
  // --state: the stack's DLQ, whose name carries its prefix, as make up's state gives it to make dlq.
  const state = join(stack().stateDir, 'terraform.tfstate');
  const { stdout } = await run(
    'npx',
    ['tsx', 'local/ops/dlq/cli.ts', ...args, '--endpoint', stack().endpoint, '--state', state],
    {
      env: { ...process.env, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
    },
  );
  return stdout;
}

interface ListedRow {
  messageId: string;
  orderId?: string;
  eventId?: string;
  eventType?: string;
  receiveCount?: number;
  reason: string;
  source: string;
  sourceQueues: string[];
  sourceKind: string;
}

// ── the runtime's workers ─────────────────────────────────────────────────────────────────────

/** PIDs of a function's worker processes: this process's children running its extracted code. */
async function workerPids(functionName: string): Promise<number[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,ppid=,args=']);
  const parents = new Set([process.pid, process.ppid]);
  return stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .filter(
      (m) =>
        parents.has(Number(m[2])) &&
        (m[3] ?? '').includes('worker-bootstrap') &&
        (m[3] ?? '').includes(`order-fanout-${functionName}-`),
    )
    .map((m) => Number(m[1]));
}

/** Messages of a queue received and not yet deleted (in flight in a worker). */
async function inFlight(name: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl(name),
      AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

// ── the tests ────────────────────────────────────────────────────────────────────────────────

/** The notification function's claim timeout, as deployed (its timeout plus the clock margin: 12 s for 10 s). */
const CLAIM_TIMEOUT_MS = claimTimeoutFor(10);

/** Visibility timeouts for this file: inventory's above the 10 s function timeout, with 2 s for the
 * runtime to kill the timed-out worker (the timeout test), and billing's and order-status's the
 * same: the poison test's valid orders must be final within the shortest, on a loaded machine too;
 * notification's above its claim timeout, as deployed (60 s): a redelivery finds a claim whose send
 * failed already stale, so of two copies racing for it one takes it over and the other still has a
 * receive left to find the outcome. */
const VISIBILITY = {
  'inventory-queue': 12,
  'billing-queue': 12,
  'order-status-queue': 12,
  'notification-queue': Math.ceil(CLAIM_TIMEOUT_MS / 1000) + 1,
};
let restoreVisibility: () => Promise<void> = async () => {};

beforeAll(async () => {
  restoreVisibility = await withVisibility(VISIBILITY);
  // A message caught by a long poll that began before the change would stay hidden 60 s.
  await pollsRestarted();
}, 60_000);

afterAll(async () => {
  await restoreVisibility();
  // A file after this one on the same stack (contention.test.ts, say) relies on the deployed timeouts.
  await pollsRestarted();
});

describe('poison messages', () => {
  const poisonOrders: string[] = [];
  afterAll(async () => {
    await removeFromDlq(poisonOrders);
  });

  it('end in order-processing-dlq after maxReceiveCount receives, without holding up valid orders; `dlq list` shows where they came from', async () => {
    // The shortest redelivery delay of the queues involved: a valid order held up by the poison would take longer.
    const visibility = Math.min(...Object.values(VISIBILITY));
    const product = await stockProduct(10);

    // An OrderPlaced with a broken body (three queues receive it) and a PaymentCaptured with a
    // negative amount (only order-status-queue does), published next to three valid orders.
    const badOrder = uniqueId('o-poison');
    const badCapture = uniqueId('o-poison');
    poisonOrders.push(badOrder, badCapture);
    const time = new Date().toISOString();
    const poison = [
      {
        type: 'OrderPlaced',
        body: {
          version: 1,
          id: `${badOrder}:OrderPlaced`,
          type: 'OrderPlaced',
          time,
          orderId: badOrder,
          data: {
            customerId: 'c-1',
            email: 'not-an-email',
            items: [],
            totalAmount: 0,
            currency: 'JPY',
            paymentToken: 'tok_visa',
          },
        },
      },
      {
        type: 'PaymentCaptured',
        body: {
          version: 1,
          id: `${badCapture}:PaymentCaptured`,
          type: 'PaymentCaptured',
          time,
          orderId: badCapture,
          data: { billingId: badCapture, amount: -5, currency: 'JPY' },
        },
      },
    ];
    let started = Date.now();
    const [valid] = await Promise.all([
      Promise.all([1, 2, 3].map(() => placeOrder([{ productId: product, quantity: 1 }]))),
      ...poison.map((p) =>
        sns.send(
          new PublishCommand({
            TopicArn: stack().outputs.topic_arn,
            Message: JSON.stringify(p.body),
            MessageAttributes: { eventType: { DataType: 'String', StringValue: p.type } },
          }),
        ),
      ),
    ]);

    // The valid orders complete before a single redelivery could have happened: nothing waited on the poison.
    started = Date.now();
    const orders = await Promise.all(valid.map((o) => finalOrder(o.orderId)));
    expect(orders.map((o) => o.status)).toEqual(['CONFIRMED', 'CONFIRMED', 'CONFIRMED']);
    expect(Date.now() - started).toBeLessThan(visibility * 1000);
    expect(await stockOf(product)).toBe(7);

    // One copy per queue that received each poison message, each after maxReceiveCount (3) receives.
    const contained = await eventually(
      async () => {
        const entries = await dlqOf(poisonOrders);
        return entries.length === 4 ? entries : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000, what: 'the poison messages to reach the DLQ' },
    );
    expect(contained.every((e) => (e.receiveCount ?? 0) > 3)).toBe(true);

    // The operator's view, through the CLI.
    const rows = (JSON.parse(await dlqTool('list', '--json')) as ListedRow[]).filter(
      (r) => r.orderId !== undefined && poisonOrders.includes(r.orderId),
    );
    const placed = rows.filter((r) => r.orderId === badOrder);
    expect(placed).toHaveLength(3);
    for (const row of placed) {
      expect(row).toMatchObject({
        eventType: 'OrderPlaced',
        eventId: `${badOrder}:OrderPlaced`,
        sourceKind: 'ambiguous',
      });
      expect(row.sourceQueues).toEqual(['billing-queue', 'inventory-queue', 'notification-queue'].map(named));
      expect(row.reason).toMatch(/not a valid order event/);
    }
    expect(rows.filter((r) => r.orderId === badCapture)).toEqual([
      expect.objectContaining({
        eventType: 'PaymentCaptured',
        sourceKind: 'inferred',
        sourceQueues: [named('order-status-queue')],
        source: `${named('order-status-queue')} (by eventType)`,
        reason: expect.stringMatching(/amount/),
      }),
    ]);
    const text = await dlqTool('list');
    expect(text).toContain(`orderId=${badCapture}`);
  }, 180_000);
});

describe('redrive after a fix', () => {
  afterAll(async () => {
    await resetFaults();
  });

  it('emails that failed while SES was down reach the DLQ; once it is back, `dlq redrive` delivers them, each once', async () => {
    const product = await stockProduct(5, 1000);
    // An outage: SES answers 503 to every send (transient: retried, then contained in the DLQ).
    await setFaults([{ action: 'SESv2.SendEmail', rate: 1, fault: '503', function: named('notification') }]);

    const placed = await placeOrder([{ productId: product, quantity: 2 }]);
    const order = await finalOrder(placed.orderId);
    expect(order.status).toBe('CONFIRMED');

    // OrderPlaced (received → ORDER_RECEIVED) and OrderConfirmed (→ ORDER_CONFIRMED) both fail three
    // times (with every copy delivered: an event may be delivered more than once), then nothing moves.
    const failed = await eventually(
      async () => {
        const entries = await dlqOf([placed.orderId]);
        return new Set(entries.map((e) => e.eventType)).size === 2 && (await pipelineIsQuiet())
          ? await dlqOf([placed.orderId])
          : undefined;
      },
      { timeoutMs: 240_000, intervalMs: 1000, what: 'the failed notifications to reach the DLQ' },
    );
    expect([...new Set(failed.map((e) => e.eventType))].sort()).toEqual(['OrderConfirmed', 'OrderPlaced']);
    expect(failed.every((e) => e.reason.includes('handler failed'))).toBe(true);
    expect((await notificationsOf(placed.orderId)).every((n) => n.status === 'PENDING')).toBe(true);

    // The fix (SES is back), then the redrive.
    await resetFaults();
    const out = await dlqTool('redrive', '--order', placed.orderId);
    expect(out).toMatch(new RegExp(`redrive: ${failed.length} moved, 0 left`));

    const { notifications, billing, reservation } = await effectsOf({ orderId: placed.orderId, status: 'CONFIRMED' });
    // Each email once; the OrderPlaced copy that also went back to inventory and billing changed nothing there.
    expect(notifications.map((n) => `${String(n.kind)}:${String(n.status)}`).sort()).toEqual([
      'ORDER_CONFIRMED:SENT',
      'ORDER_RECEIVED:SENT',
    ]);
    expect(billing).toEqual([expect.objectContaining({ status: 'CAPTURED', amount: 2000 })]);
    expect(reservation).toMatchObject({ status: 'RESERVED' });
    expect(await stockOf(product)).toBe(3);
    expect((await finalOrder(placed.orderId)).status).toBe('CONFIRMED');
    expect(await dlqOf([placed.orderId])).toEqual([]);
  }, 360_000);
});

describe('permanent refusals', () => {
  afterAll(async () => {
    await resetFaults();
  });

  // Guards caught: the classification of SES's MessageRejected as permanent (shared/failures.ts) and
  // the FAILED outcome (notifications.ts). Without them the refusal is retried like an outage and
  // both messages end in the DLQ (the test before this one shows that path for a real outage).
  it('an email SES refuses for good is recorded FAILED with its reason, shown by GET, and acknowledged: nothing reaches the DLQ', async () => {
    const product = await stockProduct(5);
    await setFaults([{ action: 'SESv2.SendEmail', rate: 1, fault: 'rejected', function: named('notification') }]);

    const placed = await placeOrder([{ productId: product, quantity: 1 }]);
    expect((await finalOrder(placed.orderId)).status).toBe('CONFIRMED');
    const failed = await eventually(
      async () => {
        const items = await notificationsOf(placed.orderId);
        return items.length === 2 && items.every((n) => n.status === 'FAILED') ? items : undefined;
      },
      { timeoutMs: 60_000, what: 'both notifications to be recorded FAILED' },
    );
    for (const n of failed) expect(n.reason).toMatch(/^MessageRejected: Email address is not verified/);

    const view = await eventually(
      async () => {
        const { body } = await getOrderResponse<OrderView & { notificationFailure?: { kind: string; reason: string } }>(
          placed.orderId,
        );
        return body.services.notification === 'FAILED' ? body : undefined;
      },
      { timeoutMs: 30_000, what: 'GET to show the failed notification' },
    );
    expect(view.notificationFailure).toEqual({
      kind: expect.stringMatching(/^ORDER_(RECEIVED|CONFIRMED)$/),
      reason: expect.stringMatching(/^MessageRejected/),
    });
    expect(view.status).toBe('CONFIRMED');

    // Acknowledged while SES still refuses: every queue empties (a retried record would stay in flight).
    await quiet(60_000);
    expect(await dlqOf([placed.orderId])).toEqual([]);

    // The cause fixed, the operator's command re-sends both through notification's own path (the
    // topic admits only the functions): each email once, both SENT.
    await resetFaults();
    const { stdout } = await run(
      'npx',
      [
        'tsx',
        'local/ops/notifications/cli.ts',
        'resend',
        '--order',
        placed.orderId,
        '--prefix',
        stack().outputs.name_prefix,
        '--endpoint',
        stack().endpoint,
      ],
      { env: { ...process.env, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' } },
    );
    expect(stdout).toContain('resend: 2 resent, 0 left');
    const { notifications } = await effectsOf({ orderId: placed.orderId, status: 'CONFIRMED' });
    expect(notificationStates(notifications)).toEqual(['ORDER_CONFIRMED:SENT', 'ORDER_RECEIVED:SENT']);
    expect(await emailsSentFor([placed.orderId])).toBe(2);
  }, 180_000);
});

describe('account-wide refusals wait', () => {
  afterAll(async () => {
    await resetFaults();
  });

  // Guard caught: SES refusals that concern the account (shared/failures.ts: sending paused, the
  // account suspended, the sender not verified, the quotas) are transient. Without it each email is
  // refused once, recorded FAILED and never sent: the refusals stop at one per email and the hold
  // below never ends.
  it('SES answering "sending paused" holds every email, none FAILED; once sending resumes each is sent once', async () => {
    const product = await stockProduct(5);
    await setFaults([{ action: 'SESv2.SendEmail', rate: 1, fault: 'ses-paused', function: named('notification') }]);
    const placed = await Promise.all([
      placeOrder([{ productId: product, quantity: 1 }]),
      placeOrder([{ productId: product, quantity: 1 }], 'tok_chargeDeclined'),
    ]);
    const ids = placed.map((o) => o.orderId);
    const orders = await Promise.all(ids.map((id) => finalOrder(id)));
    expect(orders.map((o) => o.status)).toEqual(['CONFIRMED', 'CANCELLED']);

    // Held until SES has refused more sends than there are emails (4): some were retried, none decided.
    await eventually(async () => ((await faultStats()).injected['SESv2.SendEmail'] ?? 0) >= 2 * 4 || undefined, {
      timeoutMs: 120_000,
      intervalMs: 500,
      what: 'SES to refuse each email about twice',
    });
    const held = (await Promise.all(ids.map(notificationsOf))).flat();
    expect(held.filter((n) => n.status !== 'PENDING')).toEqual([]);

    await resetFaults(); // sending resumes
    for (const order of orders) {
      const { notifications } = await effectsOf(order, 120_000);
      expect(notificationStates(notifications)).toEqual(deservedStates(order));
    }
    expect(await emailsSentFor(ids)).toBe(4);
    expect(await dlqOf(ids)).toEqual([]);
  }, 300_000);
});

describe('notification takeover', () => {
  afterAll(async () => {
    await resetFaults();
  });

  // Guard caught: the conditional takeover of a stale claim (on its old claimId). Without it every
  // delivery that finds the claim stale sends: the duplicates below, handled in one batch, sent one
  // email each.
  it('duplicates of an OrderConfirmed whose first send SES throttled find its claim stale: exactly one email is sent', async () => {
    await quiet();
    // The first send of each of the order's two emails is throttled through all the SDK's attempts (3).
    await setFaults([
      { action: 'SESv2.SendEmail', rate: 1, fault: 'throttle', function: named('notification'), times: 6 },
    ]);
    const product = await stockProduct(5);
    const placed = await placeOrder([{ productId: product, quantity: 1 }]);
    expect((await finalOrder(placed.orderId)).status).toBe('CONFIRMED');

    // The ORDER_CONFIRMED claim, left PENDING by the throttled send, once it is older than the claim timeout.
    const claim = await eventually(
      async () => {
        const items = await notificationsOf(placed.orderId);
        const confirmed = items.find((n) => n.kind === 'ORDER_CONFIRMED' && n.status === 'PENDING');
        return (await faultStats()).injected['SESv2.SendEmail'] === 6 ? confirmed : undefined;
      },
      { timeoutMs: 60_000, what: 'the throttled ORDER_CONFIRMED claim' },
    );
    await eventually(
      async () => (Date.now() - Date.parse(String(claim.claimedAt)) > CLAIM_TIMEOUT_MS + 500 ? true : undefined),
      {
        timeoutMs: CLAIM_TIMEOUT_MS + 15_000,
        what: 'the claim to go stale',
      },
    );
    // (The original's redelivery, one visibility timeout after its receive, competes for the claim too.)

    // Three copies of the identical OrderConfirmed at once (order-status republishes exactly this event).
    const stored = (await storedOrder(placed.orderId)) as unknown as Record<string, unknown>;
    const confirmed = createEvent('OrderConfirmed', {
      id: eventIdFor('OrderConfirmed', placed.orderId),
      orderId: placed.orderId,
      time: String(stored.finalizedAt),
      data: {
        customerId: String(stored.customerId),
        email: String(stored.email),
        totalAmount: Number(stored.totalAmount),
        currency: String(stored.currency),
        placedAt: String(stored.createdAt),
      },
    });
    await Promise.all([1, 2, 3].map(() => publishEvent(confirmed)));

    await sentNotifications(placed.orderId, ['ORDER_RECEIVED', 'ORDER_CONFIRMED'], 120_000);
    await quiet();
    expect(await emailsSentFor([placed.orderId])).toBe(2); // one per kind, however many deliveries
    expect((await notificationsOf(placed.orderId)).map((n) => `${String(n.kind)}:${String(n.status)}`).sort()).toEqual([
      'ORDER_CONFIRMED:SENT',
      'ORDER_RECEIVED:SENT',
    ]);
    expect(await dlqOf([placed.orderId])).toEqual([]);
  }, 240_000);
});

describe('crashes and timeouts', () => {
  const stopped: number[] = [];
  afterEach(() => {
    // Never leave a worker stopped, whatever happened.
    for (const pid of stopped.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  });

  /** Stops every inventory worker, places an order, and waits until its OrderPlaced is in flight in one of them. */
  async function hangInventory() {
    const pids = await workerPids(named('inventory'));
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGSTOP');
    stopped.push(...pids);
    const product = await stockProduct(4);
    const placed = await placeOrder([{ productId: product, quantity: 3 }]);
    await eventually(async () => ((await inFlight('inventory-queue')) > 0 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the OrderPlaced batch to be handed to a stopped worker',
    });
    return { pids, product, placed };
  }

  async function expectProcessedOnce(orderId: string, product: string) {
    const order = await finalOrder(orderId, 90_000);
    expect(order.status).toBe('CONFIRMED');
    expect(order.services.inventory).toBe('RESERVED');
    expect(await stockOf(product)).toBe(1); // 4 - 3, once
    expect(await reservationOf(orderId)).toMatchObject({ status: 'RESERVED' });
    expect(await billingOf(orderId)).toEqual([expect.objectContaining({ status: 'CAPTURED' })]);
    expect(await dlqOf([orderId])).toEqual([]);
  }

  it('a worker killed with SIGKILL mid-batch: the batch comes back after the visibility timeout and is processed once', async () => {
    const { pids, product, placed } = await hangInventory();
    expect((await getOrderResponse(placed.orderId)).body.status).toBe('PLACED');

    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();

    await expectProcessedOnce(placed.orderId, product);
    // Not before the message was visible again: nothing was deleted for the crashed batch.
    expect(Date.now() - killedAt).toBeGreaterThan(2_000);
  });

  it('a handler past its timeout: the runtime kills the worker, the batch comes back and is processed once', async () => {
    // The function timeout is 10 s; inventory-queue's visibility (12 s) is longer, or the message would be handed out twice.
    const { pids, product, placed } = await hangInventory();
    const hungAt = Date.now();

    // Nobody but the runtime kills the hung worker, at the function timeout.
    await eventually(async () => (pids.every((pid) => !isAlive(pid)) ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the runtime to kill the timed-out worker',
    });
    expect(Date.now() - hungAt).toBeGreaterThan(8_000);
    expect((await getOrderResponse(placed.orderId)).body.status).toBe('PLACED');

    await expectProcessedOnce(placed.orderId, product);
  });
});

describe('transient faults', () => {
  afterAll(async () => {
    await resetFaults();
  });

  it('with 20% of the functions’ AWS calls failing, every order reaches its correct final state with no duplicate effect and nothing in the DLQ', async () => {
    const plenty = await stockProduct(100, 700);
    const scarce = await stockProduct(2, 900);

    // 20% of every service's calls: throttling and 5xx everywhere; lost responses (the effect
    // happened, the caller saw 500) on DynamoDB and SNS. Not on SES: it takes no idempotency token,
    // so a lost response there is a second email by design (see functions/notification).
    await setFaults(
      [
        { action: 'DynamoDB.*', rate: 0.06, fault: 'after' },
        { action: 'SNS.*', rate: 0.06, fault: 'after' },
        { action: 'SESv2.*', rate: 0.06, fault: '503' },
        { action: '*', rate: 0.08 / 0.94, fault: 'throttle' },
        { action: '*', rate: 0.06 / 0.86, fault: '500' },
      ],
      4242,
    );

    // 20 orders: 14 confirmed, 3 declined, 3 out of stock (5 units of 2 asked for).
    const plan = [
      ...Array.from({ length: 14 }, () => ({
        items: [{ productId: plenty, quantity: 2 }],
        token: 'tok_visa',
        expect: 'CONFIRMED',
      })),
      ...Array.from({ length: 3 }, () => ({
        items: [{ productId: plenty, quantity: 1 }],
        token: 'tok_chargeDeclined',
        expect: 'CANCELLED',
      })),
      ...Array.from({ length: 3 }, () => ({
        items: [{ productId: scarce, quantity: 5 }],
        token: 'tok_visa',
        expect: 'CANCELLED',
      })),
    ];
    const placed = await Promise.all(plan.map((p) => placeOrder(p.items, p.token)));
    const orders = await Promise.all(placed.map((o) => finalOrder(o.orderId, 180_000)));

    expect(orders.map((o) => o.status)).toEqual(plan.map((p) => p.expect));
    for (const o of orders.slice(14, 17)) expect(o.reason).toMatch(/declined/i);
    for (const o of orders.slice(17)) expect(o.reason).toMatch(/out of stock/i);

    // Effects, once each: stock (declined orders' reservations released), one billing record and one
    // reservation per order, one notification per order and kind.
    for (const [i, order] of orders.entries()) {
      const { notifications, billing, reservation } = await effectsOf(order, 120_000);
      expect(notificationStates(notifications)).toEqual(deservedStates(order));
      const [payment, stock] =
        plan[i]?.expect === 'CONFIRMED'
          ? ['CAPTURED', 'RESERVED']
          : i < 17
            ? ['DECLINED', 'RELEASED']
            : ['VOIDED|REFUNDED', 'REJECTED'];
      expect(billing).toEqual([
        expect.objectContaining({ status: expect.stringMatching(new RegExp(`^(${payment})$`)) }),
      ]);
      expect(reservation).toMatchObject({ status: stock });
    }
    await eventually(async () => ((await stockOf(plenty)) === 100 - 14 * 2 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'declined orders to give their stock back',
    });
    expect(await stockOf(scarce)).toBe(2);

    // The faults really happened, to every service.
    const stats = await faultStats();
    const injected = Object.values(stats.injected).reduce((a, b) => a + b, 0);
    const calls = Object.values(stats.calls).reduce((a, b) => a + b, 0);
    expect(injected / calls).toBeGreaterThan(0.1);
    for (const fn of ['order-api', 'inventory', 'billing', 'notification', 'order-status'])
      expect(Object.keys(stats.byFunction[named(fn)] ?? {}).length).toBeGreaterThan(0);

    await resetFaults();
    expect(await dlqOf(orders.map((o) => o.orderId))).toEqual([]);
  }, 420_000);
});

describe('IAM, enforced on the local stack', () => {
  /** inventory's role and the statement of its role policy that grants its stock table. */
  async function inventoryRole() {
    const config = awsConfig();
    const name = stack().outputs.function_names.find((n) => n === 'inventory' || n.endsWith('-inventory'));
    const { Role } = await new LambdaClient(config).send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (Role === undefined) throw new Error(`function ${String(name)} has no role`);
    const roleName = Role.split('/').pop() ?? Role;
    const iam = new IAMClient(config);
    const [policyName] = (await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? [];
    const { PolicyDocument = '' } = await iam.send(
      new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }),
    );
    const document = JSON.parse(
      PolicyDocument.startsWith('{') ? PolicyDocument : decodeURIComponent(PolicyDocument),
    ) as {
      Statement: { Resource?: string | string[] }[];
    };
    const tableArn = `:table/${stack().outputs.table_names.inventory ?? 'inventory'}`;
    const grantsTable = (statement: { Resource?: string | string[] }) =>
      [statement.Resource ?? []].flat().some((resource) => resource.endsWith(tableArn));
    const put = (statements: typeof document.Statement) =>
      iam.send(
        new PutRolePolicyCommand({
          RoleName: roleName,
          PolicyName: policyName,
          PolicyDocument: JSON.stringify({ ...document, Statement: statements }),
        }),
      );
    /** Resolves once the gate holds the role's policy with (or without) the table's statement: IAM propagates, it is not instant. */
    const gateSees = (granted: boolean) =>
      eventually(
        async () => {
          const response = await fetch(
            `${stack().faultProxyUrl}/_fault-proxy/iam/role?arn=${encodeURIComponent(Role)}`,
          );
          const statements = (await response.json()) as { Resource?: string | string[] }[];
          return statements.some(grantsTable) === granted ? true : undefined;
        },
        { what: `the IAM gate to read ${roleName} ${granted ? 'with' : 'without'} its table statement` },
      );
    return { Role, document, grantsTable, put, gateSees };
  }

  it("a statement taken out of a function's role fails its call with AWS's error; the record is retried, then dead-lettered, and completes once the grant is back", async () => {
    const role = await inventoryRole();
    const product = await stockProduct(4, 800);
    const tableArn = `arn:aws:dynamodb:us-east-1:000000000000:table/${stack().outputs.table_names.inventory ?? ''}`;
    // Said to the gate, so the least-privilege check (tools/least-privilege.ts) does not count these denials as a defect.
    await fetch(`${stack().faultProxyUrl}/_fault-proxy/iam/expected-denial`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: role.Role, action: 'dynamodb:UpdateItem', resource: tableArn }),
    });
    await role.put(role.document.Statement.filter((statement) => !role.grantsTable(statement)));
    let placed: OrderView;
    try {
      await role.gateSees(false);
      placed = await placeOrder([{ productId: product, quantity: 1 }]);
      // inventory's transaction is refused on every receive; after maxReceiveCount the message is contained.
      const entries = await eventually(
        async () => {
          const found = (await dlqOf([placed.orderId])).filter((e) => e.eventType === 'OrderPlaced');
          return found.some((e) => JSON.stringify(e.source).includes('inventory-queue')) ? found : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 1000, what: "inventory's OrderPlaced to reach the DLQ" },
      );
      expect(entries.length).toBeGreaterThan(0);
      expect(await stockOf(product)).toBe(4);
      // What the function saw was AWS's own refusal, word for word.
      const log = await readFile(join(stack().stateDir, 'stack.log'), 'utf8');
      expect(log).toContain('"name":"AccessDeniedException"');
      expect(log).toContain(
        `is not authorized to perform: dynamodb:UpdateItem on resource: ${tableArn} because no identity-based policy allows the dynamodb:UpdateItem action`,
      );
      expect((await faultStats()).denied['DynamoDB.TransactWriteItems']).toBeGreaterThanOrEqual(3);
    } finally {
      await role.put(role.document.Statement);
    }
    await role.gateSees(true);
    await dlqTool('redrive', '--order', placed.orderId);
    expect((await finalOrder(placed.orderId)).status).toBe('CONFIRMED');
    expect(await stockOf(product)).toBe(3);
    const next = await placeOrder([{ productId: product, quantity: 1 }]);
    expect((await finalOrder(next.orderId)).status).toBe('CONFIRMED');
    expect(await stockOf(product)).toBe(2);
  });
});
