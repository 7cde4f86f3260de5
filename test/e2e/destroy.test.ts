// `make destroy` tears the applied stack down: afterwards the emulator holds none of it.
// It runs after every other e2e file (test/e2e/support/sequencer.cjs): it removes their stack.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { APIGatewayClient, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LambdaClient, ListEventSourceMappingsCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { repoRoot } from '../../local/terraform.js';
import { stack } from './support/stack.js';

it('make destroy removes every resource make up applied, and the state is empty', async () => {
  const { endpoint, stateDir } = stack();
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const statePath = join(stateDir, 'terraform.tfstate');
  const inventory = async () => ({
    queues: (await new SQSClient(config).send(new ListQueuesCommand({}))).QueueUrls ?? [],
    topics: (await new SNSClient(config).send(new ListTopicsCommand({}))).Topics ?? [],
    tables: (await new DynamoDBClient(config).send(new ListTablesCommand({}))).TableNames ?? [],
    functions: (await new LambdaClient(config).send(new ListFunctionsCommand({}))).Functions ?? [],
    mappings: (await new LambdaClient(config).send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? [],
    apis: (await new APIGatewayClient(config).send(new GetRestApisCommand({}))).items ?? [],
  });
  const before = await inventory();
  expect(before.queues.length).toBeGreaterThan(0); // there is a stack to destroy

  // Asynchronously, with a deadline: a destroy that hangs fails the test instead of blocking jest.
  const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('npx', ['tsx', 'local/destroy.ts', '--state', statePath], { cwd: repoRoot, env: { ...process.env, AWS_ENDPOINT_URL: endpoint } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 240_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr: `${stderr}${status === null ? '\n(killed after 240 s)' : ''}\n${stdout.slice(-2_000)}` });
    });
  });

  expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
  expect(run.stdout).toMatch(/Destroy complete! Resources: \d+ destroyed\./);
  expect(await inventory()).toEqual({ queues: [], topics: [], tables: [], functions: [], mappings: [], apis: [] });
  const list = spawnSync('terraform', ['state', 'list', `-state=${statePath}`], { encoding: 'utf8' });
  expect(list.stdout.trim()).toBe('');
}, 300_000);
