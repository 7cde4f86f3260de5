// The fault proxy against a stand-in upstream on loopback, driven by the real SDK clients, so the
// classification and the error shapes are the ones the SDK actually sends and understands.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DynamoDBClient,
  GetItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  AccountSuspendedException,
  MessageRejected,
  SendEmailCommand,
  SendingPausedException,
  SESv2Client,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { cancellationCodes } from '../../../functions/shared/dynamo-conditions.js';
import { isTransactionConflict } from '../../../functions/shared/dynamo-transactions.js';
import { classifyFailure } from '../../../functions/shared/failures.js';
import { startFaultProxy, type FaultProxy } from '../../../emulation/fault-proxy.js';

let upstream: Server;
let upstreamPaths: string[];
let proxy: FaultProxy;

const config = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
});

beforeAll(async () => {
  upstream = createServer((req, res) => {
    upstreamPaths.push(req.url ?? '');
    req.resume();
    req.on('end', () => {
      if (String(req.headers['content-type']).includes('x-www-form-urlencoded')) {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end('<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>');
      } else {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end('{}');
      }
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  proxy = await startFaultProxy({ target: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
});

afterAll(async () => {
  await proxy.stop();
  await new Promise((resolve) => upstream.close(resolve));
});

beforeEach(() => {
  upstreamPaths = [];
  proxy.reset();
});

const getItem = (fn = 'inventory') =>
  new DynamoDBClient(config(proxy.functionUrl(fn))).send(
    new GetItemCommand({ TableName: 'inventory', Key: { productId: { S: 'p-1' } } }),
  );
const publish = (fn = 'order-api') =>
  new SNSClient(config(proxy.functionUrl(fn))).send(
    new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:order-events', Message: '{}' }),
  );

const transact = (items = 3) =>
  new DynamoDBClient(config(proxy.functionUrl('inventory'))).send(
    new TransactWriteItemsCommand({
      TransactItems: Array.from({ length: items }, (_, i) => ({
        Put: { TableName: 'inventory', Item: { productId: { S: `p-${i}` } } },
      })),
    }),
  );
const sendEmail = () =>
  new SESv2Client(config(proxy.functionUrl('notification'))).send(
    new SendEmailCommand({
      FromEmailAddress: 'orders@example.com',
      Destination: { ToAddresses: ['jane@example.com'] },
      Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } },
    }),
  );

describe('fault proxy', () => {
  it('forwards without the caller prefix and counts calls by API and by function', async () => {
    await getItem('inventory');
    await publish('order-api');

    expect(upstreamPaths).toEqual(['/', '/']);
    expect(proxy.stats()).toEqual({
      calls: { 'DynamoDB.GetItem': 1, 'SNS.Publish': 1 },
      injected: {},
      denied: {},
      byFunction: { inventory: { 'DynamoDB.GetItem': 1 }, 'order-api': { 'SNS.Publish': 1 } },
    });
  });

  it("counts the emulator's own endpoints (/_aws/…) as Local, never as an AWS API", async () => {
    await fetch(`${proxy.url}/_aws/dynamodbstreams/wait`, { method: 'POST', body: '{}' });
    await fetch(`${proxy.url}/_aws/ses`);

    expect(proxy.stats().calls).toEqual({
      'Local.POST /_aws/dynamodbstreams/wait': 1,
      'Local.GET /_aws/ses': 1,
    });
  });

  it.each([
    ['throttle', 'ThrottlingException'],
    ['500', 'InternalFailure'],
    ['503', 'ServiceUnavailable'],
  ] as const)('answers a %s fault as DynamoDB would, without forwarding', async (fault, name) => {
    expect.assertions(3);
    proxy.setRules([{ action: 'DynamoDB.*', rate: 1, fault }]);
    await expect(getItem()).rejects.toMatchObject({ name });
    expect(upstreamPaths).toEqual([]);
    expect(proxy.stats().injected).toEqual({ 'DynamoDB.GetItem': 1 });
  });

  it('answers SNS in its query protocol, so the SDK reads the throttling code', async () => {
    expect.assertions(1);
    proxy.setRules([{ action: 'SNS.Publish', rate: 1, fault: 'throttle' }]);
    await expect(publish()).rejects.toMatchObject({ name: 'Throttling' });
  });

  it('with "after", lets the call through and loses the response', async () => {
    expect.assertions(2);
    proxy.setRules([{ action: 'SNS.Publish', rate: 1, fault: 'after' }]);
    await expect(publish()).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    expect(upstreamPaths).toHaveLength(1);
  });

  it('injects at most `times` faults, only for the named function', async () => {
    proxy.setRules([{ action: '*', rate: 1, fault: '500', times: 1, function: 'billing' }]);
    await expect(getItem('inventory')).resolves.toBeDefined();
    await expect(getItem('billing')).rejects.toMatchObject({ name: 'InternalFailure' });
    await expect(getItem('billing')).resolves.toBeDefined();
  });

  it('with `timesEach`, fails each distinct request that many times (every publish of one event), then lets it through', async () => {
    proxy.setRules([{ action: 'SNS.Publish', rate: 1, fault: '500', timesEach: 2 }]);
    const send = (message: string) =>
      new SNSClient(config(proxy.functionUrl('order-publisher')))
        .send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:order-events', Message: message }))
        .then(
          () => 'ok',
          () => 'failed',
        );
    const outcomes = [
      await send('a'),
      await send('b'),
      await send('a'),
      await send('a'),
      await send('b'),
      await send('b'),
    ];
    expect(outcomes).toEqual(['failed', 'failed', 'failed', 'ok', 'failed', 'ok']);
    expect(proxy.stats().injected).toEqual({ 'SNS.Publish': 4 });
  });

  it('is repeatable for a seed', async () => {
    const run = async () => {
      proxy.reset();
      proxy.setRules([{ action: '*', rate: 0.5, fault: '500' }], 7);
      const outcomes: boolean[] = [];
      for (let i = 0; i < 20; i++)
        outcomes.push(
          await getItem().then(
            () => true,
            () => false,
          ),
        );
      return outcomes;
    };
    const first = await run();
    expect(first).toContain(true);
    expect(first).toContain(false);
    expect(await run()).toEqual(first);
  });

  it('cancels a transaction as DynamoDB does on a conflict: one reason per item, one TransactionConflict, the rest None', async () => {
    proxy.setRules([{ action: 'DynamoDB.*', rate: 1, fault: 'conflict' }], 3);
    const errors = await Promise.all(
      [1, 3, 5, 5, 5].map((items) =>
        transact(items).then(
          () => undefined,
          (error: unknown) => error,
        ),
      ),
    );

    for (const [i, error] of errors.entries()) {
      const codes = cancellationCodes(error) ?? [];
      expect(error).toBeInstanceOf(TransactionCanceledException);
      expect(codes).toHaveLength([1, 3, 5, 5, 5][i] ?? 0);
      expect(codes.filter((c) => c === 'TransactionConflict')).toHaveLength(1);
      expect(codes.filter((c) => c !== 'TransactionConflict').every((c) => c === 'None')).toBe(true);
      expect((error as Error).message).toBe(
        `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
      );
      expect(isTransactionConflict(error)).toBe(true);
    }
    // Not always the same item (the seeded generator picks it).
    expect(
      new Set(errors.slice(2).map((e) => (cancellationCodes(e) ?? []).indexOf('TransactionConflict'))).size,
    ).toBeGreaterThan(1);
    expect(upstreamPaths).toEqual([]);
  });

  it('lets a conflict rule pass calls that are not transactions', async () => {
    proxy.setRules([{ action: '*', rate: 1, fault: 'conflict' }]);
    await expect(getItem()).resolves.toBeDefined();
    await expect(publish()).resolves.toBeDefined();
    expect(proxy.stats().injected).toEqual({});
  });

  it('refuses an email as SESv2 does (MessageRejected, a permanent refusal), and only emails', async () => {
    expect.assertions(4);
    proxy.setRules([{ action: '*', rate: 1, fault: 'rejected' }]);
    const error: unknown = await sendEmail().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageRejected);
    expect(classifyFailure(error)).toBe('permanent');
    await expect(getItem()).resolves.toBeDefined();
    expect(proxy.stats().injected).toEqual({ 'SESv2.SendEmail': 1 });
  });

  it.each([
    ['ses-paused', SendingPausedException, 'Sending is paused'],
    ['ses-suspended', AccountSuspendedException, 'suspended'],
    ['ses-daily-quota', TooManyRequestsException, 'Daily message quota exceeded'],
    ['ses-sender-unverified', MessageRejected, 'failed the check in region US-EAST-1: orders@example.com'],
  ] as const)(
    '%s refuses an email as SESv2 does for the account: the SDK throws its own class, and it waits (transient)',
    async (fault, type, message) => {
      expect.assertions(5);
      proxy.setRules([{ action: '*', rate: 1, fault }]);
      const error: unknown = await sendEmail().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toContain(message);
      expect(classifyFailure(error, { sender: 'orders@example.com' })).toBe('transient');
      await expect(getItem()).resolves.toBeDefined();
      expect(proxy.stats().injected).toEqual({ 'SESv2.SendEmail': 1 });
    },
  );

  it('loses a publish: SNS answers it accepted (a MessageId) and nothing reaches the topic; only publishes', async () => {
    proxy.setRules([{ action: '*', rate: 1, fault: 'lost', times: 1 }]);
    const answer = await publish();
    expect(answer.MessageId).toEqual(expect.any(String));
    expect(upstreamPaths).toEqual([]);
    await expect(getItem()).resolves.toBeDefined();
    expect(upstreamPaths).toHaveLength(1);
    expect(proxy.stats().injected).toEqual({ 'SNS.Publish': 1 });
  });

  it("records each function's requests only while recording: function, API, path, headers and body, oldest first", async () => {
    await getItem('billing');
    proxy.record(true);
    await getItem('inventory');
    await publish();
    proxy.record(false);
    await getItem('billing');
    const recorded = proxy.recorded();
    expect(recorded.map((r) => `${r.function} ${r.action} ${r.method} ${r.path}`)).toEqual([
      'inventory DynamoDB.GetItem POST /',
      'order-api SNS.Publish POST /',
    ]);
    expect(JSON.parse(recorded[0]?.body ?? '{}')).toEqual({ TableName: 'inventory', Key: { productId: { S: 'p-1' } } });
    expect(recorded[0]?.headers).toMatchObject({ 'x-amz-target': 'DynamoDB_20120810.GetItem' });
    expect(Object.keys(recorded[0]?.headers ?? {})).not.toEqual(expect.arrayContaining(['host', 'content-length']));
    expect(new URLSearchParams(recorded[1]?.body).get('Action')).toBe('Publish');
    proxy.reset();
    expect(proxy.recorded()).toEqual([]);
  });

  it('is told to record, and gives the recording, over HTTP', async () => {
    const control = (path: string, init?: RequestInit) => fetch(`${proxy.url}/_fault-proxy/${path}`, init);
    expect((await control('recording', { method: 'PUT', body: JSON.stringify({ on: 'yes' }) })).status).toBe(400);
    expect((await control('recording', { method: 'PUT', body: JSON.stringify({ on: true }) })).status).toBe(204);
    await getItem('inventory');
    const recorded = (await (await control('requests')).json()) as { function: string; action: string }[];
    expect(recorded.map((r) => `${r.function} ${r.action}`)).toEqual(['inventory DynamoDB.GetItem']);
  });
});
