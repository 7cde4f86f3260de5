// The local runtime against a real moto_server of its own (a free port, stopped by PID): no
// Terraform; each test creates what it needs with the SDK, as Terraform would, with the mapping
// disabled as envs/local creates it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from '@aws-sdk/client-api-gateway';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startEmulator, type Emulator } from '../../../emulation/emulator.js';
import {
  startRuntime,
  CodeMismatchError,
  type Runtime,
  type RuntimeOptions,
  type RuntimeReport,
} from '../../../emulation/runtime/index.js';
import { zip } from '../support/emulator.js';

const region = 'us-east-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const ROLE_ARN = 'arn:aws:iam::000000000000:role/local-runtime-test';

let emulator: Emulator;
let lambda: LambdaClient;
let sqs: SQSClient;
let apiGateway: APIGatewayClient;
let dynamodb: DynamoDBClient;
let workDir: string;
let distDir: string;
let runtime: Runtime | undefined;
const lines: string[] = [];
const reports: RuntimeReport[] = [];

interface Seen {
  body: string;
  messageId: string;
  receiveCount: number;
  pid: number;
  at: number;
  envKeys?: string[];
  record?: Record<string, unknown>;
}

/** IAM CreateRole over the query API (moto checks that a function's role exists; no IAM client is installed). */
async function createRole(): Promise<void> {
  const body = new URLSearchParams({
    Action: 'CreateRole',
    Version: '2010-05-08',
    RoleName: 'local-runtime-test',
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    }),
  });
  const response = await fetch(`${emulator.url}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body,
  });
  expect(response.status).toBe(200);
}

/** Creates the function from source, writes the same zip to dist/ (unless told otherwise) and checks CodeSha256. */
async function deployFunction(
  name: string,
  source: string,
  options: { timeout?: number; env?: Record<string, string>; distSource?: string } = {},
): Promise<string> {
  const code = await zip(source);
  const created = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Role: ROLE_ARN,
      Handler: 'handler.handler',
      Code: { ZipFile: code },
      Timeout: options.timeout ?? 3,
      Environment: { Variables: options.env ?? {} },
    }),
  );
  expect(created.CodeSha256).toBe(createHash('sha256').update(code).digest('base64'));
  writeFileSync(join(distDir, `${name}.zip`), options.distSource === undefined ? code : await zip(options.distSource));
  if (created.FunctionArn === undefined) throw new Error('no FunctionArn');
  return created.FunctionArn;
}

async function createQueue(name: string, visibilityTimeout: number): Promise<{ url: string; arn: string }> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(visibilityTimeout),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }),
      },
    }),
  );
  const arn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  if (queue.QueueUrl === undefined || arn === undefined) throw new Error('queue not created');
  return { url: queue.QueueUrl, arn };
}

async function queueDepth(url: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${lines.slice(-30).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function seen(file: string): Seen[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Seen);
}

async function start(extra: Partial<RuntimeOptions> = {}): Promise<Runtime> {
  runtime = await startRuntime({
    endpoint: emulator.url,
    distDir,
    apiPort: 0,
    region,
    credentials,
    shutdownGraceMs: 2000,
    log: (line) => lines.push(line),
    onReport: (report) => reports.push(report),
    ...extra,
  });
  return runtime;
}

// Records every record it sees in SEEN_FILE; fails the record whose body is FAIL_BODY while its receive count is below 2.
const recordingHandler = `
import { appendFileSync } from 'node:fs';
export const handler = async (event, context) => {
  const failures = [];
  for (const record of event.Records) {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount);
    appendFileSync(process.env.SEEN_FILE, JSON.stringify({
      body: record.body, messageId: record.messageId, receiveCount, pid: process.pid, at: Date.now(),
      envKeys: Object.keys(process.env), record,
      remaining: context.getRemainingTimeInMillis(),
    }) + '\\n');
    if (record.body === process.env.FAIL_BODY && receiveCount < 2) failures.push({ itemIdentifier: record.messageId });
  }
  return { batchItemFailures: failures };
};`;

// Blocks its event loop (only SIGKILL ends it) on the first delivery; succeeds on the next.
const hangingHandler = `
import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  for (const record of event.Records) {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount);
    appendFileSync(process.env.SEEN_FILE, JSON.stringify({ body: record.body, messageId: record.messageId, receiveCount, pid: process.pid, at: Date.now() }) + '\\n');
    if (receiveCount === 1) for (;;) {}
  }
  return { batchItemFailures: [] };
};`;

// Records every stream record it sees in SEEN_FILE; stops at the record whose orderId is FAIL_ID and
// reports it (and so everything after it) as failed, as an order-preserving stream handler does.
const streamHandler = `
import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  for (const record of event.Records) {
    const orderId = record.dynamodb.Keys.orderId.S;
    appendFileSync(process.env.SEEN_FILE, JSON.stringify({ orderId, sequenceNumber: record.dynamodb.SequenceNumber, batch: event.Records.length, at: Date.now(), record }) + '\\n');
    if (orderId === process.env.FAIL_ID) return { batchItemFailures: [{ itemIdentifier: record.dynamodb.SequenceNumber }] };
  }
  return { batchItemFailures: [] };
};`;

// Serves /items/{itemId} properly and /broken with a response API Gateway cannot read.
const apiHandler = `
export const handler = async (event) => {
  if (event.resource === '/broken') return { statusCode: '200', body: { not: 'a string' } };
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json', 'X-Handler': 'api' },
    body: JSON.stringify({ resource: event.resource, path: event.path, pathParameters: event.pathParameters,
      query: event.queryStringParameters, stage: event.requestContext.stage, method: event.httpMethod, body: event.body }),
  };
};`;

beforeAll(async () => {
  emulator = await startEmulator({ port: await freePort() });
  expect(emulator.started).toBe(true);
  const config = { endpoint: emulator.url, region, credentials };
  lambda = new LambdaClient(config);
  sqs = new SQSClient(config);
  apiGateway = new APIGatewayClient(config);
  dynamodb = new DynamoDBClient(config);
  workDir = mkdtempSync(join(tmpdir(), 'local-runtime-e2e-'));
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
  lambda?.destroy();
  sqs?.destroy();
  apiGateway?.destroy();
  dynamodb?.destroy();
  const pid = emulator?.pid;
  await emulator?.stop();
  if (pid !== undefined) expect(() => process.kill(pid, 0)).toThrow();
  rmSync(workDir, { recursive: true, force: true });
}, 30_000);

beforeEach(async () => {
  await runtime?.stop();
  runtime = undefined;
  lines.length = 0;
  reports.length = 0;
  // Every test starts from an empty emulator: the runtime runs everything deployed there.
  const reset = await fetch(`${emulator.url}/moto-api/reset`, { method: 'POST' });
  expect(reset.status).toBe(200);
  distDir = mkdtempSync(join(workDir, 'dist-'));
  await createRole();
});

describe('local runtime against moto', () => {
  it('reuses an emulator that already answers on the port instead of starting another', async () => {
    const port = Number(new URL(emulator.url).port);
    const again = await startEmulator({ port });
    expect(again).toMatchObject({ started: false, pid: undefined, url: emulator.url });
    await again.stop(); // a no-op: the original keeps answering
    expect((await fetch(`${emulator.url}/moto-api/reset`, { method: 'POST' })).status).toBe(200);
  });

  it('deletes the records that succeeded and leaves only the reported batch item failure to come back', async () => {
    const seenFile = join(workDir, 'partial.jsonl');
    process.env.PARENT_ONLY_SECRET = 'must-not-leak';
    const functionArn = await deployFunction('partial-fn', recordingHandler, {
      env: { SEEN_FILE: seenFile, FAIL_BODY: 'fail-me' },
    });
    const queue = await createQueue('partial-queue', 1);
    await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: functionArn,
        EventSourceArn: queue.arn,
        Enabled: false,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
    );
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: ['ok-1', 'fail-me', 'ok-2'].map((body, i) => ({
          Id: String(i),
          MessageBody: body,
          MessageAttributes: { eventType: { DataType: 'String', StringValue: 'OrderPlaced' } },
        })),
      }),
    );

    // One receive loop: moto answers concurrent ReceiveMessage calls on threads that can split the three
    // messages between loops (seen under load), and this test is about the deletes of one batch of three.
    const started = await start({ concurrency: 1 });
    expect(started.mappings).toEqual([
      expect.objectContaining({
        function: 'partial-fn',
        batchSize: 10,
        maximumBatchingWindowInSeconds: 0,
        reportBatchItemFailures: true,
        visibilityTimeoutSeconds: 1,
      }),
    ]);

    const all = await eventually('fail-me to be delivered a second time', () => {
      const records = seen(seenFile);
      return records.some((r) => r.body === 'fail-me' && r.receiveCount === 2) ? records : undefined;
    });
    await eventually('the queue to be empty', async () => ((await queueDepth(queue.url)) === 0 ? true : undefined));

    const bodies = seen(seenFile).map((r) => `${r.body}#${r.receiveCount}`);
    expect(bodies.sort()).toEqual(['fail-me#1', 'fail-me#2', 'ok-1#1', 'ok-2#1']);
    const retry = all.filter((r) => r.body === 'fail-me');
    expect((retry[1]?.at ?? 0) - (retry[0]?.at ?? 0)).toBeGreaterThanOrEqual(900); // back only after the 1 s visibility timeout

    const first = all[0];
    expect(first?.record).toMatchObject({
      messageId: first?.messageId,
      receiptHandle: expect.any(String),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.any(String),
      },
      messageAttributes: {
        eventType: { stringValue: 'OrderPlaced', stringListValues: [], binaryListValues: [], dataType: 'String' },
      },
      md5OfBody: createHash('md5')
        .update(first?.body ?? '')
        .digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: region,
    });
    // The worker has the function's environment, credentials and region, and nothing else of ours.
    expect(first?.envKeys).toEqual(
      expect.arrayContaining(['SEEN_FILE', 'FAIL_BODY', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']),
    );
    expect(first?.envKeys).not.toContain('PARENT_ONLY_SECRET');
    expect(
      lines.some((line) =>
        /invoke partial-fn sqs:partial-queue batch=3 outcome=partial deleted=2 retried=1/.test(line),
      ),
    ).toBe(true);
    // The same batches as typed reports: the one with its failure, and the retry.
    const batches = reports.filter((report) => report.type === 'batch');
    expect(batches).toContainEqual(
      expect.objectContaining({
        functionName: 'partial-fn',
        source: { kind: 'sqs', arn: queue.arn, name: 'partial-queue' },
        records: 3,
        failures: 1,
        verdict: 'partial',
      }),
    );
    // The retry's report follows its delete, so the queue can read empty a moment before it comes.
    await eventually('the retry to be reported', () =>
      reports.some(
        (r) =>
          r.type === 'batch' &&
          r.functionName === 'partial-fn' &&
          r.records === 1 &&
          r.failures === 0 &&
          r.verdict === 'success',
      )
        ? true
        : undefined,
    );
    delete process.env.PARENT_ONLY_SECRET;
  });

  it('runs a DynamoDB stream mapping: inserts in order, MODIFY filtered out, a failing record retried from its sequence number, then its position sent to the destination', async () => {
    const seenFile = join(workDir, 'stream.jsonl');
    const functionArn = await deployFunction('stream-fn', streamHandler, {
      env: { SEEN_FILE: seenFile, FAIL_ID: 'poison' },
    });
    const table = await dynamodb.send(
      new CreateTableCommand({
        TableName: 'stream-orders',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    const streamArn = table.TableDescription?.LatestStreamArn ?? '';
    const dlq = await createQueue('stream-failures', 30);
    // As envs/local creates the outbox's mapping: disabled, the runtime applies its settings.
    await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: functionArn,
        EventSourceArn: streamArn,
        Enabled: false,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: 1,
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 2,
        MaximumRecordAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Destination: dlq.arn } },
      }),
    );
    const item = (orderId: string) => ({ orderId: { S: orderId }, status: { S: 'PLACED' } });
    await dynamodb.send(
      new BatchWriteItemCommand({
        RequestItems: { 'stream-orders': ['a', 'poison', 'b'].map((id) => ({ PutRequest: { Item: item(id) } })) },
      }),
    );
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: 'stream-orders',
        Key: { orderId: { S: 'a' } },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'CONFIRMED' } },
      }),
    );

    const started = await start();
    expect(started.streamMappings).toEqual([
      expect.objectContaining({
        function: 'stream-fn',
        streamArn,
        startingPosition: 'TRIM_HORIZON',
        batchSize: 10,
        maximumRetryAttempts: 2,
        bisectBatchOnFunctionError: true,
        onFailureDestination: dlq.arn,
      }),
    ]);

    const received = await eventually('the invocation record on the destination queue', async () => {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 1 }));
      return Messages?.[0]?.Body;
    });
    // Written after the discard: a TransactWriteItems insert (as order-api writes) is delivered next.
    await dynamodb.send(
      new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'stream-orders', Item: item('c') } }] }),
    );
    await eventually('c to be delivered', () =>
      seen(seenFile).some((r) => (r as unknown as { orderId: string }).orderId === 'c') ? true : undefined,
    );

    const records = seen(seenFile) as unknown as {
      orderId: string;
      sequenceNumber: string;
      batch: number;
      record: Record<string, unknown>;
    }[];
    // One batch of the three inserts (the window gathered them); the MODIFY never reaches the function.
    expect(records.map((r) => `${r.orderId}/${r.batch}`)).toEqual(['a/3', 'poison/3', 'poison/2', 'poison/2', 'c/1']);
    const sequence = records.map((r) => BigInt(r.sequenceNumber));
    expect(sequence[0]).toBeLessThan(sequence[1] ?? 0n);
    expect(sequence[1]).toBeLessThan(sequence[4] ?? 0n);
    expect(records[0]?.record).toEqual({
      eventID: expect.any(String),
      eventName: 'INSERT',
      eventVersion: expect.any(String),
      eventSource: 'aws:dynamodb',
      awsRegion: region,
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { orderId: { S: 'a' } },
        NewImage: item('a'),
        SequenceNumber: records[0]?.sequenceNumber,
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: streamArn,
    });

    const invocationRecord = JSON.parse(received) as Record<string, unknown>;
    expect(invocationRecord).toEqual({
      requestContext: {
        requestId: expect.any(String),
        functionArn,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      version: '1.0',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      DDBStreamBatchInfo: {
        shardId: expect.stringMatching(/^shardId-/),
        // From the reported record to the end of the batch: 'a' was done, poison and b were discarded.
        startSequenceNumber: records[1]?.sequenceNumber,
        endSequenceNumber: String((sequence[1] ?? 0n) + 1n),
        approximateArrivalOfFirstRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        approximateArrivalOfLastRecord: expect.stringMatching(/Z$/),
        batchSize: 2,
        streamArn,
      },
    });
    expect(
      lines.some((line) =>
        /invoke stream-fn ddb:stream-orders batch=3 outcome=partial done=1 retried=2 attempt=1/.test(line),
      ),
    ).toBe(true);
    expect(
      lines.some((line) =>
        /discard stream-fn ddb:stream-orders RetryAttemptsExhausted records=2 .* sent to stream-failures/.test(line),
      ),
    ).toBe(true);
  });

  it('a restarted runtime resumes a stream mapping after its checkpoint: from LATEST, what was written while it was down is delivered, nothing is repeated', async () => {
    const seenFile = join(workDir, 'restart.jsonl');
    const functionArn = await deployFunction('restart-fn', streamHandler, {
      env: { SEEN_FILE: seenFile, FAIL_ID: 'none' },
    });
    const table = await dynamodb.send(
      new CreateTableCommand({
        TableName: 'restart-orders',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    );
    await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: functionArn,
        EventSourceArn: table.TableDescription?.LatestStreamArn,
        Enabled: false,
        StartingPosition: 'LATEST',
      }),
    );
    const put = (orderId: string) =>
      dynamodb.send(
        new BatchWriteItemCommand({
          RequestItems: { 'restart-orders': [{ PutRequest: { Item: { orderId: { S: orderId } } } }] },
        }),
      );
    const delivered = () => seen(seenFile).map((r) => (r as unknown as { orderId: string }).orderId);
    const streamCheckpointFile = join(workDir, 'stream-checkpoints.json');

    await start({ streamCheckpointFile });
    await eventually('the poller to be reading', () =>
      lines.some((line) => line.startsWith('runtime: reading ')) ? true : undefined,
    );
    // LATEST is where the shard stands when the poller first reads it: write until a record goes through.
    const written: string[] = [];
    await eventually('a first record to be delivered', async () => {
      if (delivered().length > 0) return true;
      written.push(`first-${written.length + 1}`);
      await put(written[written.length - 1] ?? '');
      return undefined;
    });
    await runtime?.stop();
    await put('while-down');
    written.push('while-down');
    await start({ streamCheckpointFile });
    await eventually('while-down to be delivered', () => (delivered().includes('while-down') ? true : undefined));

    const ids = delivered();
    expect(new Set(ids).size).toBe(ids.length); // nothing delivered twice
    expect(ids.slice(-1)).toEqual(['while-down']); // in memory only, LATEST skipped it
  });

  it('kills a worker that passes the function timeout; its messages return after the visibility timeout and a fresh worker processes them', async () => {
    const seenFile = join(workDir, 'timeout.jsonl');
    const functionArn = await deployFunction('hanging-fn', hangingHandler, {
      timeout: 1,
      env: { SEEN_FILE: seenFile },
    });
    const queue = await createQueue('hanging-queue', 2);
    await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: functionArn,
        EventSourceArn: queue.arn,
        Enabled: false,
        BatchSize: 1,
      }),
    );
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: [{ Id: 'a', MessageBody: 'slow' }] }));

    await start();
    const attempts = await eventually('a second attempt', () => {
      const records = seen(seenFile);
      return records.length >= 2 ? records : undefined;
    });
    await eventually('the queue to be empty', async () => ((await queueDepth(queue.url)) === 0 ? true : undefined));

    const [hung, retried] = attempts;
    expect(hung?.receiveCount).toBe(1);
    expect(retried?.receiveCount).toBe(2);
    expect(retried?.pid).not.toBe(hung?.pid);
    expect(() => process.kill(hung?.pid ?? 0, 0)).toThrow(); // the hung worker is gone
    expect((retried?.at ?? 0) - (hung?.at ?? 0)).toBeGreaterThanOrEqual(1900); // visibility timeout 2 s, not the 1 s function timeout
    expect(
      lines.some((line) =>
        /invoke hanging-fn sqs:hanging-queue batch=1 outcome=failed deleted=0 retried=1 .*timeout: Task timed out after 1\.00 seconds/.test(
          line,
        ),
      ),
    ).toBe(true);
    expect(
      lines.some((line) => /invoke hanging-fn sqs:hanging-queue batch=1 outcome=success deleted=1/.test(line)),
    ).toBe(true);
  });

  it('inspect (INSPECT=<function> make up): that function runs one worker with the inspector on the port it logs; a name no function has is refused', async () => {
    await deployFunction('inspected-fn', 'export const handler = async () => "inspected";');
    await deployFunction('other-fn', 'export const handler = async () => "other";');
    const port = await freePort();

    await expect(start({ inspect: { functionName: 'no-such-fn', port } })).rejects.toThrow(
      /INSPECT=no-such-fn names no one deployed function \(inspected-fn, other-fn\)/,
    );
    await start({ inspect: { functionName: 'inspected-fn', port } });

    // The inspector's HTTP endpoint: one target, the inspected function's worker, and a debugger's WebSocket URL.
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as {
      type: string;
      webSocketDebuggerUrl: string;
    }[];
    expect(targets).toEqual([
      expect.objectContaining({
        type: 'node',
        webSocketDebuggerUrl: expect.stringContaining(`ws://127.0.0.1:${port}/`),
      }),
    ]);
    expect(lines).toContainEqual(
      expect.stringContaining(`runtime: inspected-fn runs one worker with the inspector on 127.0.0.1:${port}`),
    );
    await runtime?.stop();
    runtime = undefined;
    await expect(fetch(`http://127.0.0.1:${port}/json`)).rejects.toThrow(); // stopped with its worker
  });

  it('refuses to run code whose SHA-256 differs from the CodeSha256 the emulator holds', async () => {
    await deployFunction('stale-fn', 'export const handler = async () => "deployed";', {
      distSource: 'export const handler = async () => "rebuilt since";',
    });
    const attempt = start();
    await expect(attempt).rejects.toBeInstanceOf(CodeMismatchError);
    await expect(attempt).rejects.toThrow(/stale-fn: .*stale-fn\.zip .* is not the code deployed to the emulator/);
  });

  it('serves the API: path parameters reach the function, a malformed response is a 502, an unknown route a 403', async () => {
    const functionArn = await deployFunction('api-fn', apiHandler);
    const { id: restApiId } = await apiGateway.send(new CreateRestApiCommand({ name: 'orders-api' }));
    if (restApiId === undefined) throw new Error('no api id');
    const rootId = (await apiGateway.send(new GetResourcesCommand({ restApiId }))).items?.[0]?.id;
    const uri = `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
    const items = await apiGateway.send(new CreateResourceCommand({ restApiId, parentId: rootId, pathPart: 'items' }));
    const item = await apiGateway.send(
      new CreateResourceCommand({ restApiId, parentId: items.id, pathPart: '{itemId}' }),
    );
    const broken = await apiGateway.send(
      new CreateResourceCommand({ restApiId, parentId: rootId, pathPart: 'broken' }),
    );
    for (const resourceId of [item.id, broken.id]) {
      await apiGateway.send(
        new PutMethodCommand({ restApiId, resourceId, httpMethod: 'GET', authorizationType: 'NONE' }),
      );
      await apiGateway.send(
        new PutIntegrationCommand({
          restApiId,
          resourceId,
          httpMethod: 'GET',
          type: 'AWS_PROXY',
          integrationHttpMethod: 'POST',
          uri,
        }),
      );
    }
    await apiGateway.send(new CreateDeploymentCommand({ restApiId, stageName: 'local' }));

    const { apiUrl } = await start();
    const base = new URL(apiUrl);
    expect(apiUrl).toBe(`http://127.0.0.1:${base.port}/_aws/execute-api/${restApiId}/local`);

    const ok = await fetch(`${apiUrl}/items/i%2042?verbose=1`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-handler')).toBe('api');
    expect(await ok.json()).toEqual({
      resource: '/items/{itemId}',
      path: '/items/i%2042',
      pathParameters: { itemId: 'i 42' },
      query: { verbose: '1' },
      stage: 'local',
      method: 'GET',
      body: null,
    });
    // LocalStack's other URL form reaches the same route.
    const other = await fetch(`${base.origin}/restapis/${restApiId}/local/_user_request_/items/7`);
    expect(((await other.json()) as { pathParameters: unknown }).pathParameters).toEqual({ itemId: '7' });

    const malformed = await fetch(`${apiUrl}/broken`);
    expect(malformed.status).toBe(502);
    expect(await malformed.json()).toEqual({ message: 'Internal server error' });

    const unknown = await fetch(`${apiUrl}/nowhere`);
    expect(unknown.status).toBe(403);
    expect(await unknown.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(
      lines.some((line) =>
        /invoke api-fn api:GET .*\/broken status=502 .*malformed Lambda proxy response: statusCode/.test(line),
      ),
    ).toBe(true);
    expect(reports).toContainEqual(
      expect.objectContaining({
        type: 'request',
        functionName: 'api-fn',
        method: 'GET',
        path: expect.stringMatching(/\/broken$/),
        status: 502,
      }),
    );
    expect(reports).toContainEqual(
      expect.objectContaining({
        type: 'request',
        functionName: undefined,
        path: expect.stringMatching(/\/nowhere$/),
        status: 403,
        note: 'no route',
      }),
    );
  });
  it('main.ts prints RUNTIME READY with the API URL, functions and mappings, and stops cleanly on SIGTERM', async () => {
    const functionArn = await deployFunction('cli-fn', apiHandler);
    const queue = await createQueue('cli-queue', 5);
    await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: functionArn,
        EventSourceArn: queue.arn,
        Enabled: false,
        BatchSize: 5,
      }),
    );
    const { id: restApiId } = await apiGateway.send(new CreateRestApiCommand({ name: 'cli-api' }));
    const rootId = (await apiGateway.send(new GetResourcesCommand({ restApiId }))).items?.[0]?.id;
    const items = await apiGateway.send(new CreateResourceCommand({ restApiId, parentId: rootId, pathPart: 'items' }));
    const item = await apiGateway.send(
      new CreateResourceCommand({ restApiId, parentId: items.id, pathPart: '{itemId}' }),
    );
    await apiGateway.send(
      new PutMethodCommand({ restApiId, resourceId: item.id, httpMethod: 'GET', authorizationType: 'NONE' }),
    );
    await apiGateway.send(
      new PutIntegrationCommand({
        restApiId,
        resourceId: item.id,
        httpMethod: 'GET',
        type: 'AWS_PROXY',
        integrationHttpMethod: 'POST',
        uri: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`,
      }),
    );
    await apiGateway.send(new CreateDeploymentCommand({ restApiId, stageName: 'local' }));

    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve('emulation/runtime/main.ts'),
        '--endpoint',
        emulator.url,
        '--dist',
        distDir,
        '--api-port',
        '0',
        '--grace-ms',
        '2000',
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          AWS_REGION: region,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const readyLine = await eventually(
        'RUNTIME READY',
        () => stdout.split('\n').find((line) => line.startsWith('RUNTIME READY ')),
        30_000,
      );
      const ready = JSON.parse(readyLine.slice('RUNTIME READY '.length)) as {
        apiUrl: string;
        functions: unknown[];
        mappings: unknown[];
      };

      expect(ready.apiUrl).toMatch(
        new RegExp(`^http://127\\.0\\.0\\.1:\\d+/_aws/execute-api/${restApiId ?? ''}/local$`),
      );
      expect(ready.functions).toEqual([expect.objectContaining({ name: 'cli-fn', timeoutSeconds: 3 })]);
      expect(ready.mappings).toEqual([
        {
          function: 'cli-fn',
          queueUrl: queue.url,
          batchSize: 5,
          maximumBatchingWindowInSeconds: 0,
          reportBatchItemFailures: false,
          visibilityTimeoutSeconds: 5,
        },
      ]);
      const response = await fetch(`${ready.apiUrl}/items/42`);
      expect(((await response.json()) as { pathParameters: unknown }).pathParameters).toEqual({ itemId: '42' });
      await eventually('the invocation log line', () =>
        /invoke cli-fn api:GET \S+\/items\/42 status=200 duration=/.test(stdout) ? true : undefined,
      );
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/runtime: stopped in/);
  });
});
