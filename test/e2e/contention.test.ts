// Contention as real DynamoDB answers it. The emulator serialises every write, so two transactions
// on one hot product never conflict locally; the fault proxy cancels 30 % of all TransactWriteItems
// with a TransactionConflict reason, as DynamoDB does. The queues keep their deployed 60 s visibility
// timeout: a record left to SQS's retry would take longer than the whole test may.
//
// Guards caught: the in-process retry of a conflicted transaction (shared/dynamo-transactions.ts).
// Without it, reservations and releases fail, come back only after 60 s, and some reach the DLQ
// after maxReceiveCount while their orders stay PLACED; and order-api's keyed create, whose
// conflicts answer 409 "in progress" (the client retries with its key), never a 5xx.
import { randomUUID } from 'node:crypto';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { listDlq } from '../../local/ops/dlq/messages.js';
import { discover } from '../../local/ops/dlq/topology.js';
import { faultStats, resetFaults, setFaults } from './support/faults.js';
import { eventually, queueNameOf, stack } from './support/stack.js';
import { finalOrders, orderRequest, postOrder, stockOf, stockProduct } from './support/orders.js';

afterAll(async () => {
  await resetFaults();
});

it('30 orders of one unit for 15 units with 30 % of transactions conflicting: exactly 15 confirmed, no 5xx, the DLQ empty, all final in under 60 s', async () => {
  const product = await stockProduct(15, 500);
  await setFaults([{ action: 'DynamoDB.TransactWriteItems', rate: 0.3, fault: 'conflict' }], 3030);
  const started = Date.now();

  // Each client retries with its Idempotency-Key on 409 "request in progress" only; any 5xx is counted.
  const serverErrors: number[] = [];
  const placed = await Promise.all(
    Array.from({ length: 30 }, async () => {
      const request = orderRequest([{ productId: product, quantity: 1 }]);
      const key = randomUUID();
      return eventually(
        async () => {
          const response = await postOrder(request, key);
          if (response.status >= 500) serverErrors.push(response.status);
          if (response.status === 202) return response.body;
          if (response.status === 409) return undefined;
          throw new Error(`POST /orders answered ${response.status}: ${JSON.stringify(response.body)}`);
        },
        { timeoutMs: 30_000, intervalMs: 200, what: 'POST /orders to be accepted' },
      );
    }),
  );
  expect(serverErrors).toEqual([]);

  const orders = await finalOrders(
    placed.map((o) => o.orderId),
    60_000,
  );
  const elapsed = Date.now() - started;
  expect(elapsed).toBeLessThan(60_000);
  expect(orders.filter((o) => o.status === 'CONFIRMED')).toHaveLength(15);
  expect(orders.filter((o) => o.status === 'CANCELLED' && /out of stock/.test(o.reason ?? ''))).toHaveLength(15);
  expect(await stockOf(product)).toBe(0);

  // The conflicts really happened.
  const stats = await faultStats();
  expect(stats.injected['DynamoDB.TransactWriteItems'] ?? 0).toBeGreaterThan(5);
  await resetFaults();

  const config = {
    endpoint: stack().endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const sqs = new SQSClient(config);
  const ids = new Set(placed.map((o) => o.orderId));
  const dead = await listDlq(sqs, await discover(sqs, new SNSClient(config), queueNameOf(stack().outputs.dlq_url)), {
    visibilityTimeout: 1,
  });
  expect(dead.filter((e) => e.orderId !== undefined && ids.has(e.orderId))).toEqual([]);
  console.info(
    `contention: 30 orders final in ${elapsed} ms; ${stats.injected['DynamoDB.TransactWriteItems']} of ${stats.calls['DynamoDB.TransactWriteItems']} transactions conflicted`,
  );
}, 120_000);
