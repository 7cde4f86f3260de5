// The IAM gate: authorises each call a function makes (or the runtime makes for it, as Lambda's
// pollers do) the way AWS would, before the emulator, which checks no permission, sees it.
//
// Who calls is read from the request's credentials, never from anything else: the runtime gives each
// function's workers the credentials of its execution role (AssumeRole on the emulator, as Lambda
// assumes it), and the gate asks the emulator's STS whose they are (GetCallerIdentity; the emulator
// does not check signatures, so the access key alone names the session). Credentials that name no
// assumed role are refused as AWS refuses credentials it did not issue.
//
// What the role may do is read from the emulator's IAM, where Terraform put it (inline and attached
// policies); a queue's and a topic's own policy count too. Each is read again at most every
// `refreshMs`: IAM changes reach AWS's enforcement within seconds, not at once, and reading a role's
// policies on every call would double the emulator's work.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { GetPolicyCommand as GetFunctionPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { paginateListEmailIdentities, SESv2Client } from '@aws-sdk/client-sesv2';
import { accessDenied, recipientNotVerified, spelledAction, unrecognizedCredentials, type Answer } from './denials.js';
import { denialMessage, evaluate, parsePolicy, type Decision, type Principal, type Statement } from './policy.js';
import { authorizationsFor, type Scope, type SignedCall } from './requests.js';

export interface IamGateOptions {
  /** The emulator, whose IAM, STS, SQS, SNS, SES and Lambda APIs the gate reads (with the operator's credentials). */
  endpoint: string;
  region: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** The account is in the SES sandbox: every recipient must be a verified identity, and the send is authorised on it too. */
  sesSandbox?: boolean;
  /** How long a policy read from the emulator is used before it is read again (default 1000 ms). */
  refreshMs?: number;
}

/** One (action, resource) a role asked for, and how often it was allowed and denied. */
export interface ObservedAuthorization {
  role: string;
  action: string;
  resource: string;
  allowed: number;
  denied: number;
}

export interface IamGate {
  /** undefined: let the call through; otherwise AWS's refusal, in the call's protocol. */
  authorize(call: SignedCall, headers: { authorization?: string; securityToken?: string }): Promise<Answer | undefined>;
  /** Learns from an answer what later calls refer to (the shard iterators a stream read hands out). */
  learn(call: SignedCall, status: number, body: string): void;
  /** May API Gateway (this source ARN) invoke the function? Its resource policy (aws_lambda_permission) decides. */
  mayInvoke(functionName: string, sourceArn: string): Promise<boolean>;
  /** A test that takes a grant away on purpose says which denials it provokes: the least-privilege report leaves them out. */
  expectDenial(pair: { role: string; action: string; resource: string }): void;

  /** The identity policy the gate holds now for a role (read again if older than refreshMs). */
  rolePolicy(roleArn: string): Promise<Statement[]>;
  /** Everything the least-privilege check reads (tools/least-privilege.ts). */
  report(): IamReport;
}

export interface IamReport {
  observed: ObservedAuthorization[];
  roles: Record<string, Statement[]>;
  expectedDenials: { role: string; action: string; resource: string }[];
}

/** A value read from the emulator and kept for `ttl` ms; concurrent readers share one read. */
class Cached<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();
  constructor(
    private readonly ttl: number,
    private readonly read: (key: string) => Promise<T>,
  ) {}
  get(key: string): Promise<T> {
    const entry = this.entries.get(key);
    if (entry !== undefined && Date.now() - entry.at < this.ttl) return entry.value;
    const value = this.read(key);
    this.entries.set(key, { at: Date.now(), value });
    value.catch(() => this.entries.delete(key));
    return value;
  }
}

const FOREVER = Number.POSITIVE_INFINITY;

/**
 * Which stream each shard iterator reads, learnt from the answers that hand iterators out. An
 * iterator may be read again (a reader whose answer was lost retries it), so none is forgotten when
 * used; each is forgotten 15 minutes after it was handed out, when AWS's expire, and the oldest go
 * early once there are `max`. A stream read four times a second hands out some 3,600 iterators in
 * 15 minutes: the memory held stays flat however long the stack runs.
 */
export class ShardIterators {
  private readonly streams = new Map<string, { stream: string; at: number }>();
  constructor(
    private readonly max = 10_000,
    private readonly lifetimeMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}
  remember(iterator: string, stream: string): void {
    const now = this.now();
    this.streams.delete(iterator);
    this.streams.set(iterator, { stream, at: now });
    // Oldest first: the map keeps insertion order.
    for (const [key, { at }] of this.streams) {
      if (this.streams.size <= this.max && now - at < this.lifetimeMs) break;
      this.streams.delete(key);
    }
  }
  streamOf(iterator: string): string | undefined {
    const known = this.streams.get(iterator);
    return known === undefined || this.now() - known.at >= this.lifetimeMs ? undefined : known.stream;
  }
}

/** The access key from a SigV4 Authorization header. */
function accessKeyOf(authorization: string | undefined): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1];
}

/** arn:aws:sts::123456789012:assumed-role/name/session → the role's ARN (the path is not in a session's ARN). */
const roleOfSession = (sessionArn: string): { roleArn: string; roleName: string; accountId: string } | undefined => {
  const match = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(sessionArn);
  if (!match) return undefined;
  const [, partition, accountId, roleName] = match as unknown as [string, string, string, string];
  return { roleArn: `arn:${partition}:iam::${accountId}:role/${roleName}`, roleName, accountId };
};

export function createIamGate(options: IamGateOptions): IamGate {
  const config = {
    endpoint: options.endpoint,
    region: options.region,
    credentials: options.credentials ?? { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const iam = new IAMClient(config);
  const sqs = new SQSClient(config);
  const sns = new SNSClient(config);
  const lambda = new LambdaClient(config);
  const ses = new SESv2Client(config);
  const ttl = options.refreshMs ?? 1000;
  const iterators = new ShardIterators();
  const observed = new Map<string, ObservedAuthorization>();
  const lastRead = new Map<string, Statement[]>();
  const expected: { role: string; action: string; resource: string }[] = [];

  // Whose credentials: the session they name never changes, so it is asked once per access key.
  const sessions = new Cached<string>(FOREVER, async (key) => {
    const [accessKeyId, sessionToken] = key.split('\n') as [string, string];
    const sts = new STSClient({
      ...config,
      credentials: { accessKeyId, secretAccessKey: 'not-checked', ...(sessionToken ? { sessionToken } : {}) },
    });
    try {
      return (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? '';
    } finally {
      sts.destroy();
    }
  });

  const roles = new Cached<Statement[]>(ttl, async (roleName) => {
    const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
    const documents = await Promise.all([
      ...(inline.PolicyNames ?? []).map(
        async (PolicyName) =>
          (await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName }))).PolicyDocument ?? '{}',
      ),
      ...(attached.AttachedPolicies ?? []).map(async ({ PolicyArn }) => {
        const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn }));
        const { PolicyVersion } = await iam.send(
          new GetPolicyVersionCommand({ PolicyArn, VersionId: Policy?.DefaultVersionId }),
        );
        return PolicyVersion?.Document ?? '{}';
      }),
    ]);
    return documents.flatMap((document) => parsePolicy(document));
  });

  // A resource's own policy: none when it has none (or does not exist: AWS then decides by the identity policy alone).
  const resourcePolicies = new Cached<Statement[]>(ttl, async (arn) => {
    try {
      const [, , service, , account, name] = arn.split(':');
      let policy: string | undefined;
      if (service === 'sqs')
        policy = (
          await sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: new URL(`/${account}/${name}`, options.endpoint).href,
              AttributeNames: ['Policy'],
            }),
          )
        ).Attributes?.Policy;
      else if (service === 'sns')
        policy = (await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes?.Policy;
      else if (service === 'lambda')
        policy = (await lambda.send(new GetFunctionPolicyCommand({ FunctionName: arn }))).Policy;
      return policy ? parsePolicy(policy) : [];
    } catch {
      return [];
    }
  });

  // The identities SES has verified: in the sandbox, every recipient must be one of them.
  const sesIdentities = new Cached<Set<string>>(ttl, async () => {
    const names = new Set<string>();
    for await (const page of paginateListEmailIdentities({ client: ses }, {}))
      for (const identity of page.EmailIdentities ?? []) if (identity.IdentityName) names.add(identity.IdentityName);
    return names;
  });

  const note = (role: string, action: string, resource: string, allowed: boolean): void => {
    const key = `${role}\t${action}\t${resource}`;
    const entry = observed.get(key) ?? { role, action, resource, allowed: 0, denied: 0 };
    if (allowed) entry.allowed += 1;
    else entry.denied += 1;
    observed.set(key, entry);
  };

  const rolePolicy = async (roleArn: string): Promise<Statement[]> => {
    const statements = await roles.get(roleArn.split('/').pop() ?? roleArn);
    lastRead.set(roleArn, statements);
    return statements;
  };

  return {
    async authorize(call, headers) {
      const accessKey = accessKeyOf(headers.authorization);
      const sessionArn =
        accessKey === undefined ? '' : await sessions.get(`${accessKey}\n${headers.securityToken ?? ''}`);
      const session = roleOfSession(sessionArn);
      if (session === undefined) return unrecognizedCredentials(call);
      const identities =
        call.service === 'ses' || call.service === 'email' ? await sesIdentities.get('') : new Set<string>();
      const scope: Scope = {
        region: options.region,
        accountId: session.accountId,
        streamOfIterator: (iterator) => iterators.streamOf(iterator),
        sesIdentity: (address) => (identities.has(address) ? address : (address.split('@').pop() ?? address)),
      };
      const needed = authorizationsFor(call, scope, options.sesSandbox === true);
      if ('unknown' in needed)
        return accessDenied(
          call,
          `The local IAM gate cannot tell what AWS authorises for ${needed.unknown}: add it to emulation/iam/requests.ts`,
        );
      const identityPolicy = await rolePolicy(session.roleArn);
      const principal: Principal = { kind: 'role', sessionArn, ...session };
      const context = {
        'aws:PrincipalArn': session.roleArn,
        'aws:PrincipalAccount': session.accountId,
        'aws:PrincipalType': 'AssumedRole',
        'aws:RequestedRegion': options.region,
        // AWS's endpoints are TLS only; the emulator's are not, and policies should not see the difference.
        'aws:SecureTransport': 'true',
        'aws:CurrentTime': new Date().toISOString(),
        ...needed.context,
      };
      for (const { action, resource } of needed.authorizations) {
        const resourcePolicy = await resourcePolicies.get(resource);
        const decision: Decision = evaluate({ action, resource, principal, identityPolicy, resourcePolicy, context });
        note(session.roleArn, action, resource, decision.allowed);
        if (!decision.allowed)
          return accessDenied(
            call,
            denialMessage(sessionArn, spelledAction(call.service, action), resource, decision.by),
          );
      }
      if (options.sesSandbox === true) {
        const unverified = needed.recipients.filter(
          (address) => !identities.has(address) && !identities.has(address.split('@').pop() ?? ''),
        );
        if (unverified.length > 0) return recipientNotVerified(call, options.region, unverified);
      }
      return undefined;
    },

    learn(call, status, body) {
      if (call.service !== 'dynamodb' || status !== 200) return;
      if (call.operation === 'GetShardIterator') {
        const stream = (JSON.parse(call.body) as { StreamArn?: string }).StreamArn;
        const iterator = (JSON.parse(body) as { ShardIterator?: string }).ShardIterator;
        if (stream && iterator) iterators.remember(iterator, stream);
      } else if (call.operation === 'GetRecords') {
        const used = (JSON.parse(call.body) as { ShardIterator?: string }).ShardIterator ?? '';
        const stream = iterators.streamOf(used);
        const next = (JSON.parse(body) as { NextShardIterator?: string }).NextShardIterator;
        if (stream && next) iterators.remember(next, stream);
      }
    },

    async mayInvoke(functionName, sourceArn) {
      const [, , , region, accountId] = sourceArn.split(':');
      const resource = `arn:aws:lambda:${region ?? options.region}:${accountId ?? ''}:function:${functionName}`;
      const resourcePolicy = await resourcePolicies.get(resource);
      const decision = evaluate({
        action: 'lambda:InvokeFunction',
        resource,
        principal: { kind: 'service', service: 'apigateway.amazonaws.com' },
        identityPolicy: [],
        resourcePolicy,
        context: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': accountId ?? '' },
      });
      note('apigateway.amazonaws.com', 'lambda:InvokeFunction', resource, decision.allowed);
      return decision.allowed;
    },

    expectDenial: (pair) => void expected.push(pair),
    rolePolicy,
    report: () => ({
      observed: [...observed.values()],
      roles: Object.fromEntries(lastRead),
      expectedDenials: [...expected],
    }),
  };
}
