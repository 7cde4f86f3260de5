// The LocalStack path (README "With LocalStack"): `tflocal apply` inside infra/envs/local, with the
// defaults. tflocal writes a provider override beside the configuration and runs terraform; this
// test writes an override of the same shape (test credentials, the skip flags, the region, an
// endpoints block) into a copy of infra/, pointed at an emulator of its own, applies with no -var,
// and checks what was deployed. No runtime runs: with the mappings enabled, moto would deliver to
// the functions itself (LocalStack runs them; moto cannot without Docker).
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetFunctionConfigurationCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { freePort, startEmulator, type Emulator } from '../../local/emulator.js';
import { distDir, repoRoot } from '../../local/paths.js';

const run = promisify(execFile);
const SERVICES = ['apigateway', 'cloudwatch', 'cognitoidp', 'dynamodb', 'iam', 'kms', 'lambda', 'logs', 'ses', 'sesv2', 'sns', 'sqs', 'sts'];

/** What tflocal writes as localstack_providers_override.tf, with this test's emulator as the endpoint. */
const tflocalOverride = (endpoint: string): string => `provider "aws" {
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  region                      = "us-east-1"

  endpoints {
${SERVICES.map((service) => `    ${service} = "${endpoint}"`).join('\n')}
  }
}
`;

let emulator: Emulator | undefined;
let work: string | undefined;

afterAll(async () => {
  await emulator?.stop();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

it('envs/local applied with its defaults and a tflocal provider override: mappings enabled, no loopback endpoint in any function, the DLQ taking redrives', async () => {
  emulator = await startEmulator({ port: await freePort() });
  const endpoint = emulator.url;
  // A copy of infra/ beside a link to dist/: the default dist_dir (../../../dist) holds, and the checkout is left as it is.
  work = mkdtempSync(join(tmpdir(), 'order-fanout-tflocal-'));
  cpSync(join(repoRoot, 'infra'), join(work, 'infra'), { recursive: true, filter: (source) => !/\.terraform$|\.tfstate/.test(source) });
  symlinkSync(distDir, join(work, 'dist'));
  const envDir = join(work, 'infra', 'envs', 'local');
  writeFileSync(join(envDir, 'localstack_providers_override.tf'), tflocalOverride(endpoint));
  const terraform = (...args: string[]) => run('terraform', args, { cwd: envDir, env: { ...process.env, TF_IN_AUTOMATION: '1' }, maxBuffer: 64 * 1024 * 1024 });
  await terraform('init', '-input=false', '-no-color');
  await terraform('apply', '-auto-approve', '-input=false', '-no-color', '-parallelism=30');

  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const [lambda, sqs] = [new LambdaClient(config), new SQSClient(config)];
  try {
    const { stdout } = await terraform('output', '-json');
    const outputs = JSON.parse(stdout) as { function_names: { value: string[] }; dlq_url: { value: string } };

    const mappings = (await lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? [];
    expect(mappings.length).toBeGreaterThanOrEqual(5); // four queues and the orders stream
    expect(mappings.map((mapping) => mapping.State)).toEqual(mappings.map(() => 'Enabled'));

    for (const name of outputs.function_names.value) {
      const variables = (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).Environment?.Variables ?? {};
      expect({ name, endpoint: variables['AWS_ENDPOINT_URL'] }).toEqual({ name, endpoint: undefined });
      expect(Object.values(variables).filter((value) => /127\.0\.0\.1|localhost/.test(value))).toEqual([]);
    }

    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: outputs.dlq_url.value, AttributeNames: ['RedriveAllowPolicy'] }));
    expect(JSON.parse(Attributes?.RedriveAllowPolicy ?? '{}')).toMatchObject({ redrivePermission: 'byQueue' });
  } finally {
    for (const client of [lambda, sqs]) client.destroy();
  }
}, 300_000);
