// The outbox blocks, it never drops (issue 21): order-publisher's stream mapping retries a failing
// batch until it succeeds, and the function itself sets aside what can never be published.
//
// How the tests stage it, with no timing they do not control:
// - an SNS outage: the fault proxy refuses every publish order-publisher makes, and the test holds
//   the outage until the proxy has refused more publishes than 21 invocations can make (the old
//   budget: 20 retries after the first), then ends it;
// - a record that is not an order: an item written straight to the orders table.
// The runtime's pause between stream retries is 250 ms at most here (global-setup), 5 s under make up.
import { DeleteMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { listDlq, receiveAll } from '../../local/ops/dlq/messages.js';
import { discover } from '../../local/ops/dlq/topology.js';
import { faultStats, resetFaults, setFaults } from './support/faults.js';
import { eventually, named, queueNameOf, stack } from './support/stack.js';
import {
  db,
  expectCapturedOrDeclined,
  finalOrder,
  finalOrders,
  orderRequest,
  placeOrder,
  quiet,
  stockOf,
  stockProduct,
  storedOrder,
  tables,
  uniqueId,
} from './support/orders.js';

const awsConfig = () => ({
  endpoint: stack().endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

/** What an invocation can refuse at most: each record of its batch, the SDK's 3 attempts each. */
const SDK_ATTEMPTS = 3;
/** The budget order-publisher's mapping had before issue 21: 20 retries after the first invocation. */
const OLD_INVOCATIONS = 1 + 20;

afterEach(async () => {
  await resetFaults();
});

it('SNS refusing every publish for longer than the old retry budget: every stored order waits, then becomes final, each effect once', async () => {
  const product = await stockProduct(10, 700);
  await setFaults([{ action: 'SNS.Publish', function: named('order-publisher'), rate: 1, fault: '500' }]);
  const plan = [
    { token: 'tok_visa', status: 'CONFIRMED' },
    { token: 'tok_chargeDeclined', status: 'CANCELLED' },
  ];
  const placed = [];
  for (const p of plan) placed.push(await placeOrder(orderRequest([{ productId: product, quantity: 1 }], p.token)));
  const ids = placed.map((o) => o.orderId);

  // Held until more publishes were refused than 21 invocations of a batch of these orders can make
  // (a batch holds at most these orders, each tried at most SDK_ATTEMPTS times per invocation).
  const enough = SDK_ATTEMPTS * plan.length * OLD_INVOCATIONS + 1;
  await eventually(async () => ((await faultStats()).injected['SNS.Publish'] ?? 0) >= enough || undefined, {
    timeoutMs: 180_000,
    intervalMs: 500,
    what: `${enough} refused publishes`,
  });
  // Still stored and waiting, nothing given up on: no on-failure record of the stream in the DLQ.
  for (const id of ids) expect((await storedOrder(id))?.status).toBe('PLACED');
  const config = awsConfig();
  const topology = await discover(new SQSClient(config), new SNSClient(config), queueNameOf(stack().outputs.dlq_url));
  const described = await listDlq(new SQSClient(config), topology, { visibilityTimeout: 5 });
  expect(described.filter((e) => e.streamFailure !== undefined)).toEqual([]);

  await resetFaults(); // SNS recovers
  const orders = await finalOrders(ids, 120_000);
  expect(orders.map((o) => o.status)).toEqual(plan.map((p) => p.status));
  await quiet();
  await expectCapturedOrDeclined(orders, 2);
  expect(await stockOf(product)).toBe(10 - 1);
}, 420_000);

it('sets aside a stored item that is not an order, with the reason, and announces the orders after it', async () => {
  const junkId = uniqueId('not-an-order');
  const createdAt = new Date().toISOString();
  await db.send(new PutCommand({ TableName: tables().orders, Item: { orderId: junkId, createdAt, note: 'no order' } }));
  const product = await stockProduct(5);
  const after = await placeOrder(orderRequest([{ productId: product, quantity: 1 }]));

  // The order written after it is announced: the item does not hold the shard.
  expect((await finalOrder(after.orderId)).status).toBe('CONFIRMED');

  const config = awsConfig();
  const sqs = new SQSClient(config);
  const topology = await discover(sqs, new SNSClient(config), queueNameOf(stack().outputs.dlq_url));
  const [entry] = await eventually(
    async () => {
      const found = (await listDlq(sqs, topology, { visibilityTimeout: 5 })).filter((e) => e.orderId === junkId);
      return found.length > 0 ? found : undefined;
    },
    { what: `the set-aside record of ${junkId} in the DLQ` },
  );
  expect(entry?.reason).toMatch(/^order-publisher set aside stream record \d+: the inserted item is not an order: /);

  // Leave the DLQ and the table as the other files expect them.
  const mine = (await receiveAll(sqs, topology.dlqUrl, { visibilityTimeout: 10 })).filter(
    (m) => m.MessageId === entry?.messageId,
  );
  if (mine.length > 0)
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: topology.dlqUrl,
        Entries: mine.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  await db.send(new DeleteCommand({ TableName: tables().orders, Key: { orderId: junkId, createdAt } }));
}, 180_000);
