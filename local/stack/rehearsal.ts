// The real environment rehearsed on the emulator (`make rehearse`): infra/envs/aws itself, the
// configuration a real environment applies, with the variables one sets (a name prefix, the operator
// role, alarms notifying the alerts topic, the user pool as on AWS), applied to the emulator through
// override files of the kind tflocal writes, in a copy of infra/ (local/stack/tf-overrides.ts): the
// S3 backend is never contacted and no file of the repository is touched. The stack runs through
// startStack, as make up's does (the same emulator, build, seed and runtime), then a smoke test
// drives it as a customer and an operator would, and everything the rehearsal started is stopped.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  GetQueueAttributesCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { listDlq } from '../ops/dlq/messages.js';
import { discover, queueName } from '../ops/dlq/topology.js';
import { clientsFor, collectStatus, refsFromState } from '../ops/status.js';
import { freePort } from '../../emulation/emulator.js';
import { startStack, type Deployment, type Stack, type StackOptions } from './stack.js';
import * as terraform from './terraform.js';
import { eventually } from './eventually.js';
import { copyInfra, localBackendOverride, providerOverride, writeOverride } from './tf-overrides.js';
import { customerToken } from './token.js';

/** The prefix of the rehearsed environment: every name carries it, as every real environment's do. */
const REHEARSAL_PREFIX = 'rehearsal-';

/** What a real environment sets in envs/aws (its tfvars), for the rehearsal. */
const REHEARSAL_VARS: Record<string, string> = {
  name_prefix: REHEARSAL_PREFIX,
  sender_email: 'orders@example.com',
  operator_role_enabled: 'true',
};

/**
 * infra/envs/aws in a copy of infra/ under `workDir`, with two override files: the provider pointed
 * at the emulator (tflocal's kind: test credentials, skip flags, the region and every service's
 * endpoint; envs/aws's default_tags stay) and the state in a local file instead of the S3 backend.
 */
function rehearsalDeployment(workDir: string, vars: Record<string, string> = REHEARSAL_VARS): Deployment {
  const envDir = join(copyInfra(workDir), 'envs', 'aws');
  return {
    name: 'infra/envs/aws (a copy, with a tflocal-style provider override and a local backend)',
    init: async (onOutput) => {
      writeOverride(envDir, 'backend_override.tf', localBackendOverride(join(workDir, 'terraform.tfstate')));
      await terraform.init(onOutput, envDir);
    },
    apply: (options) => {
      writeOverride(envDir, 'localstack_providers_override.tf', providerOverride(options.endpoint));
      // The same file the backend override names: make status --state and the outputs read it.
      return terraform.apply({ ...options, envDir, statePath: join(workDir, 'terraform.tfstate'), vars });
    },
  };
}

/** The outputs of envs/aws the smoke test reads (besides startStack's). */
interface RehearsalOutputs {
  alerts_topic_arn: string;
  dlq_alarm_name: string;
  operator_role_arn: string | null;
}

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface RehearsalOptions {
  /** Where the copy of infra/, the state and the logs go (emptied first). */
  workDir: string;
  /** An emulator already running there is reused (and left running); default: one of its own on a free port. */
  emulatorPort?: number;
  /** Progress lines. */
  step?: (message: string) => void;
  /** Terraform's and the runtime's output. */
  verbose?: (chunk: string) => void;
  /** Passed to startStack as they are: the one place the rehearsal's runtime is configured. */
  stackOptions?: Partial<StackOptions>;
}

export interface Rehearsal {
  checks: Check[];
  timings: Record<string, number>;
}

/** The runtime's long-poll wait: short, so that a queue's shortened visibility applies at its next poll. */
const RUNTIME_WAIT_SECONDS = 2;
/** The poison message's queue's visibility during the rehearsal: maxReceiveCount receives take seconds, not minutes. */
const POISON_VISIBILITY_SECONDS = 2;

/** Starts the rehearsed stack, runs the smoke test, stops what it started. Never throws for a failed check. */
export async function rehearse(options: RehearsalOptions): Promise<Rehearsal> {
  const step = options.step ?? (() => {});
  rmSync(options.workDir, { recursive: true, force: true });
  const started = performance.now();
  const stack = await startStack({
    emulatorPort: options.emulatorPort ?? (await freePort()),
    apiPort: await freePort(),
    stateDir: options.workDir,
    deployment: rehearsalDeployment(options.workDir),
    distDir: join(options.workDir, 'dist'),
    waitTimeSeconds: RUNTIME_WAIT_SECONDS,
    // A new account is in the SES sandbox: mail goes only to verified identities, and the gate
    // authorises the send on each recipient's identity too.
    sesSandbox: true,
    step,
    verbose: options.verbose,
    ...options.stackOptions,
  });
  const timings = { ...stack.timings };
  try {
    const checksStarted = performance.now();
    const checks = await smokeTest(stack, join(options.workDir, 'terraform.tfstate'), step);
    timings.smoke = Math.round(performance.now() - checksStarted);
    return { checks, timings };
  } finally {
    await stack.stop();
    timings.total = Math.round(performance.now() - started);
  }
}

/** Verifies an address as an SES identity on the emulator; on AWS the recipient clicks a link instead. */
async function verifyEmailIdentity(endpoint: string, address: string): Promise<void> {
  const ses = new SESv2Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: address }));
  } finally {
    ses.destroy();
  }
}

/** The smoke test: each check recorded (a failure does not stop the others that do not depend on it). */
async function smokeTest(stack: Stack, statePath: string, step: (message: string) => void): Promise<Check[]> {
  const checks: Check[] = [];
  const check = async (name: string, run: () => Promise<string>): Promise<boolean> => {
    try {
      const detail = await run();
      checks.push({ name, ok: true, detail });
      step(`check: ${name}: ok (${detail})`);
      return true;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      checks.push({ name, ok: false, detail });
      step(`check: ${name}: FAILED: ${detail}`);
      return false;
    }
  };
  const outputs = stack.outputs as typeof stack.outputs & RehearsalOutputs;
  const config = { endpoint: stack.endpoint };
  const cognito = new CognitoIdentityProviderClient(config);
  const sqs = new SQSClient(config);
  const sns = new SNSClient(config);
  const db = new DynamoDBClient(config);
  const cloudwatch = new CloudWatchClient(config);
  const iam = new IAMClient(config);
  const orders = `${stack.apiUrl}/orders`;
  try {
    await check('every name carries the prefix', async () => {
      const names = [
        ...Object.values(outputs.table_names),
        ...outputs.function_names,
        ...Object.values(outputs.queue_urls).map(queueName),
        queueName(outputs.dlq_url),
      ];
      const bare = names.filter((name) => !name.startsWith(outputs.name_prefix));
      if (outputs.name_prefix === '' || bare.length > 0) throw new Error(`unprefixed: ${bare.join(', ')}`);
      return `${names.length} names start with "${outputs.name_prefix}"`;
    });

    // The app client allows SRP only, as on AWS (envs/aws leaves password_auth_enabled off). The
    // customers below still sign in as make token does (InitiateAuth USER_PASSWORD_AUTH), which AWS
    // would refuse for this client: the emulator checks no client's auth flows (nor an SRP proof, so
    // an SRP sign-in would prove no more here), and turning the flow on through the rehearsal's
    // override would deploy a client that differs from the real one. What is rehearsed is the pool
    // and client Terraform deploys and the API's authorizer accepting their ID tokens.
    await check('the app client allows SRP sign-in only, as on AWS', async () => {
      const { UserPoolClient } = await cognito.send(
        new DescribeUserPoolClientCommand({ UserPoolId: outputs.user_pool_id, ClientId: outputs.user_pool_client_id }),
      );
      const flows = [...(UserPoolClient?.ExplicitAuthFlows ?? [])].sort();
      if (flows.join() !== 'ALLOW_REFRESH_TOKEN_AUTH,ALLOW_USER_SRP_AUTH')
        throw new Error(`flows: ${flows.join(', ')}`);
      return flows.join(', ');
    });

    const pool = { userPoolId: outputs.user_pool_id, clientId: outputs.user_pool_client_id };
    const [alice, bob] = await Promise.all([
      customerToken(cognito, pool, 'rehearsal-alice'),
      customerToken(cognito, pool, 'rehearsal-bob'),
    ]);
    // As a new account must: the sandbox delivers only to verified addresses.
    await check("the customers' addresses are verified SES identities (the account is in the sandbox)", async () => {
      await Promise.all([alice.email, bob.email].map((address) => verifyEmailIdentity(stack.endpoint, address)));
      return `${alice.email}, ${bob.email}`;
    });
    const key = `rehearsal-${Date.now()}`;
    const body = JSON.stringify({ items: [{ productId: 'p-001', quantity: 2 }], paymentToken: 'tok_visa' });
    const place = () =>
      fetch(orders, {
        method: 'POST',
        body,
        headers: { authorization: alice.token, 'content-type': 'application/json', 'idempotency-key': key },
      });
    const countOrders = async () =>
      (await db.send(new ScanCommand({ TableName: outputs.table_names.orders, Select: 'COUNT' }))).Count ?? 0;

    let orderId = '';
    const placed = await check('a signed-in customer places a keyed order (Idempotency-Key): 202', async () => {
      const response = await place();
      const answer = (await response.json()) as { orderId?: string; status?: string };
      if (response.status !== 202 || answer.orderId === undefined)
        throw new Error(`${response.status} ${JSON.stringify(answer)}`);
      orderId = answer.orderId;
      return `order ${orderId} ${answer.status ?? ''}`;
    });
    const read = (token: string) => fetch(`${orders}/${orderId}`, { headers: { authorization: token } });
    if (placed) {
      await check('the order becomes CONFIRMED (stock reserved, payment captured)', async () => {
        const order = await eventually(
          async () => {
            const answer = (await (await read(alice.token)).json()) as { status?: string };
            return answer.status === 'PLACED' ? undefined : answer;
          },
          { what: `order ${orderId} to leave PLACED` },
        );
        if (order.status !== 'CONFIRMED') throw new Error(JSON.stringify(order));
        return 'CONFIRMED';
      });
      await check('the replay answers the same order and creates nothing', async () => {
        const before = await countOrders();
        const response = await place();
        const answer = (await response.json()) as { orderId?: string };
        const after = await countOrders();
        if (response.status !== 202 || answer.orderId !== orderId || after !== before)
          throw new Error(`${response.status} order ${answer.orderId} (first ${orderId}); orders ${before} → ${after}`);
        return `202, order ${orderId}, ${after} order(s) stored`;
      });
      await check('its customer reads it', async () => {
        const response = await read(alice.token);
        const answer = (await response.json()) as { orderId?: string; status?: string };
        if (response.status !== 200 || answer.orderId !== orderId) throw new Error(`${response.status}`);
        return `200 ${answer.status}`;
      });
      await check('the customer was emailed (received, confirmed), through the sandbox', async () => {
        const sent = await eventually(
          async () => {
            const { Items = [] } = await db.send(
              new ScanCommand({
                TableName: outputs.table_names.notifications,
                FilterExpression: 'orderId = :o',
                ExpressionAttributeValues: { ':o': { S: orderId } },
              }),
            );
            const states = Items.map((item) => `${item.kind?.S ?? '?'}:${item.status?.S ?? '?'}`).sort();
            return states.length === 2 && states.every((s) => !s.endsWith(':PENDING')) ? states : undefined;
          },
          { what: `order ${orderId}'s two notifications` },
        );
        if (sent.join() !== 'ORDER_CONFIRMED:SENT,ORDER_RECEIVED:SENT') throw new Error(sent.join(', '));
        return sent.join(', ');
      });
      await check("another customer's GET answers 404", async () => {
        const response = await read(bob.token);
        if (response.status !== 404) throw new Error(`${response.status}`);
        return '404';
      });
    }

    // A message no handler can process, sent to order-status-queue as an operator (the topic's policy
    // lets only the functions publish): after maxReceiveCount receives SQS moves it to the DLQ. The
    // queue's visibility is shortened for this, as the e2e tests do, or the receives would take minutes.
    await check('a poison message reaches the DLQ after maxReceiveCount receives', async () => {
      const queueUrl = outputs.queue_urls['order-status-queue'] ?? '';
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'] }),
      );
      await sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: queueUrl,
          Attributes: { VisibilityTimeout: String(POISON_VISIBILITY_SECONDS) },
        }),
      );
      try {
        // A long poll that began before the change keeps the old visibility for what it receives: wait one out.
        await new Promise((resolve) => setTimeout(resolve, (RUNTIME_WAIT_SECONDS + 1) * 1000));
        const poison = `rehearsal-poison-${Date.now()}`;
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: JSON.stringify({
              version: 1,
              id: `${poison}:PaymentCaptured`,
              type: 'PaymentCaptured',
              time: new Date().toISOString(),
              orderId: poison,
              data: { billingId: poison, amount: -5, currency: 'JPY' },
            }),
            MessageAttributes: { eventType: { DataType: 'String', StringValue: 'PaymentCaptured' } },
          }),
        );
        const topology = await discover(sqs, sns, queueName(outputs.dlq_url));
        const entry = await eventually(
          async () =>
            (await listDlq(sqs, topology, { orderId: poison, visibilityTimeout: 5 })).find((e) => e.orderId === poison),
          { what: 'the poison message to reach the DLQ', timeoutMs: 90_000 },
        );
        const maxReceiveCount = (JSON.parse(Attributes.RedrivePolicy ?? '{}') as { maxReceiveCount?: number })
          .maxReceiveCount;
        return `in ${queueName(outputs.dlq_url)} from ${entry.source.queues.map((q) => q.name).join(', ')} after ${entry.receiveCount ?? '?'} receives (maxReceiveCount ${maxReceiveCount}): ${entry.reason}`;
      } finally {
        await sqs.send(
          new SetQueueAttributesCommand({
            QueueUrl: queueUrl,
            Attributes: { VisibilityTimeout: Attributes.VisibilityTimeout ?? '60' },
          }),
        );
      }
    });

    await check(
      "the DLQ's alarm exists and notifies the alerts topic (the emulator does not evaluate alarms)",
      async () => {
        const { MetricAlarms = [] } = await cloudwatch.send(
          new DescribeAlarmsCommand({ AlarmNames: [outputs.dlq_alarm_name] }),
        );
        const [alarm] = MetricAlarms;
        if (alarm === undefined) throw new Error(`no alarm ${outputs.dlq_alarm_name}`);
        const dimension = alarm.Dimensions?.find((d) => d.Name === 'QueueName')?.Value;
        if (!alarm.AlarmActions?.includes(outputs.alerts_topic_arn) || dimension !== queueName(outputs.dlq_url))
          throw new Error(`actions ${alarm.AlarmActions?.join(', ')}, queue ${dimension}`);
        return `${alarm.AlarmName} on ${dimension} → ${outputs.alerts_topic_arn}; its state stays ${alarm.StateValue ?? '?'}: on AWS it would go to ALARM within a minute`;
      },
    );

    // The emulator does not evaluate the operator's calls against it (nor any caller's but the
    // functions'): what is rehearsed is that the role deploys, named for this environment, with its policy.
    await check('the operator role exists with its policy (make status, make dlq, make dlq-redrive)', async () => {
      const roleName = outputs.operator_role_arn?.split('/').pop();
      if (roleName === undefined || !roleName.startsWith(outputs.name_prefix))
        throw new Error(`operator_role_arn: ${outputs.operator_role_arn}`);
      const { PolicyDocument = '' } = await iam.send(
        new GetRolePolicyCommand({ RoleName: roleName, PolicyName: 'operator-tools' }),
      );
      const policy = JSON.parse(decodeURIComponent(PolicyDocument)) as { Statement: { Sid: string }[] };
      return `${roleName}: ${policy.Statement.map((statement) => statement.Sid).join(', ')}`;
    });

    await check(
      'make status reads the rehearsed stack from its state: prefixed names, the DLQ holding the poison',
      async () => {
        const status = await collectStatus(
          clientsFor(stack.endpoint),
          await refsFromState(statePath),
          stack.endpoint,
          'us-east-1',
          new URL(stack.apiUrl).port,
        );
        const names = [
          ...status.queues.map((q) => q.name),
          ...status.tables.map((t) => t.name),
          ...status.functions.map((f) => f.name),
        ];
        const deployed =
          Object.keys(outputs.queue_urls).length +
          Object.keys(outputs.table_names).length +
          outputs.function_names.length;
        if (names.length !== deployed || names.some((name) => !name.startsWith(outputs.name_prefix)))
          throw new Error(`found ${names.join(', ')}`);
        if ((status.dlq?.depth ?? 0) < 1) throw new Error(`DLQ ${JSON.stringify(status.dlq)}`);
        return `${names.length} queues, tables and functions; ${status.dlq?.name} holds ${status.dlq?.depth}`;
      },
    );
  } finally {
    for (const client of [cognito, sqs, sns, db, cloudwatch, iam]) client.destroy();
  }
  return checks;
}
