import { groupByOrder, rewrite, withoutRuntime } from '../../../bench/ceiling.js';
import type { RecordedRequest } from '../../../emulation/fault-proxy.js';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const EVENT = '33333333-3333-4333-8333-333333333333';
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:order-events';

let clock = 0;
const request = (fn: string, action: string, body: string): RecordedRequest => {
  clock += 1;
  return {
    function: fn,
    action,
    method: 'POST',
    path: '/',
    headers: { 'x-amz-target': `DynamoDB_20120810.${action.split('.')[1] ?? ''}` },
    body,
    at: clock,
  };
};
const placed = (id: string) =>
  request(
    'order-api',
    'DynamoDB.TransactWriteItems',
    JSON.stringify({
      TransactItems: [
        { Put: { TableName: 'orders', Item: { orderId: { S: id } } } },
        { Put: { TableName: 'idempotency', Item: { idempotencyKey: { S: `k-${id}` } } } },
      ],
    }),
  );
const prices = () => request('order-api', 'DynamoDB.BatchGetItem', '{"RequestItems":{"inventory":{}}}');
const query = (id: string) =>
  request(
    'order-status',
    'DynamoDB.Query',
    JSON.stringify({ TableName: 'orders', ExpressionAttributeValues: { ':id': { S: id } } }),
  );

describe('the ceiling groups recorded requests by order', () => {
  it("puts each request with the order it names, and a request naming none with its function's next order (one per API)", () => {
    const requests = [prices(), prices(), placed(A), placed(B), query(B), query(A), prices()];
    const { orders, unassigned } = groupByOrder(requests, 'orders');
    const summary = orders.map(
      (o) => `${o.orderId.slice(0, 1)}: ${o.requests.map((r) => r.action.split('.')[1]).join(' ')}`,
    );
    expect(summary).toEqual(['1: BatchGetItem TransactWriteItems Query', '2: BatchGetItem TransactWriteItems Query']);
    expect(unassigned).toBe(1); // the last BatchGetItem: no order of order-api came after it
  });

  it('knows an order only from order-api storing it in the orders table', () => {
    const elsewhere = request(
      'inventory',
      'DynamoDB.TransactWriteItems',
      JSON.stringify({ TransactItems: [{ Put: { TableName: 'orders', Item: { orderId: { S: A } } } }] }),
    );
    expect(groupByOrder([elsewhere, query(A)], 'orders')).toEqual({ orders: [], unassigned: 2 });
  });

  it("never replays the runtime's pollers' calls, which it makes under the function's name", () => {
    // A receive that returned the order's event names the order: replayed, it would be a 20 s long poll.
    const receive = request('inventory', 'SQS.ReceiveMessage', JSON.stringify({ Messages: [{ Body: A }] }));
    const records = request('order-publisher', 'DynamoDB.GetRecords', JSON.stringify({ orderId: A }));
    const { orders, unassigned } = groupByOrder([placed(A), receive, records, query(A)], 'orders');
    expect(orders[0]?.requests.map((r) => r.action)).toEqual(['DynamoDB.TransactWriteItems', 'DynamoDB.Query']);
    expect(unassigned).toBe(0);
  });
});

describe('withoutRuntime', () => {
  it("keeps a function's own calls and drops its pollers'", () => {
    expect(
      withoutRuntime({
        'SQS.ReceiveMessage': 3,
        'SQS.DeleteMessageBatch': 2,
        'DynamoDB.GetRecords': 9,
        'SNS.Publish': 1,
      }),
    ).toEqual({ 'SNS.Publish': 1 });
  });
});

describe('the ceiling rewrites a recorded request for its replay', () => {
  it('gives every UUID a fresh one, the same within one replayed order, and redirects the orders table', () => {
    const fresh = new Map<string, string>();
    const redirect = {
      topicArn: { from: TOPIC, to: `${TOPIC}-mirror` },
      ordersTable: { from: 'orders', to: 'bench-ceiling-orders' },
    };
    const first = JSON.parse(rewrite(placed(A), fresh, redirect)) as {
      TransactItems: { Put: { TableName: string; Item: Record<string, { S: string }> } }[];
    };
    const second = JSON.parse(rewrite(query(A), fresh, redirect)) as {
      TableName: string;
      ExpressionAttributeValues: Record<string, { S: string }>;
    };
    const id = first.TransactItems[0]?.Put.Item.orderId?.S;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(id).not.toBe(A);
    expect(second.ExpressionAttributeValues[':id']?.S).toBe(id);
    expect(first.TransactItems.map((item) => item.Put.TableName)).toEqual(['bench-ceiling-orders', 'idempotency']);
    expect(first.TransactItems[1]?.Put.Item.idempotencyKey?.S).toBe(`k-${id}`);
    expect(second.TableName).toBe('bench-ceiling-orders');
    const other = new Map<string, string>();
    expect(JSON.parse(rewrite(query(A), other, redirect)).ExpressionAttributeValues[':id'].S).not.toBe(id);
  });

  it('publishes to the mirror topic, written as the SDK writes it in a query-protocol body', () => {
    const body = new URLSearchParams({
      Action: 'Publish',
      TopicArn: TOPIC,
      Message: JSON.stringify({ id: EVENT, type: 'OrderPlaced' }),
    }).toString();
    const publish = { ...request('order-publisher', 'SNS.Publish', body), headers: {} };
    const rewritten = new URLSearchParams(
      rewrite(publish, new Map(), {
        topicArn: { from: TOPIC, to: `${TOPIC}-mirror` },
        ordersTable: { from: 'orders', to: 'x' },
      }),
    );
    expect(rewritten.get('TopicArn')).toBe(`${TOPIC}-mirror`);
    expect(JSON.parse(rewritten.get('Message') ?? '{}').id).not.toBe(EVENT);
  });
});
