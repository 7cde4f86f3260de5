// The console's server (local/console/server.ts) on a loopback port, with the AWS clients
// mocked: the topology it discovers, and "Publish again": what it publishes, whom it waits for, and
// how it tells a duplicate every consumer ignored from one that changed a table or never arrived.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsCommand,
  PublishCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createConsole, type Console } from '../../../../local/console/server.js';
import { ConsoleView } from '../../../../local/console/view.js';
import type { BatchReport } from '../../../../emulation/runtime/index.js';

const BASE = 'http://127.0.0.1:4566/000000000000';
const ARN = 'arn:aws:sqs:us-east-1:000000000000';
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:order-events';
const sqsMock = mockClient(SQSClient);
const snsMock = mockClient(SNSClient);
const dbMock = mockClient(DynamoDBClient);

const ORDER = 'o-1';
const placed = JSON.stringify({
  version: 1,
  id: `${ORDER}:OrderPlaced`,
  type: 'OrderPlaced',
  time: '2026-12-01T08:00:00.000Z',
  orderId: ORDER,
  data: { items: [{ productId: 'p-1', quantity: 1 }] },
});

/** inventory's batch of one record: what the runtime reports when inventory-queue delivers `body`. */
const delivered = (body: string, id: string): BatchReport => ({
  type: 'batch',
  startedAt: new Date().toISOString(),
  time: new Date().toISOString(),
  functionName: 'inventory',
  source: { kind: 'sqs', arn: `${ARN}:inventory-queue`, name: 'inventory-queue' },
  records: 1,
  items: [{ id, body, receiveCount: 1, retried: false }],
  failures: 0,
  verdict: 'success',
  reason: '',
  durationMs: 5,
  deleteFailures: 0,
});

let tables: Record<string, Record<string, unknown>[]>;
let view: ConsoleView;
let liveConsole: Console;
let server: Server;
let ses: Server;
let base: string;

const listen = async (target: Server): Promise<string> => {
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
};

beforeEach(async () => {
  for (const mock of [sqsMock, snsMock, dbMock]) mock.reset();
  sqsMock.on(GetQueueUrlCommand).resolves({ QueueUrl: `${BASE}/order-processing-dlq` });
  sqsMock.on(GetQueueAttributesCommand).callsFake((input: { QueueUrl: string }) => ({
    Attributes: {
      QueueArn: `${ARN}:${input.QueueUrl.split('/').pop() ?? ''}`,
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    },
  }));
  sqsMock.on(ListDeadLetterSourceQueuesCommand).resolves({ queueUrls: [`${BASE}/inventory-queue`] });
  snsMock.on(ListSubscriptionsCommand).resolves({
    Subscriptions: [{ SubscriptionArn: 's-inv', Protocol: 'sqs', Endpoint: `${ARN}:inventory-queue`, TopicArn: TOPIC }],
  });
  snsMock.on(GetSubscriptionAttributesCommand).resolves({
    Attributes: { FilterPolicy: '{"eventType":["OrderPlaced"]}', FilterPolicyScope: 'MessageAttributes' },
  });
  tables = {
    inventory: [{ productId: 'p-1', stock: 4 }],
    'inventory-reservations': [{ orderId: ORDER, items: [{ productId: 'p-1', quantity: 1 }] }],
    other: [{ id: 'x' }],
  };
  dbMock.on(ListTablesCommand).resolves({ TableNames: Object.keys(tables) });
  dbMock.on(ScanCommand).callsFake((input: { TableName: string }) => ({
    Items: (tables[input.TableName] ?? []).map((item) => marshall(item)),
  }));

  ses = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ messages: [] }));
  });
  view = new ConsoleView();
  view.observe(delivered(placed, 'm-1'));
  liveConsole = createConsole({
    view,
    sqs: new SQSClient({ region: 'us-east-1' }),
    sns: new SNSClient({ region: 'us-east-1' }),
    db: new DynamoDBClient({ region: 'us-east-1' }),
    endpoint: await listen(ses),
    mappings: [{ functionName: 'inventory', queueUrl: `${BASE}/inventory-queue` }],
    streamMappings: [],
    functions: [
      { name: 'inventory', env: { INVENTORY_TABLE: 'inventory', RESERVATIONS_TABLE: 'inventory-reservations' } },
    ],
    publishAgainTimeoutMs: 300,
  });
  server = createServer((request, response) => liveConsole.handle(request, response));
  base = await listen(server);
});

afterEach(async () => {
  liveConsole.close();
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => ses.close(resolve));
});

const publishAgain = (eventId: string, type = 'application/json') =>
  fetch(`${base}/_console/publish-again`, {
    method: 'POST',
    headers: { 'content-type': type },
    body: JSON.stringify({ eventId }),
  });

it('shows the topology: the topic, each subscription with its filter policy, function and tables', async () => {
  const state = (await (await fetch(`${base}/_console/state`)).json()) as { topology: unknown };
  expect(state.topology).toEqual({
    topic: { arn: TOPIC, name: 'order-events' },
    streams: [],
    api: [],
    lanes: [
      {
        queue: 'inventory-queue',
        filterPolicy: '{"eventType":["OrderPlaced"]}',
        eventTypes: ['OrderPlaced'],
        functionName: 'inventory',
        tables: ['inventory', 'inventory-reservations'],
      },
    ],
    dlq: 'order-processing-dlq',
  });
});

describe('Publish again', () => {
  it('publishes the event as it was delivered, waits for its consumer, and finds nothing changed', async () => {
    // The consumer receives the duplicate and, being idempotent, changes nothing.
    snsMock.on(PublishCommand).callsFake(() => {
      setTimeout(() => view.observe(delivered(placed, 'm-2')), 20);
      return { MessageId: 'dup' };
    });
    const response = await publishAgain(`${ORDER}:OrderPlaced`);
    expect(response.status).toBe(200);
    expect(snsMock).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      Message: placed,
      MessageAttributes: { eventType: { DataType: 'String', StringValue: 'OrderPlaced' } },
    });
    expect(await response.json()).toMatchObject({
      eventId: `${ORDER}:OrderPlaced`,
      orderId: ORDER,
      expected: [{ queue: 'inventory-queue', functionName: 'inventory' }],
      deliveries: [{ queue: 'inventory-queue', functionName: 'inventory', outcome: 'processed' }],
      missing: [],
      unchanged: true,
      // The items that name the order or its product, in each table a function is configured with
      // (not 'other', which none is).
      after: {
        tables: [
          { table: 'inventory', items: 1 },
          { table: 'inventory-reservations', items: 1 },
        ],
        emails: 0,
      },
    });
  });

  it('says so when a consumer did not ignore the duplicate: a table changed', async () => {
    snsMock.on(PublishCommand).callsFake(() => {
      // A consumer that is not idempotent: the duplicate takes the stock a second time.
      tables.inventory = [{ productId: 'p-1', stock: 3 }];
      setTimeout(() => view.observe(delivered(placed, 'm-2')), 20);
      return { MessageId: 'dup' };
    });
    const report = (await (await publishAgain(`${ORDER}:OrderPlaced`)).json()) as Record<string, unknown>;
    expect(report.unchanged).toBe(false);
    expect(report.before).not.toEqual(report.after);
  });

  it('names a consumer that did not deliver the duplicate before the deadline', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'lost' });
    const report = (await (await publishAgain(`${ORDER}:OrderPlaced`)).json()) as Record<string, unknown>;
    expect(report).toMatchObject({ deliveries: [], missing: ['inventory-queue'], unchanged: true });
  });

  it('refuses an event it never saw, and a request that is not JSON', async () => {
    expect((await publishAgain('o-9:OrderPlaced')).status).toBe(404);
    expect((await publishAgain(`${ORDER}:OrderPlaced`, 'text/plain')).status).toBe(415);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
  });
});
