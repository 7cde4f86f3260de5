import { costPerMillionOrders, loadPrices } from '../../../bench/cost.js';
import { duplicateCostMix, type DuplicateProbe } from '../../../bench/duplicates.js';

const probe: DuplicateProbe = {
  duplicates: 20,
  publishBytes: 900,
  calls: {
    inventory: { 'DynamoDB.TransactWriteItems': 1, 'DynamoDB.GetItem': 1 },
    billing: { 'DynamoDB.PutItem': 1 },
    notification: { 'DynamoDB.PutItem': 1 },
  },
  invocations: { inventory: 1, billing: 0.5, notification: 0.5 },
  records: { inventory: 1, billing: 1, notification: 1 },
  billedMs: { inventory: 40, billing: 20, notification: 20 },
  logBytes: { inventory: 100, billing: 100, notification: 0 },
};

describe('duplicateCostMix', () => {
  const mix = duplicateCostMix(probe);

  it('adds one publish, its deliveries, one receive and one delete per batch', () => {
    expect(mix.snsPublishes).toEqual([{ what: 'OrderPlaced, the second time', count: 1, payloadBytes: 900 }]);
    expect(mix.snsSqsDeliveries).toBe(3);
    expect(mix.sqsRequests.map((r) => [r.what, r.count])).toEqual([
      ['ReceiveMessage', 2],
      ['DeleteMessageBatch', 2],
    ]);
    expect(mix.apiRequests).toBe(0);
    expect(mix.logBytes).toBe(200);
  });

  it('prices the consumers’ DynamoDB calls as 1 KB items: transactions at the transactional rate, refused writes as writes', () => {
    expect(mix.dynamodb.map((c) => [c.what, c.kind, c.consistency])).toEqual([
      ['inventory TransactWriteItems on a duplicate', 'write', 'transactional'],
      ['inventory GetItem on a duplicate', 'read', 'strong'],
      ['billing PutItem on a duplicate', 'write', 'strong'],
      ['notification PutItem on a duplicate', 'write', 'strong'],
    ]);
  });

  it('costs, per million orders, what the prices say (worked by hand)', () => {
    const prices = loadPrices();
    const p = prices.prices;
    const gbSeconds = ((40 + 20 + 20) / 1000) * (256 / 1024);
    const expected =
      2 * p.lambdaRequests.usd + // 2 invocations per order → 2 M requests
      gbSeconds * 1e6 * p.lambdaGbSeconds.usd +
      1 * p.snsPublishes.usd +
      ((2 + 2) / 1) * p.sqsRequests.usd + // 4 M SQS requests
      (2 + 1 + 1) * p.dynamodbWriteRequestUnits.usd + // a transactional write is 2 units, the two puts 1 each
      1 * p.dynamodbReadRequestUnits.usd +
      ((200 * 1e6) / 2 ** 30) * p.cloudwatchLogsIngestion.usd;
    expect(costPerMillionOrders(mix, prices).total).toBeCloseTo(expected, 6);
  });
});
