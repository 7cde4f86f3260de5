// `make status` against the e2e stack: every part found (from the state, and from the APIs alone),
// and the counts are the live ones.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { repoRoot } from '../../local/paths.js';
import { clientsFor, collectStatus, refsFromApis, refsFromState, renderStatus } from '../../local/ops/status.js';
import { clients, named, queueNameOf, stack } from './support/stack.js';

const region = 'us-east-1';

describe('make status', () => {
  const { endpoint, stateDir, outputs, apiUrl } = stack();
  const statePath = join(stateDir, 'terraform.tfstate');
  const apiPort = new URL(apiUrl).port;
  const aws = clientsFor(endpoint);
  const dlqName = queueNameOf(outputs.dlq_url);
  const queueNames = Object.values(outputs.queue_urls).map(queueNameOf);

  it('shows every part of the stack from its state: topic, subscriptions, queues, tables, functions, the API', async () => {
    const status = await collectStatus(aws, await refsFromState(statePath), endpoint, region, apiPort);

    expect(status.topic?.arn).toBe(outputs.topic_arn);
    expect(status.topic?.subscriptions.map((s) => s.queue).sort()).toEqual([...queueNames].sort());
    for (const s of status.topic?.subscriptions ?? []) {
      expect(s).toMatchObject({ protocol: 'sqs', raw: true });
      expect(JSON.parse(s.filterPolicy)).toEqual({ eventType: expect.any(Array) });
    }
    expect(status.queues.map((q) => q.name).sort()).toEqual([...queueNames].sort());
    for (const q of status.queues) expect(q).toMatchObject({ dlq: dlqName, maxReceiveCount: expect.any(Number) });
    expect(status.tables.map((t) => t.name).sort()).toEqual(Object.values(outputs.table_names).sort());
    const inventory = status.tables.find((t) => t.name === outputs.table_names.inventory);
    const scanned = await clients().db.send(
      new ScanCommand({ TableName: outputs.table_names.inventory, Select: 'COUNT' }),
    );
    expect(inventory?.items).toBe(scanned.Count);
    expect(status.functions.map((f) => f.name).sort()).toEqual([...outputs.function_names].sort());
    const mappings = status.functions.flatMap((f) => f.mappings.map((m) => ({ function: f.name, ...m })));
    expect(mappings.map((m) => m.source).sort()).toEqual(
      [...queueNames, `${outputs.table_names.orders} stream`].sort(),
    );
    expect(mappings.find((m) => m.source.endsWith(' stream'))?.function).toBe(named('order-publisher'));
    // The local runtime polls: moto's own mapping delivery stays off.
    for (const m of mappings) expect(m.state).toBe('Disabled');
    expect(status.api?.url).toBe(apiUrl);

    const text = renderStatus(status);
    for (const name of [...queueNames, ...Object.values(outputs.table_names), ...outputs.function_names, dlqName])
      expect(text).toContain(name);
  }, 60_000);

  it('finds the same stack from the APIs alone (no state: tflocal elsewhere, or AWS)', async () => {
    const fromState = await refsFromState(statePath);
    const fromApis = await refsFromApis(aws, dlqName);

    expect({ ...fromApis, source: '', queueUrls: [...fromApis.queueUrls].sort() }).toEqual({
      ...fromState,
      source: '',
      queueUrls: [...fromState.queueUrls].sort(),
      tableNames: [...fromState.tableNames].sort(),
      functionNames: [...fromState.functionNames].sort(),
    });
  }, 60_000);

  it('counts the DLQ and in-flight messages as they are', async () => {
    const { sqs } = clients();
    const dlqUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: dlqName }))).QueueUrl;
    const refs = await refsFromState(statePath);
    const before = await collectStatus(aws, refs, endpoint, region, apiPort);
    await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: '{"status test":1}' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: '{"status test":2}' }));
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 60 }),
    );
    try {
      const after = await collectStatus(aws, refs, endpoint, region, apiPort);
      expect(after.dlq).toEqual({
        name: dlqName,
        depth: (before.dlq?.depth ?? 0) + 1,
        inFlight: (before.dlq?.inFlight ?? 0) + 1,
      });
    } finally {
      // Leave the DLQ as it was: delete what this test sent, and make anything else visible again at once.
      let mine = 2;
      for (
        let batch = received, attempts = 0;
        mine > 0 && attempts < 20;
        attempts += 1,
          batch = await sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: dlqUrl,
              MaxNumberOfMessages: 10,
              VisibilityTimeout: 60,
              WaitTimeSeconds: 1,
            }),
          )
      ) {
        for (const m of batch.Messages ?? []) {
          if (m.Body?.includes('status test')) {
            await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: m.ReceiptHandle }));
            mine -= 1;
          } else {
            await sqs.send(
              new ChangeMessageVisibilityCommand({
                QueueUrl: dlqUrl,
                ReceiptHandle: m.ReceiptHandle,
                VisibilityTimeout: 0,
              }),
            );
          }
        }
      }
    }
  }, 60_000);

  it('the make status command prints the table', () => {
    const run = spawnSync('npx', ['tsx', 'local/ops/status.ts', '--state', statePath], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, AWS_ENDPOINT_URL: endpoint, API_PORT: apiPort },
    });
    expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
    expect(run.stdout).toContain(`Stack at ${endpoint}, found from ${statePath}`);
    expect(run.stdout).toMatch(/^queue +visible +in flight +delayed +dead letters to$/m);
    expect(run.stdout).toContain(`API ${apiUrl}/orders`);
  }, 60_000);
});
