// emulation/moto/fixes/sqs/, proven on a bare emulator (no Terraform): SQS queue attributes as AWS
// answers them (redrive_allow_policy: RedriveAllowPolicy stored and returned; redrive_policy_compact:
// RedrivePolicy as compact JSON; policy_kept: the Policy kept by a SetQueueAttributes that does not
// name it; plain moto 5.2.1 fails each), a SendMessage and ReceiveMessage that do not recount the
// queue per message (send_without_recount, retention_without_recount), and no delivery of moto's own
// to an enabled mapping (no_mapping_delivery).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { CreateEventSourceMappingCommand, DeleteEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { alternatedMedians, bareEmulator, idleFunction } from '../../support/emulator.js';

const emulator = bareEmulator();

it('sending 10 messages to and receiving 10 from a queue of 2,000 cost within 10 x what they cost on a queue of 20 (plain moto recounts the queue per message)', async () => {
  const sqs = new SQSClient(emulator.config());
  const Entries = Array.from({ length: 10 }, (_, j) => ({ Id: String(j), MessageBody: 'x'.repeat(400) }));
  const send = (QueueUrl: string) => sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
  const receive = async (QueueUrl: string) => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    expect(Messages).toHaveLength(10);
  };
  const queue = async (count: number) => {
    const { QueueUrl = '' } = await sqs.send(
      new CreateQueueCommand({ QueueName: `check-depth-${count}-${randomUUID()}` }),
    );
    for (let i = 0; i < count; i += 10) await send(QueueUrl);
    return QueueUrl;
  };
  const [shallow, deep] = [await queue(20), await queue(2000)];
  try {
    const [sendShallow = 0, receiveShallow = 0, sendDeep = 0, receiveDeep = 0] = await alternatedMedians(
      15,
      () => send(shallow),
      () => receive(shallow),
      () => send(deep),
      () => receive(deep),
    );
    // Plain moto, in process: a receive took 1,571 ms from 2,000 messages against 23 ms from 20 (measured).
    const medians = { send: [sendShallow, sendDeep], receive: [receiveShallow, receiveDeep] };
    const verdicts = Object.entries(medians).map(([call, [shallowMs = 0, deepMs = 0]]) => {
      return deepMs / shallowMs <= 10
        ? `${call}: close`
        : `${call}: ${deepMs.toFixed(1)} ms on 2,000 messages against ${shallowMs.toFixed(1)} ms on 20`;
    });
    expect(verdicts).toEqual(['send: close', 'receive: close']);
  } finally {
    await Promise.all(
      [shallow, deep].map((QueueUrl) => sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined)),
    );
    sqs.destroy();
  }
}, 180_000);

describe('SQS queue attributes, as AWS answers them', () => {
  let sqs: SQSClient;
  const created: string[] = [];
  beforeAll(() => {
    sqs = new SQSClient(emulator.config());
  });
  const createQueue = async (name: string, Attributes?: Record<string, string>) => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${randomUUID()}`, Attributes }));
    if (QueueUrl === undefined) throw new Error('CreateQueue returned no QueueUrl');
    created.push(QueueUrl);
    const { Attributes: { QueueArn = '' } = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    return { url: QueueUrl, arn: QueueArn };
  };
  const attributes = async (QueueUrl: string, names: string[] = ['All']) =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: names as never }))).Attributes ?? {};

  afterAll(async () => {
    await Promise.all(created.map((QueueUrl) => sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined)));
    sqs.destroy();
  });

  it('stores RedriveAllowPolicy and returns it (by name and under All), as compact JSON; "" removes it', async () => {
    const source = await createQueue('check-source');
    const allow = { redrivePermission: 'byQueue', sourceQueueArns: [source.arn] };
    // Spaced on purpose: SQS answers compact JSON whatever the spacing it was given.
    const dlq = await createQueue('check-dlq', { RedriveAllowPolicy: JSON.stringify(allow, null, 1) });

    expect(await attributes(dlq.url, ['RedriveAllowPolicy'])).toEqual({ RedriveAllowPolicy: JSON.stringify(allow) });
    expect((await attributes(dlq.url)).RedriveAllowPolicy).toBe(JSON.stringify(allow));

    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: dlq.url,
        Attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }) },
      }),
    );
    expect((await attributes(dlq.url)).RedriveAllowPolicy).toBe('{"redrivePermission":"denyAll"}');
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: dlq.url, Attributes: { RedriveAllowPolicy: '' } }));
    expect(await attributes(dlq.url)).not.toHaveProperty('RedriveAllowPolicy');
  });

  it('refuses a RedriveAllowPolicy that is not a policy', async () => {
    expect.assertions(1);
    const dlq = await createQueue('check-dlq');
    await expect(
      sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: dlq.url,
          Attributes: { RedriveAllowPolicy: '{"redrivePermission":"sometimes"}' },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
  });

  it('returns RedrivePolicy as compact JSON (the provider compares the text: a spaced answer is a diff on every plan)', async () => {
    const dlq = await createQueue('check-dlq');
    const queue = await createQueue('check-queue', {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }),
    });

    expect((await attributes(queue.url)).RedrivePolicy).toBe(
      `{"deadLetterTargetArn":"${dlq.arn}","maxReceiveCount":3}`,
    );
  });

  it('keeps the Policy when SetQueueAttributes does not name it', async () => {
    const queue = await createQueue('check-queue');
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: queue.arn,
        },
      ],
    };
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: queue.url, Attributes: { Policy: JSON.stringify(policy) } }),
    );

    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queue.url, Attributes: { VisibilityTimeout: '7' } }));

    const after = await attributes(queue.url);
    expect({ visibility: after.VisibilityTimeout, policy: JSON.parse(after.Policy ?? 'null') as unknown }).toEqual({
      visibility: '7',
      policy,
    });
  });

  it('an enabled event source mapping is kept, and a message sent to its queue is received by nobody but the caller (plain moto receives it in SendMessage)', async () => {
    const queue = await createQueue('check-mapped');
    const lambda = new LambdaClient(emulator.config());
    // A function nothing runs: no runtime polls this emulator.
    const functionArn = await idleFunction(emulator.config(), 'check-mapped');
    const mapping = await lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: functionArn, EventSourceArn: queue.arn, Enabled: true }),
    );
    try {
      expect(mapping.State).toBe('Enabled');
      await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{}' }));
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queue.url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
      );
      // Plain moto: "2" (its own delivery received it once, failed without Docker, and made it visible again).
      expect(Messages.map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['1']);
    } finally {
      await lambda.send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID }));
      lambda.destroy();
    }
  });
});
