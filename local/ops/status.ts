// `make status`: every part of the running stack, as the AWS APIs (the emulator's, or AWS's) report
// it now: the topic and its subscriptions with their filter policies, each queue's visible and
// in-flight messages and its DLQ, each table's item count, each function with its event source
// mapping, the API's URL and the DLQ's depth.
//
// Which stack: the Terraform state that holds it (`make up`'s .local/terraform.tfstate, or
// infra/envs/local/terraform.tfstate after `tflocal apply`; --state FILE for another), else the
// APIs alone: the DLQ by name, the queues that redrive to it, the topic they subscribe to, the
// functions their mappings feed or that publish to that topic, and the tables those functions are
// configured with.
// Where: AWS_ENDPOINT_URL when set (the emulator), else AWS through the default credential chain.
// Without a state, the DLQ is found by its name: --dlq NAME for a prefixed stack ("staging-order-processing-dlq").
//   npx tsx local/ops/status.ts [--state FILE] [--dlq NAME] [--json]
import { parseArgs } from 'node:util';
import {
  APIGatewayClient,
  GetResourcesCommand,
  GetRestApisCommand,
  GetStagesCommand,
} from '@aws-sdk/client-api-gateway';
import { DescribeTableCommand, DynamoDBClient, paginateListTables } from '@aws-sdk/client-dynamodb';
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  paginateListEventSourceMappings,
  paginateListFunctions,
  type EventSourceMappingConfiguration,
} from '@aws-sdk/client-lambda';
import {
  GetSubscriptionAttributesCommand,
  paginateListSubscriptionsByTopic,
  paginateListSubscriptions,
  SNSClient,
  type Subscription,
} from '@aws-sdk/client-sns';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DLQ_NAME } from './dlq/topology.js';
import { findState, outputs as stateOutputs } from '../state.js';

export interface StackRefs {
  /** Where the names came from: a state file, or discovery through the APIs. */
  source: string;
  topicArn?: string;
  queueUrls: string[];
  dlqUrl?: string;
  tableNames: string[];
  functionNames: string[];
  apiId?: string;
  stageName?: string;
}

export interface StackStatus {
  source: string;
  endpoint: string;
  topic?: { arn: string; subscriptions: { queue: string; protocol: string; filterPolicy: string; raw: boolean }[] };
  queues: {
    name: string;
    visible: number;
    inFlight: number;
    delayed: number;
    dlq?: string;
    maxReceiveCount?: number;
  }[];
  dlq?: { name: string; depth: number; inFlight: number };
  tables: { name: string; items: number; status: string }[];
  /** Each function's event source mappings: the queue, or "<table> stream", it reads. */
  functions: {
    name: string;
    runtime: string;
    timeout: number;
    mappings: { source: string; state: string; batchSize: number }[];
  }[];
  api?: { id: string; stage: string; url: string };
}

const nameOf = (urlOrArn: string): string => urlOrArn.split(/[/:]/).pop() ?? urlOrArn;
/** A mapping's source: the queue's name, or "<table> stream" for a DynamoDB stream (…:table/<table>/stream/<label>). */
const sourceName = (arn: string, queueByArn: Map<string, string>): string => {
  const table = /:table\/([^/]+)\/stream\//.exec(arn)?.[1];
  return queueByArn.get(arn) ?? (table ? `${table} stream` : nameOf(arn));
};

export interface Clients {
  sns: SNSClient;
  sqs: SQSClient;
  db: DynamoDBClient;
  lambda: LambdaClient;
  apigw: APIGatewayClient;
}

export function clientsFor(endpoint?: string): Clients {
  const config = endpoint ? { endpoint } : {};
  return {
    sns: new SNSClient(config),
    sqs: new SQSClient(config),
    db: new DynamoDBClient(config),
    lambda: new LambdaClient(config),
    apigw: new APIGatewayClient(config),
  };
}

/** The stack's names from a Terraform state's outputs (envs/local and envs/aws share them). */
export async function refsFromState(statePath: string): Promise<StackRefs> {
  const o = await stateOutputs(statePath);
  const record = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, string>) : {});
  return {
    source: statePath,
    topicArn: typeof o.topic_arn === 'string' ? o.topic_arn : undefined,
    queueUrls: Object.values(record(o.queue_urls)),
    dlqUrl: typeof o.dlq_url === 'string' ? o.dlq_url : undefined,
    tableNames: Object.values(record(o.table_names)),
    functionNames: Array.isArray(o.function_names)
      ? o.function_names.map(String)
      : Object.values(record(o.function_names)),
    apiId: typeof o.api_id === 'string' ? o.api_id : undefined,
    stageName: typeof o.stage_name === 'string' ? o.stage_name : undefined,
  };
}

async function allMappings(lambda: LambdaClient): Promise<EventSourceMappingConfiguration[]> {
  const mappings: EventSourceMappingConfiguration[] = [];
  for await (const page of paginateListEventSourceMappings({ client: lambda }, {}))
    mappings.push(...(page.EventSourceMappings ?? []));
  return mappings;
}

/** The stack's names from the APIs alone, starting from the DLQ. */
export async function refsFromApis(c: Clients, dlqName = DLQ_NAME): Promise<StackRefs> {
  const dlqUrl = (await c.sqs.send(new GetQueueUrlCommand({ QueueName: dlqName }))).QueueUrl;
  if (!dlqUrl) throw new Error(`no queue named ${dlqName}: is the stack deployed here?`);
  const queueUrls = (await c.sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl }))).queueUrls ?? [];
  const queueArns = new Set(
    await Promise.all(
      queueUrls.map(
        async (url) =>
          (await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes
            ?.QueueArn ?? '',
      ),
    ),
  );
  // The topic: the one the source queues subscribe to.
  let topicArn: string | undefined;
  for await (const page of paginateListSubscriptions({ client: c.sns }, {})) {
    topicArn = page.Subscriptions?.find((s) => s.Endpoint && queueArns.has(s.Endpoint))?.TopicArn;
    if (topicArn !== undefined) break;
  }
  const mappings = await allMappings(c.lambda);
  const functionNames = new Set(
    mappings.filter((m) => m.EventSourceArn && queueArns.has(m.EventSourceArn)).map((m) => nameOf(m.FunctionArn ?? '')),
  );
  // …and the functions that publish to that topic without a queue or a stream to feed them (the
  // scheduled sweeper): configured with it.
  if (topicArn !== undefined) {
    for await (const page of paginateListFunctions({ client: c.lambda }, {}))
      for (const fn of page.Functions ?? [])
        if (fn.FunctionName && fn.Environment?.Variables?.TOPIC_ARN === topicArn) functionNames.add(fn.FunctionName);
  }
  // The API: the REST API named as the envs name it ("<prefix>order-api", the prefix the DLQ's name
  // carries), else one named like the project's, whatever function it fronts.
  const prefix = dlqName.endsWith(DLQ_NAME) ? dlqName.slice(0, -DLQ_NAME.length) : '';
  const apis = (await c.apigw.send(new GetRestApisCommand({ limit: 500 }))).items ?? [];
  const api =
    apis.find((a) => a.name === `${prefix}order-api`) ??
    apis.find((a) => a.name?.startsWith('order')) ??
    (apis.length === 1 ? apis[0] : undefined);
  const stage = api?.id
    ? (await c.apigw.send(new GetStagesCommand({ restApiId: api.id }))).item?.[0]?.stageName
    : undefined;
  if (api?.id) {
    // …and the functions its routes integrate (…:function:<name>/invocations).
    const resources =
      (await c.apigw.send(new GetResourcesCommand({ restApiId: api.id, embed: ['methods'], limit: 500 }))).items ?? [];
    for (const method of resources.flatMap((r) => Object.values(r.resourceMethods ?? {}))) {
      const fn = /:function:([^/:]+)/.exec(method.methodIntegration?.uri ?? '')?.[1];
      if (fn) functionNames.add(fn);
    }
  }
  // Tables: those the functions are configured with.
  const configured = new Set<string>();
  for (const name of functionNames) {
    const env =
      (await c.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).Environment?.Variables ?? {};
    for (const value of Object.values(env)) configured.add(value);
  }
  const tables: string[] = [];
  for await (const page of paginateListTables({ client: c.db }, {}))
    tables.push(...(page.TableNames ?? []).filter((t) => configured.has(t)));
  // …and the functions fed by those tables' streams (the outbox relay).
  for (const m of mappings)
    if (tables.some((t) => m.EventSourceArn?.includes(`:table/${t}/stream/`)))
      functionNames.add(nameOf(m.FunctionArn ?? ''));
  return {
    source: 'the APIs (no Terraform state found)',
    topicArn,
    queueUrls,
    dlqUrl,
    tableNames: tables.sort(),
    functionNames: [...functionNames].sort(),
    apiId: api?.id,
    stageName: stage,
  };
}

/** LocalStack answers its health endpoint; moto does not. */
async function isLocalStack(endpoint: string): Promise<boolean> {
  try {
    return (await fetch(new URL('/_localstack/health', endpoint), { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

/**
 * The API's URL: AWS's invoke URL; LocalStack's path form on its own port; or, under moto (which
 * serves no API invocations), the local runtime's front door on API_PORT, which serves that form too.
 */
export async function apiUrl(
  apiId: string,
  stage: string,
  endpoint: string | undefined,
  region: string,
  apiPort = process.env.API_PORT ?? '4567',
): Promise<string> {
  if (!endpoint) return `https://${apiId}.execute-api.${region}.amazonaws.com/${stage}`;
  const local = new URL(endpoint);
  const port = (await isLocalStack(endpoint)) ? local.port : apiPort;
  return `${local.protocol}//${local.hostname}:${port}/_aws/execute-api/${apiId}/${stage}`;
}

export async function collectStatus(
  c: Clients,
  refs: StackRefs,
  endpoint: string | undefined,
  region: string,
  apiPort?: string,
): Promise<StackStatus> {
  const count = (v: string | undefined) => Number(v ?? 0);
  const queueAttributes = async (url: string) =>
    (
      await c.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: [
            'QueueArn',
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'ApproximateNumberOfMessagesDelayed',
            'RedrivePolicy',
          ],
        }),
      )
    ).Attributes ?? {};

  const [subscriptions, queues, dlq, tables, mappings, functions] = await Promise.all([
    (async () => {
      if (!refs.topicArn) return undefined;
      const subs: Subscription[] = [];
      for await (const page of paginateListSubscriptionsByTopic({ client: c.sns }, { TopicArn: refs.topicArn }))
        subs.push(...(page.Subscriptions ?? []));
      return Promise.all(
        subs.map(async (s) => {
          const attributes =
            (await c.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn })))
              .Attributes ?? {};
          const scope = attributes.FilterPolicyScope === 'MessageBody' ? ' (body)' : '';
          return {
            queue: nameOf(s.Endpoint ?? '?'),
            protocol: s.Protocol ?? '?',
            filterPolicy: attributes.FilterPolicy
              ? JSON.stringify(JSON.parse(attributes.FilterPolicy)) + scope
              : '(none: every message)',
            raw: attributes.RawMessageDelivery === 'true',
          };
        }),
      );
    })(),
    Promise.all(
      refs.queueUrls.map(async (url) => {
        const a = await queueAttributes(url);
        const redrive = a.RedrivePolicy
          ? (JSON.parse(a.RedrivePolicy) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string })
          : undefined;
        return {
          name: nameOf(url),
          arn: a.QueueArn ?? '',
          visible: count(a.ApproximateNumberOfMessages),
          inFlight: count(a.ApproximateNumberOfMessagesNotVisible),
          delayed: count(a.ApproximateNumberOfMessagesDelayed),
          dlq: redrive?.deadLetterTargetArn ? nameOf(redrive.deadLetterTargetArn) : undefined,
          maxReceiveCount: redrive?.maxReceiveCount === undefined ? undefined : Number(redrive.maxReceiveCount),
        };
      }),
    ),
    refs.dlqUrl ? queueAttributes(refs.dlqUrl) : Promise.resolve(undefined),
    Promise.all(
      refs.tableNames.map(async (name) => {
        const t = (await c.db.send(new DescribeTableCommand({ TableName: name }))).Table;
        return { name, items: t?.ItemCount ?? 0, status: t?.TableStatus ?? '?' };
      }),
    ),
    allMappings(c.lambda),
    Promise.all(
      refs.functionNames.map(async (name) =>
        c.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name })),
      ),
    ),
  ]);
  const queueByArn = new Map(queues.map((q) => [q.arn, q.name]));

  return {
    source: refs.source,
    endpoint: endpoint ?? `AWS (${region})`,
    topic:
      refs.topicArn && subscriptions
        ? { arn: refs.topicArn, subscriptions: subscriptions.sort((a, b) => a.queue.localeCompare(b.queue)) }
        : undefined,
    queues: queues.map(({ arn: _arn, ...q }) => q).sort((a, b) => a.name.localeCompare(b.name)),
    dlq:
      refs.dlqUrl && dlq
        ? {
            name: nameOf(refs.dlqUrl),
            depth: count(dlq.ApproximateNumberOfMessages),
            inFlight: count(dlq.ApproximateNumberOfMessagesNotVisible),
          }
        : undefined,
    tables: tables.sort((a, b) => a.name.localeCompare(b.name)),
    functions: functions.map((f) => ({
      name: f.FunctionName ?? '?',
      runtime: f.Runtime ?? '?',
      timeout: f.Timeout ?? 0,
      mappings: mappings
        .filter((m) => m.FunctionArn === f.FunctionArn)
        .map((m) => ({
          source: sourceName(m.EventSourceArn ?? '?', queueByArn),
          state: m.State ?? '?',
          batchSize: m.BatchSize ?? 10,
        })),
    })),
    api:
      refs.apiId && refs.stageName
        ? {
            id: refs.apiId,
            stage: refs.stageName,
            url: await apiUrl(refs.apiId, refs.stageName, endpoint, region, apiPort),
          }
        : undefined,
  };
}

/** Columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function renderStatus(s: StackStatus): string {
  const out: string[] = [`Stack at ${s.endpoint}, found from ${s.source}`, ''];
  out.push(`Topic ${s.topic?.arn ?? '(not found)'}`);
  if (s.topic)
    out.push(
      table(
        ['subscription', 'protocol', 'raw', 'filter policy'],
        s.topic.subscriptions.map((x) => [x.queue, x.protocol, x.raw ? 'yes' : 'no', x.filterPolicy]),
      ),
    );
  out.push(
    '',
    table(
      ['queue', 'visible', 'in flight', 'delayed', 'dead letters to'],
      s.queues.map((q) => [
        q.name,
        String(q.visible),
        String(q.inFlight),
        String(q.delayed),
        q.dlq ? `${q.dlq} after ${q.maxReceiveCount ?? '?'} receives` : '(none)',
      ]),
    ),
  );
  out.push(
    '',
    `DLQ ${s.dlq ? `${s.dlq.name}: ${s.dlq.depth} message${s.dlq.depth === 1 ? '' : 's'}${s.dlq.inFlight ? ` (+${s.dlq.inFlight} in flight)` : ''}${s.dlq.depth > 0 ? '  (make dlq lists them)' : ''}` : '(not found)'}`,
  );
  out.push(
    '',
    table(
      ['table', 'items', 'status'],
      s.tables.map((t) => [t.name, String(t.items), t.status]),
    ),
  );
  out.push(
    '',
    table(
      ['function', 'runtime', 'timeout', 'event source mapping'],
      s.functions.map((f) => [
        f.name,
        f.runtime,
        `${f.timeout} s`,
        f.mappings.map((m) => `${m.source} ${m.state} (batch ${m.batchSize})`).join(', ') || '-',
      ]),
    ),
  );
  out.push('', `API ${s.api ? `${s.api.url}/orders  (${s.api.id}, stage ${s.api.stage})` : '(not found)'}`);
  return `${out.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { state: { type: 'string' }, dlq: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const endpoint = process.env.AWS_ENDPOINT_URL || undefined;
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const c = clientsFor(endpoint);
  try {
    const state = findState(values.state);
    const refs = state ? await refsFromState(state) : await refsFromApis(c, values.dlq);
    const status = await collectStatus(c, refs, endpoint, region);
    process.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : renderStatus(status));
  } catch (error) {
    console.error(
      `make status failed: ${error instanceof Error ? error.message : String(error)}${endpoint ? ` (is the stack up at ${endpoint}? make up starts it)` : ''}`,
    );
    process.exit(1);
  }
}
