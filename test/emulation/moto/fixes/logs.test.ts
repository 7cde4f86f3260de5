// emulation/moto/fixes/logs/query_definitions.py, proven on a bare emulator (no Terraform).
import { expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  CloudWatchLogsClient,
  DeleteQueryDefinitionCommand,
  DescribeQueryDefinitionsCommand,
  PutQueryDefinitionCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { bareEmulator } from '../../support/emulator.js';

const emulator = bareEmulator();

it("keeps Logs Insights' saved queries (PutQueryDefinition, plain moto: a 500 the provider retries for minutes): put, described by name prefix, updated by id, deleted", async () => {
  const logs = new CloudWatchLogsClient(emulator.config());
  const name = `e2e-${randomUUID()}/timeline`;
  const { queryDefinitionId } = await logs.send(
    new PutQueryDefinitionCommand({ name, queryString: 'fields @timestamp', logGroupNames: ['/aws/lambda/x'] }),
  );
  await logs.send(new PutQueryDefinitionCommand({ queryDefinitionId, name, queryString: 'fields @message' }));
  const { queryDefinitions = [] } = await logs.send(
    new DescribeQueryDefinitionsCommand({ queryDefinitionNamePrefix: name.split('/')[0] }),
  );
  expect(queryDefinitions).toEqual([
    expect.objectContaining({ queryDefinitionId, name, queryString: 'fields @message' }),
  ]);
  expect((await logs.send(new DeleteQueryDefinitionCommand({ queryDefinitionId }))).success).toBe(true);
  expect(
    (await logs.send(new DescribeQueryDefinitionsCommand({ queryDefinitionNamePrefix: name }))).queryDefinitions,
  ).toEqual([]);
});
