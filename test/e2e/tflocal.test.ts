// The LocalStack path (docs/local-stack.md, "With LocalStack"): infra/envs/local applied with its defaults and a
// provider override shaped as tflocal writes it (support/tflocal.ts; global-setup applies it to an
// emulator of its own). No runtime runs there: with the mappings enabled, moto would deliver to the
// functions itself (LocalStack runs them; moto cannot without Docker).
import { GetFunctionConfigurationCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { terraform, type TflocalDeployment } from './support/tflocal.js';

function deployment(): TflocalDeployment {
  const raw = process.env.E2E_TFLOCAL;
  if (raw === undefined)
    throw new Error('E2E_TFLOCAL is not set: run the e2e project through jest (global-setup deploys it)');
  const deployed = JSON.parse(raw) as TflocalDeployment;
  if (deployed.error !== undefined) throw new Error(`the tflocal-shaped apply failed:\n${deployed.error}`);
  return deployed;
}

it('envs/local applied with its defaults and a tflocal provider override: mappings enabled, no loopback endpoint in any function, the DLQ taking redrives', async () => {
  const { endpoint, envDir } = deployment();
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const [lambda, sqs] = [new LambdaClient(config), new SQSClient(config)];
  try {
    const outputs = JSON.parse(await terraform(envDir, 'output', '-json')) as {
      function_names: { value: string[] };
      dlq_url: { value: string };
    };

    const mappings = (await lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? [];
    expect(mappings.length).toBeGreaterThanOrEqual(5); // four queues and the orders stream
    expect(mappings.map((mapping) => mapping.State)).toEqual(mappings.map(() => 'Enabled'));

    for (const name of outputs.function_names.value) {
      const variables =
        (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).Environment?.Variables ?? {};
      expect({ name, endpoint: variables.AWS_ENDPOINT_URL }).toEqual({ name, endpoint: undefined });
      expect(Object.values(variables).filter((value) => /127\.0\.0\.1|localhost/.test(value))).toEqual([]);
    }

    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: outputs.dlq_url.value, AttributeNames: ['RedriveAllowPolicy'] }),
    );
    expect(JSON.parse(Attributes?.RedriveAllowPolicy ?? '{}')).toMatchObject({ redrivePermission: 'byQueue' });
  } finally {
    for (const client of [lambda, sqs]) client.destroy();
  }
}, 60_000);
