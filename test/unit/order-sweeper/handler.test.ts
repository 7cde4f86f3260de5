// The deployed handler through middy with its real adapters: the sparse index queried (never a
// Scan), the stuck order published to SNS, the metric written as EMF. Clients mocked.
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { jest } from '@jest/globals';
import type { ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { orderPlacedEvent } from '../../../functions/shared/order-placed.js';
import { placedOrder } from '../../fixtures/orders.js';
import { lambdaContext } from '../../fixtures/sqs.js';

process.env.ORDERS_TABLE = 'orders';
process.env.PLACED_ORDERS_INDEX = 'placed-orders';
process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:order-events';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'order-fanout';
process.env.STUCK_AFTER_SECONDS = '300';
process.env.AWS_REGION = 'us-east-1';
process.env.LOG_LEVEL = 'SILENT';
const { handler } = await import('../../../functions/order-sweeper/handler.js');

const db = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
beforeEach(() => {
  db.reset();
  sns.reset();
});

const scheduled = {
  version: '0',
  id: 'e-1',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: '2026-12-07T03:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:000000000000:rule/order-sweeper'],
  detail: {},
} as ScheduledEvent;

it('queries the index of PLACED orders, announces the stuck one and writes the oldest age as EMF', async () => {
  const stuck = { ...placedOrder('o-1'), createdAt: '2000-01-01T00:00:00.000Z', placedIndexKey: 'PLACED' };
  db.on(QueryCommand).resolves({ Items: [stuck] });
  sns.on(PublishCommand).resolves({});
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const report = await handler(scheduled, lambdaContext('order-sweeper'));
    expect(report).toMatchObject({ reannounced: 1 });
    const emf = stdout.mock.calls
      .map(([line]) => String(line))
      .find((line) => line.includes('OldestPlacedOrderSeconds'));
    expect(JSON.parse(emf ?? '{}')).toMatchObject({
      service: 'order-sweeper',
      _aws: { CloudWatchMetrics: [{ Namespace: 'order-fanout' }] },
    });
  } finally {
    stdout.mockRestore();
  }
  expect(db).toHaveReceivedCommandWith(QueryCommand, {
    TableName: 'orders',
    IndexName: 'placed-orders',
    KeyConditionExpression: '#key = :placed AND createdAt < :before',
    ExpressionAttributeNames: { '#key': 'placedIndexKey' },
    ScanIndexForward: true,
  });
  expect(db).toHaveReceivedCommandTimes(ScanCommand, 0);
  const { placedIndexKey: _key, ...order } = stuck;
  expect(sns).toHaveReceivedCommandWith(PublishCommand, {
    Message: JSON.stringify(orderPlacedEvent(order)),
    MessageAttributes: { eventType: { DataType: 'String', StringValue: 'OrderPlaced' } },
  });
});
