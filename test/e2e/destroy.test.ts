// `make destroy` tears the applied stack down: afterwards the emulator holds none of it, and
// `make up`'s apply builds it again from the same state. It refuses while make up runs the stack.
// It runs after every other e2e file (test/e2e/support/sequencer.cjs): it removes their stack.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { APIGatewayClient, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CognitoIdentityProviderClient, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { LambdaClient, ListEventSourceMappingsCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { ListSubscriptionsCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { repoRoot } from '../../local/paths.js';
import { upPidFile } from '../../local/stack/up-pid.js';
import { stack } from './support/stack.js';

const run = promisify(execFile);
const { endpoint, stateDir } = stack();
const statePath = join(stateDir, 'terraform.tfstate');
const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

/** `make destroy` on the e2e stack: its exit code and output (a destroy that hangs is killed at the deadline and fails). */
async function destroy(): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'local/stack/destroy.ts', '--state', statePath], {
      cwd: repoRoot,
      env: { ...process.env, AWS_ENDPOINT_URL: endpoint },
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; signal?: string; stdout?: string; stderr?: string };
    return {
      code: failed.code ?? -1,
      stdout: failed.stdout ?? '',
      stderr: `${failed.stderr ?? ''}${failed.signal ? ` (killed: ${failed.signal})` : ''}`,
    };
  }
}

/** The SES identities of `names` the emulator holds (moto 5.2.1 lacks the list the SDK calls: POST /v2/email/list-identities). */
async function emailIdentities(names: string[]): Promise<string[]> {
  const ses = new SESv2Client(config);
  const held = await Promise.all(
    names.map((EmailIdentity) =>
      ses.send(new GetEmailIdentityCommand({ EmailIdentity })).then(
        () => true,
        () => false,
      ),
    ),
  );
  return names.filter((_, i) => held[i]);
}

/** What the emulator holds, by kind, each as the name or id Terraform's state records. */
async function inventory(stackKinds: Record<string, string[]>): Promise<Record<string, string[]>> {
  const [sqs, sns, lambda] = [new SQSClient(config), new SNSClient(config), new LambdaClient(config)];
  return {
    aws_sqs_queue: ((await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? []).map(
      (url) => url.split('/').pop() ?? url,
    ),
    aws_sns_topic: ((await sns.send(new ListTopicsCommand({}))).Topics ?? []).map((t) => t.TopicArn ?? ''),
    aws_sns_topic_subscription: ((await sns.send(new ListSubscriptionsCommand({}))).Subscriptions ?? []).map(
      (s) => s.SubscriptionArn ?? '',
    ),
    aws_dynamodb_table: (await new DynamoDBClient(config).send(new ListTablesCommand({}))).TableNames ?? [],
    aws_lambda_function: ((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).map(
      (f) => f.FunctionName ?? '',
    ),
    aws_lambda_event_source_mapping: (
      (await lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? []
    ).map((m) => m.UUID ?? ''),
    aws_api_gateway_rest_api: ((await new APIGatewayClient(config).send(new GetRestApisCommand({}))).items ?? []).map(
      (a) => a.id ?? '',
    ),
    aws_iam_role: ((await new IAMClient(config).send(new ListRolesCommand({}))).Roles ?? []).map(
      (r) => r.RoleName ?? '',
    ),
    aws_cloudwatch_log_group: (
      (await new CloudWatchLogsClient(config).send(new DescribeLogGroupsCommand({}))).logGroups ?? []
    ).map((g) => g.logGroupName ?? ''),
    aws_cognito_user_pool: (
      (await new CognitoIdentityProviderClient(config).send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ??
      []
    ).map((p) => p.Id ?? ''),
    aws_sesv2_email_identity: await emailIdentities(stackKinds.aws_sesv2_email_identity ?? []),
  };
}

/** The attribute each kind is listed by above. */
const KEY: Record<string, string> = {
  aws_sqs_queue: 'name',
  aws_sns_topic: 'arn',
  aws_sns_topic_subscription: 'arn',
  aws_dynamodb_table: 'name',
  aws_lambda_function: 'function_name',
  aws_lambda_event_source_mapping: 'uuid',
  aws_api_gateway_rest_api: 'id',
  aws_iam_role: 'name',
  aws_cloudwatch_log_group: 'name',
  aws_cognito_user_pool: 'id',
  aws_sesv2_email_identity: 'email_identity',
};

interface State {
  resources: { mode: string; type: string; instances: { attributes: Record<string, unknown> }[] }[];
}

/** The stack as the state records it, by kind (other e2e files may leave things of their own in the emulator). */
function stackInState(): Record<string, string[]> {
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as State;
  const kinds: Record<string, string[]> = Object.fromEntries(Object.keys(KEY).map((kind) => [kind, []]));
  for (const resource of state.resources) {
    const key = KEY[resource.type];
    if (resource.mode !== 'managed' || key === undefined) continue;
    kinds[resource.type]?.push(...resource.instances.map((instance) => String(instance.attributes[key])));
  }
  return kinds;
}

/** Of each kind, what the emulator holds of the stack. */
async function present(kinds: Record<string, string[]>): Promise<Record<string, string[]>> {
  const listed = await inventory(kinds);
  return Object.fromEntries(
    Object.entries(kinds).map(([kind, ids]) => [kind, ids.filter((id) => listed[kind]?.includes(id)).sort()]),
  );
}
const all = (kinds: Record<string, string[]>) =>
  Object.fromEntries(Object.entries(kinds).map(([kind, ids]) => [kind, [...ids].sort()]));
const none = (kinds: Record<string, string[]>) => Object.fromEntries(Object.keys(kinds).map((kind) => [kind, []]));

// The IAM gate's observations end here: once the destroy removes the roles' policies, the runtime's
// pollers (still running until the teardown) are denied, as they would be on AWS, and that is no
// tested path's doing. The report the least-privilege check reads is written before the destroy;
// global-teardown leaves a report already written alone.
beforeAll(async () => {
  const file = process.env.E2E_IAM_REPORT;
  if (!file) return;
  const response = await fetch(`${stack().faultProxyUrl}/_fault-proxy/iam`);
  if (!response.ok) throw new Error(`the IAM gate's report: ${response.status} ${await response.text()}`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, await response.text());
});

it('refuses while make up runs the stack, and destroys nothing', async () => {
  // A live pid in make up's pid file beside the state: this test's own process stands in for make up.
  writeFileSync(upPidFile(stateDir), String(process.pid));
  try {
    const result = await destroy();
    expect(result).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`make up is running this stack (pid ${process.pid})`),
    });
  } finally {
    rmSync(upPidFile(stateDir), { force: true });
  }
  expect(await present(stackInState())).toEqual(all(stackInState()));
}, 60_000);

// The e2e runtime (global setup's) keeps running meanwhile, unlike make up's, which make destroy
// refuses: its pollers back off on the missing queues and stream (100 ms doubling to 5 s), and
// global teardown stops it after this file.
it('removes every resource make up applied and empties the state', async () => {
  const applied = stackInState();
  // Every kind is in the stack and listed: an empty listing below means destroyed, not unlisted.
  expect(await present(applied)).toEqual(all(applied));
  expect(Object.entries(applied).filter(([, ids]) => ids.length === 0)).toEqual([]);

  const result = await destroy();
  expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
  expect(result.stdout).toMatch(/Destroy complete! Resources: \d+ destroyed\./);
  process.stderr.write(
    `[destroy.test] ${result.stdout.match(/destroy: done in [\d.]+ s/)?.[0] ?? 'no duration printed'}\n`,
  );

  expect(await present(applied)).toEqual(none(applied));
  const { stdout: list } = await run('terraform', ['state', 'list', `-state=${statePath}`]);
  expect(list.trim()).toBe(''); // an empty state: the next apply creates the stack from nothing, as the e2e setup does
}, 300_000);
