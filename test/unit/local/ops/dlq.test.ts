import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { GetSubscriptionAttributesCommand, ListSubscriptionsCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { clientConfig, formatList } from '../../../../local/ops/dlq/cli.js';
import { describeMessage, listDlq } from '../../../../local/ops/dlq/messages.js';
import { orderPlacedEvent } from '../../../../functions/shared/order-placed.js';
import { placedOrder } from '../../../fixtures/orders.js';
import { redrive } from '../../../../local/ops/dlq/redrive.js';
import { discover, eventTypesOf, resolveSource, type Topology } from '../../../../local/ops/dlq/topology.js';

const sqsMock = mockClient(SQSClient);
const snsMock = mockClient(SNSClient);
const sqs = new SQSClient({});
const sns = new SNSClient({});

const BASE = 'http://127.0.0.1:4566/000000000000';
const ARN = 'arn:aws:sqs:us-east-1:000000000000';
const queue = (name: string, types?: string[]) => ({
  name,
  url: `${BASE}/${name}`,
  arn: `${ARN}:${name}`,
  ...(types ? { eventTypes: new Set(types) } : {}),
});
const topology: Topology = {
  dlqUrl: `${BASE}/order-processing-dlq`,
  dlqArn: `${ARN}:order-processing-dlq`,
  sources: [
    queue('billing-queue', ['OrderPlaced', 'InventoryRejected']),
    queue('inventory-queue', ['OrderPlaced', 'PaymentDeclined']),
    queue('order-status-queue', ['InventoryReserved', 'PaymentCaptured']),
  ],
};

const validEvent = (orderId: string) =>
  JSON.stringify({
    version: 1,
    id: `${orderId}:PaymentCaptured`,
    type: 'PaymentCaptured',
    time: '2026-01-01T00:00:00.000Z',
    orderId,
    data: { billingId: orderId, amount: 100, currency: 'JPY' },
  });

/** A DLQ message as SQS returns it; `n` keeps ids and receipt handles distinct. */
function dlqMessage(
  n: number,
  eventType: string,
  body = validEvent(`o-${n}`),
  attributes: Record<string, string> = {},
): Message {
  return {
    MessageId: `m-${n}`,
    ReceiptHandle: `rh-${n}`,
    Body: body,
    Attributes: { ApproximateReceiveCount: '4', SentTimestamp: '1767225600000', ...attributes },
    MessageAttributes: { eventType: { DataType: 'String', StringValue: eventType } },
  };
}

const STREAM_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-11-25T09:00:00.000';
/** What Lambda sends to a stream mapping's on-failure destination: a description of the batch, no message attributes. */
function streamFailureMessage(n: number): Message {
  return {
    MessageId: `m-${n}`,
    ReceiptHandle: `rh-${n}`,
    Body: JSON.stringify({
      requestContext: {
        requestId: 'r-1',
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:order-publisher',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 21,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      version: '1.0',
      timestamp: '2026-11-25T09:10:00.000Z',
      DDBStreamBatchInfo: {
        shardId: 'shardId-00000001',
        startSequenceNumber: '1100000000017454423010',
        endSequenceNumber: '1100000000017454423011',
        approximateArrivalOfFirstRecord: '2026-11-25T09:00:00Z',
        approximateArrivalOfLastRecord: '2026-11-25T09:00:01Z',
        batchSize: 2,
        streamArn: STREAM_ARN,
      },
    }),
    Attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1767225600000' },
  };
}

/** The DLQ answers with these pages, then nothing. */
function dlqHolds(...pages: Message[][]): void {
  const receive = sqsMock.on(ReceiveMessageCommand, { QueueUrl: topology.dlqUrl });
  for (const page of pages) receive.resolvesOnce({ Messages: page });
  receive.resolves({ Messages: [] });
}

/** The order of the SDK calls the tool made, by command name. */
const callOrder = () =>
  sqsMock.calls().map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name);

beforeEach(() => {
  sqsMock.reset();
  snsMock.reset();
  sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({});
});

describe('eventTypesOf (reading a subscription filter policy)', () => {
  it.each([
    ['{"eventType":["OrderPlaced","PaymentDeclined"]}', 'MessageAttributes', ['OrderPlaced', 'PaymentDeclined']],
    ['{"eventType":["OrderPlaced"]}', undefined, ['OrderPlaced']],
  ])('reads %s (scope %s)', (policy, scope, expected) => {
    expect([...(eventTypesOf(policy, scope) ?? [])]).toEqual(expected);
  });

  it.each([
    ['no policy', undefined, undefined],
    ['body scope', '{"eventType":["OrderPlaced"]}', 'MessageBody'],
    ['another attribute', '{"kind":["x"]}', 'MessageAttributes'],
    ['a prefix rule it cannot enumerate', '{"eventType":[{"prefix":"Order"}]}', 'MessageAttributes'],
    ['not JSON', '{', 'MessageAttributes'],
  ])('says "unknown" for %s', (_case, policy, scope) => {
    expect(eventTypesOf(policy, scope)).toBeUndefined();
  });
});

describe('discover', () => {
  it('finds the DLQ, the queues that redrive to it, and what each receives', async () => {
    sqsMock.on(GetQueueUrlCommand).resolves({ QueueUrl: topology.dlqUrl });
    sqsMock.on(GetQueueAttributesCommand).callsFake((input: { QueueUrl: string }) => ({
      Attributes: { QueueArn: `${ARN}:${input.QueueUrl.split('/').pop() ?? ''}` },
    }));
    sqsMock
      .on(ListDeadLetterSourceQueuesCommand)
      .resolves({ queueUrls: [`${BASE}/inventory-queue`, `${BASE}/billing-queue`] });
    snsMock.on(ListSubscriptionsCommand).resolves({
      Subscriptions: [
        {
          SubscriptionArn: 's-inv',
          Protocol: 'sqs',
          Endpoint: `${ARN}:inventory-queue`,
          TopicArn: `${ARN}:order-events`,
        },
        { SubscriptionArn: 's-other', Protocol: 'sqs', Endpoint: `${ARN}:someone-elses-queue` },
      ],
    });
    snsMock.on(GetSubscriptionAttributesCommand, { SubscriptionArn: 's-inv' }).resolves({
      Attributes: { FilterPolicy: '{"eventType":["OrderPlaced"]}', FilterPolicyScope: 'MessageAttributes' },
    });

    const found = await discover(sqs, sns);

    expect(sqsMock).toHaveReceivedCommandWith(GetQueueUrlCommand, { QueueName: 'order-processing-dlq' });
    expect(found.dlqArn).toBe(`${ARN}:order-processing-dlq`);
    expect(found.sources.map((s) => s.name)).toEqual(['billing-queue', 'inventory-queue']);
    expect([...(found.sources[1]?.eventTypes ?? [])]).toEqual(['OrderPlaced']);
    // The topic and the filter policy as SNS holds them (the console shows both).
    expect(found.sources[1]).toMatchObject({
      topicArn: `${ARN}:order-events`,
      filterPolicy: '{"eventType":["OrderPlaced"]}',
    });
    // No subscription found: it may receive anything.
    expect(found.sources[0]?.eventTypes).toBeUndefined();
    expect(snsMock).toHaveReceivedCommandTimes(GetSubscriptionAttributesCommand, 1);
  });
});

describe('resolveSource (which queue a DLQ message came from)', () => {
  it('trusts DeadLetterQueueSourceArn when SQS recorded it', () => {
    const source = resolveSource(
      dlqMessage(1, 'OrderPlaced', undefined, { DeadLetterQueueSourceArn: `${ARN}:billing-queue` }),
      topology,
    );
    expect(source).toMatchObject({ kind: 'recorded', queues: [{ name: 'billing-queue' }] });
  });

  it('infers it from eventType when one queue receives that type', () => {
    expect(resolveSource(dlqMessage(1, 'PaymentCaptured'), topology)).toMatchObject({
      kind: 'inferred',
      queues: [{ name: 'order-status-queue' }],
    });
  });

  it('says "one of" when several queues receive that type', () => {
    const source = resolveSource(dlqMessage(1, 'OrderPlaced'), topology);
    expect(source.kind).toBe('ambiguous');
    expect(source.queues.map((q) => q.name)).toEqual(['billing-queue', 'inventory-queue']);
  });

  it('says unknown when nothing subscribes to it, or there is no eventType', () => {
    expect(resolveSource(dlqMessage(1, 'NoSuchEvent'), topology).kind).toBe('unknown');
    expect(resolveSource({ MessageId: 'x', Body: '{}' }, topology).kind).toBe('unknown');
  });
});

describe('describeMessage (a readable summary)', () => {
  it('summarises a valid event that failed in its handler', () => {
    const entry = describeMessage(dlqMessage(7, 'PaymentCaptured'), topology);
    expect(entry).toMatchObject({
      messageId: 'm-7',
      receiveCount: 4,
      eventType: 'PaymentCaptured',
      orderId: 'o-7',
      eventId: 'o-7:PaymentCaptured',
      sentAt: '2026-01-01T00:00:00.000Z',
    });
    expect(entry.reason).toMatch(/valid event.*handler failed/);
  });

  it('says why a poison message fails its schema, and reads what it can', () => {
    const entry = describeMessage(
      dlqMessage(
        8,
        'OrderPlaced',
        JSON.stringify({ version: 1, id: 'e-8', type: 'OrderPlaced', orderId: 'o-8', data: {} }),
      ),
      topology,
    );
    expect(entry).toMatchObject({ orderId: 'o-8', eventId: 'e-8', eventType: 'OrderPlaced' });
    expect(entry.reason).toMatch(/not a valid order event/);
  });

  it("summarises a stream mapping's on-failure record: function, condition, stream, shard and sequence range", () => {
    const entry = describeMessage(streamFailureMessage(10), topology);
    expect(entry).toMatchObject({
      messageId: 'm-10',
      eventType: undefined,
      orderId: undefined,
      source: { kind: 'stream', streamArn: STREAM_ARN },
    });
    expect(entry.reason).toBe(
      'order-publisher gave up (RetryAttemptsExhausted after 21 invocation(s)) on 2 record(s) of the orders stream, shard shardId-00000001, ' +
        'sequence numbers 1100000000017454423010 to 1100000000017454423011, written from 2026-11-25T09:00:00Z: ' +
        "what those records announce was not published (the stream keeps them 24 h; see the function's log)",
    );
    expect(formatList([entry])).toContain("from the orders stream (Lambda's on-failure record)");
    expect(formatList([entry])).toContain('stream batch  RetryAttemptsExhausted  records=2');
  });

  it('says what order-publisher set aside (a stream record that is not an order) and that it cannot be redriven', () => {
    const body = JSON.stringify({
      setAsideBy: 'order-publisher',
      reason: 'the inserted item is not an order: updatedAt Invalid key',
      sequenceNumber: '1100000000017454423012',
      item: { orderId: 'junk-1', createdAt: 'x' },
    });
    const entry = describeMessage({ MessageId: 'm-11', ReceiptHandle: 'rh-11', Body: body }, topology);
    expect(entry).toMatchObject({ orderId: 'junk-1', eventType: undefined, source: { kind: 'unknown' } });
    expect(entry.reason).toBe(
      'order-publisher set aside stream record 1100000000017454423012: the inserted item is not an order: updatedAt Invalid key',
    );
  });

  it('copes with a body that is not JSON', () => {
    const entry = describeMessage(dlqMessage(9, 'OrderPlaced', 'garbage'), topology);
    expect(entry).toMatchObject({ orderId: undefined, eventId: undefined });
    expect(entry.reason).toBe('message body is not JSON');
  });
});

describe('listDlq', () => {
  it('pages through the DLQ hidden for a short time, then makes every message visible again', async () => {
    dlqHolds([dlqMessage(1, 'PaymentCaptured'), dlqMessage(2, 'OrderPlaced')], [dlqMessage(3, 'InventoryReserved')]);

    const entries = await listDlq(sqs, topology, { visibilityTimeout: 5 });

    expect(entries.map((e) => e.messageId)).toEqual(['m-1', 'm-2', 'm-3']);
    expect(sqsMock).toHaveReceivedCommandWith(ReceiveMessageCommand, {
      QueueUrl: topology.dlqUrl,
      VisibilityTimeout: 5,
      MessageAttributeNames: ['All'],
    });
    expect(sqsMock).toHaveReceivedCommandWith(ChangeMessageVisibilityBatchCommand, {
      QueueUrl: topology.dlqUrl,
      Entries: ['rh-1', 'rh-2', 'rh-3'].map((rh, i) => ({ Id: String(i), ReceiptHandle: rh, VisibilityTimeout: 0 })),
    });
    expect(sqsMock).toHaveReceivedCommandTimes(DeleteMessageBatchCommand, 0);
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageBatchCommand, 0);
    expect(formatList(entries)).toContain('from one of billing-queue, inventory-queue');
  });

  it('stops at --max and when a receive returns only messages it has seen', async () => {
    dlqHolds([dlqMessage(1, 'PaymentCaptured')], [dlqMessage(1, 'PaymentCaptured')]);
    expect(await listDlq(sqs, topology)).toHaveLength(1);

    sqsMock.reset();
    sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({});
    dlqHolds([dlqMessage(1, 'PaymentCaptured'), dlqMessage(2, 'PaymentCaptured')], [dlqMessage(3, 'PaymentCaptured')]);
    expect(await listDlq(sqs, topology, { max: 2 })).toHaveLength(2);
    expect(sqsMock).toHaveReceivedCommandTimes(ReceiveMessageCommand, 1);
  });
});

describe('redrive', () => {
  it('sends each message to its source queue with the same body and attributes, then deletes it: send before delete', async () => {
    const captured = dlqMessage(1, 'PaymentCaptured');
    dlqHolds([captured]);
    sqsMock
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [{ Id: '0', MessageId: 'new', MD5OfMessageBody: '' }], Failed: [] });
    sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }], Failed: [] });

    const report = await redrive(sqs, topology);

    expect(sqsMock).toHaveReceivedCommandWith(SendMessageBatchCommand, {
      QueueUrl: `${BASE}/order-status-queue`,
      Entries: [
        {
          Id: '0',
          MessageBody: captured.Body,
          MessageAttributes: { eventType: { DataType: 'String', StringValue: 'PaymentCaptured' } },
        },
      ],
    });
    expect(sqsMock).toHaveReceivedCommandWith(DeleteMessageBatchCommand, {
      QueueUrl: topology.dlqUrl,
      Entries: [{ Id: '0', ReceiptHandle: 'rh-1' }],
    });
    const order = callOrder();
    expect(order.indexOf('SendMessageBatchCommand')).toBeLessThan(order.indexOf('DeleteMessageBatchCommand'));
    expect(report).toEqual({ moved: [{ messageId: 'm-1', queues: ['order-status-queue'] }], left: [] });
  });

  it("re-announces the orders a stream mapping's on-failure record names: their OrderPlaced to every queue that takes it, then deletes it", async () => {
    dlqHolds([streamFailureMessage(10)]);
    sqsMock
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [{ Id: '0', MessageId: 'new', MD5OfMessageBody: '' }], Failed: [] });
    sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }], Failed: [] });
    const placed = orderPlacedEvent(placedOrder('o-1'));
    const asked: unknown[] = [];

    const report = await redrive(sqs, topology, {
      announcements: async (failure) => {
        asked.push(failure.DDBStreamBatchInfo.startSequenceNumber);
        return [placed];
      },
    });

    expect(asked).toEqual(['1100000000017454423010']);
    for (const name of ['billing-queue', 'inventory-queue'])
      expect(sqsMock).toHaveReceivedCommandWith(SendMessageBatchCommand, {
        QueueUrl: `${BASE}/${name}`,
        Entries: [
          {
            Id: '0',
            MessageBody: JSON.stringify(placed),
            MessageAttributes: { eventType: { DataType: 'String', StringValue: 'OrderPlaced' } },
          },
        ],
      });
    expect(sqsMock).not.toHaveReceivedCommandWith(SendMessageBatchCommand, { QueueUrl: `${BASE}/order-status-queue` });
    expect(report).toEqual({ moved: [{ messageId: 'm-10', queues: ['billing-queue', 'inventory-queue'] }], left: [] });
  });

  it("leaves a stream mapping's on-failure record whose records cannot be read (the stream keeps them 24 h)", async () => {
    dlqHolds([streamFailureMessage(10)]);
    const report = await redrive(sqs, topology, {
      announcements: async () => {
        throw new Error('TrimmedDataAccessException');
      },
    });
    expect(sqsMock).toHaveReceivedCommandTimes(DeleteMessageBatchCommand, 0);
    expect(report.left).toEqual([{ messageId: 'm-10', reason: expect.stringContaining('TrimmedDataAccessException') }]);
  });

  it('deletes nothing when the send fails', async () => {
    dlqHolds([dlqMessage(1, 'PaymentCaptured'), dlqMessage(2, 'InventoryReserved')]);
    sqsMock.on(SendMessageBatchCommand).rejects(new Error('throttled'));

    const report = await redrive(sqs, topology);

    expect(sqsMock).toHaveReceivedCommandTimes(DeleteMessageBatchCommand, 0);
    expect(report.moved).toEqual([]);
    expect(report.left.map((l) => l.messageId).sort()).toEqual(['m-1', 'm-2']);
    expect(report.left[0]?.reason).toMatch(/send to order-status-queue failed: throttled/);
    // …and gives them back to the DLQ at once.
    expect(sqsMock).toHaveReceivedCommandWith(ChangeMessageVisibilityBatchCommand, { QueueUrl: topology.dlqUrl });
  });

  it('deletes only the messages whose send SQS accepted', async () => {
    dlqHolds([dlqMessage(1, 'PaymentCaptured'), dlqMessage(2, 'InventoryReserved')]);
    sqsMock.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: '0', MessageId: 'x', MD5OfMessageBody: '' }],
      Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }],
    });
    sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }], Failed: [] });

    const report = await redrive(sqs, topology);

    expect(sqsMock).toHaveReceivedCommandWith(DeleteMessageBatchCommand, {
      Entries: [{ Id: '0', ReceiptHandle: 'rh-1' }],
    });
    expect(report.moved.map((m) => m.messageId)).toEqual(['m-1']);
    expect(report.left).toEqual([{ messageId: 'm-2', reason: 'send to order-status-queue refused: InternalError' }]);
  });

  it('sends an ambiguous message to every candidate queue, identical copies once per queue, and deletes only if every send worked', async () => {
    const body = validEvent('o-1').replace('PaymentCaptured', 'OrderPlaced');
    dlqHolds([dlqMessage(1, 'OrderPlaced', body), dlqMessage(2, 'OrderPlaced', body)]);
    sqsMock
      .on(SendMessageBatchCommand, { QueueUrl: `${BASE}/billing-queue` })
      .resolves({ Successful: [{ Id: '0', MessageId: 'x', MD5OfMessageBody: '' }], Failed: [] });
    sqsMock.on(SendMessageBatchCommand, { QueueUrl: `${BASE}/inventory-queue` }).rejects(new Error('down'));

    const report = await redrive(sqs, topology);

    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageBatchCommand, 2);
    for (const call of sqsMock.commandCalls(SendMessageBatchCommand))
      expect(call.args[0].input.Entries).toHaveLength(1);
    expect(sqsMock).toHaveReceivedCommandTimes(DeleteMessageBatchCommand, 0);
    expect(report.left.map((l) => l.messageId).sort()).toEqual(['m-1', 'm-2']);
  });

  it('with --queue moves only what is known to come from that queue, and leaves ambiguous messages', async () => {
    dlqHolds([dlqMessage(1, 'PaymentCaptured'), dlqMessage(2, 'OrderPlaced'), dlqMessage(3, 'PaymentDeclined')]);
    sqsMock
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [{ Id: '0', MessageId: 'x', MD5OfMessageBody: '' }], Failed: [] });
    sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }], Failed: [] });

    const report = await redrive(sqs, topology, { queue: 'inventory-queue' });

    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageBatchCommand, 1);
    expect(sqsMock).toHaveReceivedCommandWith(SendMessageBatchCommand, { QueueUrl: `${BASE}/inventory-queue` });
    expect(report.moved).toEqual([{ messageId: 'm-3', queues: ['inventory-queue'] }]);
    expect(report.left).toEqual([
      { messageId: 'm-2', reason: expect.stringMatching(/one of billing-queue, inventory-queue/) },
    ]);
  });

  it('leaves a message whose source is unknown', async () => {
    dlqHolds([dlqMessage(1, 'NoSuchEvent')]);

    const report = await redrive(sqs, topology);

    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageBatchCommand, 0);
    expect(sqsMock).toHaveReceivedCommandTimes(DeleteMessageBatchCommand, 0);
    expect(report.left).toEqual([{ messageId: 'm-1', reason: expect.stringMatching(/source unknown/) }]);
  });

  it("leaves a stream mapping's on-failure record (there is no queue to send it back to) and sends the rest", async () => {
    dlqHolds([streamFailureMessage(1), dlqMessage(2, 'PaymentCaptured')]);
    sqsMock
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [{ Id: '0', MessageId: 'x', MD5OfMessageBody: '' }], Failed: [] });
    sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }], Failed: [] });

    const report = await redrive(sqs, topology);

    expect(report.moved).toEqual([{ messageId: 'm-2', queues: ['order-status-queue'] }]);
    expect(report.left).toEqual([
      {
        messageId: 'm-1',
        reason: expect.stringMatching(
          /^a stream mapping's on-failure record, not a queue's message: order-publisher gave up/,
        ),
      },
    ]);
    expect(sqsMock).toHaveReceivedCommandWith(DeleteMessageBatchCommand, {
      Entries: [{ Id: '0', ReceiptHandle: 'rh-2' }],
    });
  });

  it('batches sends and deletes by ten', async () => {
    dlqHolds(
      Array.from({ length: 10 }, (_, i) => dlqMessage(i, 'PaymentCaptured')),
      Array.from({ length: 5 }, (_, i) => dlqMessage(10 + i, 'PaymentCaptured')),
    );
    sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: unknown[] }) => ({
      Successful: input.Entries.map((_, i) => ({ Id: String(i) })),
      Failed: [],
    }));
    sqsMock.on(DeleteMessageBatchCommand).callsFake((input: { Entries: unknown[] }) => ({
      Successful: input.Entries.map((_, i) => ({ Id: String(i) })),
      Failed: [],
    }));

    const report = await redrive(sqs, topology);

    expect(report.moved).toHaveLength(15);
    expect(sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([10, 5]);
    expect(sqsMock.commandCalls(DeleteMessageBatchCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([
      10, 5,
    ]);
  });
});

describe('clientConfig (where the tool sends its calls)', () => {
  it('names an endpoint only when --endpoint or AWS_ENDPOINT_URL gives one, and never region or credentials', () => {
    expect(clientConfig(undefined, {})).toEqual({});
    expect(clientConfig(undefined, { AWS_ENDPOINT_URL: '' })).toEqual({});
    expect(clientConfig(undefined, { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' })).toEqual({
      endpoint: 'http://127.0.0.1:4566',
    });
    expect(clientConfig('http://127.0.0.1:9999', { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' })).toEqual({
      endpoint: 'http://127.0.0.1:9999',
    });
  });

  it("leaves region and credentials to the SDK's default chain, as on AWS", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-3',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret-from-env',
    });
    try {
      const client = new SQSClient(clientConfig(undefined, {}));
      expect(await client.config.region()).toBe('eu-west-3');
      expect(await client.config.credentials()).toMatchObject({
        accessKeyId: 'AKIAEXAMPLE',
        secretAccessKey: 'secret-from-env',
      });
      client.destroy();
    } finally {
      process.env = saved;
    }
  });
});
