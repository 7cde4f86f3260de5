// The gate's refusals, served from loopback and read by the real SDK clients: each is the error the
// SDK raises for AWS's own refusal, with AWS's message, and failures.ts classifies it as a fault
// (retried, then dead-lettered: a missing grant is fixed by an operator, not by waiting).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { classifyFailure } from '../../../../functions/shared/failures.js';
import {
  accessDenied,
  recipientNotVerified,
  unrecognizedCredentials,
  type Answer,
} from '../../../../emulation/iam/denials.js';
import { signedCallOf } from '../../../../emulation/iam/requests.js';

let server: Server;
let endpoint: string;
let answer: (call: ReturnType<typeof signedCallOf>) => Answer;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const call = signedCallOf(req.method ?? 'POST', req.url ?? '/', req.headers, Buffer.concat(chunks).toString());
      const { status, headers, body } = answer(call);
      res.writeHead(status, headers);
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const config = () => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'x', sessionToken: 't' },
  maxAttempts: 1,
});
const MESSAGE =
  'User: arn:aws:sts::000000000000:assumed-role/r/s is not authorized to perform: x on resource: y because no identity-based policy allows the x action';

const calls = {
  DynamoDB: () => new DynamoDBClient(config()).send(new GetItemCommand({ TableName: 't', Key: { k: { S: '1' } } })),
  SNS: () =>
    new SNSClient(config()).send(
      new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: 'm' }),
    ),
  SQS: () =>
    new SQSClient(config()).send(
      new ReceiveMessageCommand({ QueueUrl: `${endpoint}/000000000000/q`, MaxNumberOfMessages: 1 }),
    ),
  SESv2: () =>
    new SESv2Client(config()).send(
      new SendEmailCommand({
        FromEmailAddress: 'orders@shop.example',
        Destination: { ToAddresses: ['a@b.example'] },
        Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } },
      }),
    ),
};

describe('accessDenied', () => {
  it.each([
    ['DynamoDB', 'AccessDeniedException', 400],
    ['SNS', 'AuthorizationErrorException', 403],
    ['SQS', 'AccessDenied', 400],
    ['SESv2', 'AccessDeniedException', 403],
  ] as const)('%s: the SDK raises %s with the message, and it is a fault', async (service, name, status) => {
    expect.assertions(4);
    answer = (call) => accessDenied(call, MESSAGE);
    try {
      await calls[service]();
    } catch (error) {
      const e = error as Error & { $metadata: { httpStatusCode: number } };
      expect(e.name).toBe(name);
      expect(e.message).toBe(MESSAGE);
      expect(e.$metadata.httpStatusCode).toBe(status);
      expect(classifyFailure(e)).toBe('fault');
    }
  });
});

describe('unrecognizedCredentials', () => {
  it.each([
    ['DynamoDB', 'UnrecognizedClientException'],
    ['SNS', 'InvalidClientTokenId'],
    ['SQS', 'InvalidClientTokenId'],
  ] as const)('%s: %s', async (service, name) => {
    expect.assertions(2);
    answer = (call) => unrecognizedCredentials(call);
    try {
      await calls[service]();
    } catch (error) {
      expect((error as Error).name).toBe(name);
      expect((error as Error).message).toBe('The security token included in the request is invalid.');
    }
  });
});

describe('recipientNotVerified', () => {
  it("is SES's MessageRejected for the sandbox, naming the addresses", async () => {
    expect.assertions(2);
    answer = (call) => recipientNotVerified(call, 'us-east-1', ['a@b.example']);
    try {
      await calls.SESv2();
    } catch (error) {
      expect((error as Error).name).toBe('MessageRejected');
      expect((error as Error).message).toBe(
        'Email address is not verified. The following identities failed the check in region US-EAST-1: a@b.example',
      );
    }
  });
});
