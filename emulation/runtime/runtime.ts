// The local Lambda runtime: discovers what is deployed on the emulator, then runs it — one worker
// pool per function, one poller per SQS or DynamoDB Streams event source mapping, one HTTP front door for the APIs.
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { InvokeOutcome } from './invoke/contract.js';
import { CodeMismatchError, extractZip, resolveHandler, verifyCode } from './invoke/code.js';
import { discover, type DeployedFunction, type Deployment } from './discovery.js';
import { startFrontDoor, type FrontDoor, type LocalRoutes } from './api/front-door.js';
import { SqsPoller } from './sqs/poller.js';
import { DEFAULT_CONCURRENCY, WorkerPool } from './invoke/pool.js';
import {
  describeReport,
  seconds,
  sqsBatchReport,
  streamBatchReport,
  type BatchReport,
  type RequestReport,
  type RuntimeReport,
} from './reports.js';
import { controlRoutes, type Reloaded } from './api/control.js';
import { ReloadablePool } from './invoke/reloadable.js';
import { discoverSchedules, Scheduler } from './schedules/schedules.js';
import { SqsQueue } from './sqs/sqs-queue.js';
import { describeDiscard, describeStreamBatch, StreamPoller } from './streams/stream-poller.js';
import { FileCheckpoints, MemoryCheckpoints } from './streams/stream-checkpoints.js';
import { DynamoDbStream, FailureDestination } from './streams/stream-source.js';

export interface RuntimeOptions {
  /** The emulator, e.g. http://127.0.0.1:4566. */
  endpoint: string;
  /** Where the functions' zips are: <functionName>.zip each (see zipName). */
  distDir: string;
  /**
   * The name of a deployed function's zip in distDir, without .zip (default: the function's name).
   * A stack whose names carry a prefix deploys functions/<name> as <prefix><name> from <name>.zip.
   */
  zipName?: (functionName: string) => string;
  /** The front door's port (default 4567; 0 picks a free one). */
  apiPort?: number;
  apiHost?: string;
  /** Default: AWS_REGION / AWS_DEFAULT_REGION, else us-east-1. */
  region?: string;
  /** Default: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, else test/test. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Workers per function, and receive loops per mapping (default 4). */
  concurrency?: number;
  /** Progress, one line per step and per invocation, and the functions' own output (default: dropped). */
  log?: (line: string) => void;
  /** The same batches, requests and function output as typed reports (reports.ts). */
  onReport?: (report: RuntimeReport) => void;
  /**
   * Pages of the caller's own on the front door, under a path no API uses (a project's console, say),
   * made once the deployment is known and closed when the runtime stops.
   */
  localRoutes?: (deployment: Deployment) => LocalRoutes;
  /** How long stop() lets in-flight batches and requests finish before killing workers (default 10 s). */
  shutdownGraceMs?: number;
  /** Long-poll wait per ReceiveMessage (default 20, SQS's maximum). */
  waitTimeSeconds?: number;
  /**
   * The AWS endpoint each function's code talks to, overriding the AWS_ENDPOINT_URL it was deployed
   * with: the e2e tests and the benchmark put the fault proxy (emulation/fault-proxy.ts) there.
   */
  functionEndpoint?: (functionName: string) => string;
  /** Where stream mappings keep their position in each shard across restarts, as Lambda does (default: in memory only). */
  streamCheckpointFile?: string;
  /**
   * May API Gateway invoke this function for this source ARN? On AWS the function's resource policy
   * decides (an IAM gate answers it locally); without it the front door invokes every route's function.
   */
  mayInvoke?: (functionName: string, sourceArn: string) => Promise<boolean>;
  /**
   * Debug one function (INSPECT=<function> make up): its one worker listens for a debugger on
   * 127.0.0.1:<port> (.vscode/launch.json attaches), and its timeout is Lambda's longest, 900 s, so
   * that a paused breakpoint does not get the worker killed.
   */
  inspect?: { functionName: string; port: number };
  /**
   * The longest pause before a failed stream batch is retried (default 5 s). Lambda does not say how
   * it paces stream retries; a test that holds a batch failing through many retries shortens it.
   */
  streamMaxRetryBackoffMs?: number;
}

export interface ReadyInfo {
  apiUrl: string;
  /** The front door itself: the APIs answer under it, and the caller's localRoutes. */
  frontDoorUrl: string;
  apis: { id: string; name: string; stage: string; url: string; routes: string[] }[];
  functions: { name: string; timeoutSeconds: number; codeSha256: string }[];
  mappings: {
    function: string;
    queueUrl: string;
    batchSize: number;
    maximumBatchingWindowInSeconds: number;
    reportBatchItemFailures: boolean;
    visibilityTimeoutSeconds: number;
  }[];
  streamMappings: {
    function: string;
    streamArn: string;
    startingPosition: string;
    batchSize: number;
    maximumBatchingWindowInSeconds: number;
    reportBatchItemFailures: boolean;
    bisectBatchOnFunctionError: boolean;
    maximumRetryAttempts: number;
    maximumRecordAgeInSeconds: number;
    onFailureDestination: string | undefined;
    filterPatterns: string[];
  }[];
}

export interface Runtime extends ReadyInfo {
  ready: ReadyInfo;
  deployment: Deployment;
  stop(): Promise<void>;
}

export { CodeMismatchError };

/** Credentials as the SDK takes them: a role's session has a token. */
interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The worker's whole environment: the function's variables, its role's credentials, region, Lambda's own. */
function workerEnvironment(
  fn: DeployedFunction,
  codeDir: string,
  aws: { region: string; endpoint: string },
  credentials: Credentials,
): Record<string, string> {
  return {
    // Lambda's reserved variables, then the function's (Lambda refuses reserved names in Environment).
    AWS_REGION: aws.region,
    AWS_DEFAULT_REGION: aws.region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken === undefined ? {} : { AWS_SESSION_TOKEN: credentials.sessionToken }),
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    LAMBDA_TASK_ROOT: codeDir,
    TZ: ':UTC',
    // As LocalStack does: code that was not given an endpoint still talks to the emulator, never to AWS.
    AWS_ENDPOINT_URL: aws.endpoint,
    // The deployed runtime (nodejs22.x) may be newer than the Node running it here: the SDK's
    // "needs Node 22 from 2027" warning would open every worker's log.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...fn.env,
  };
}

/** What every phase of startRuntime shares: the settings, the clients, and what has been started so far (to stop it). */
interface RuntimeContext {
  options: RuntimeOptions;
  log: (line: string) => void;
  /** A batch or request: one line in the log, one typed report to the subscribers. */
  report: (done: BatchReport | RequestReport) => void;
  /** A typed report only (a stream batch has its own line). */
  publish: (done: RuntimeReport) => void;
  concurrency: number;
  region: string;
  aws: { region: string; accessKeyId: string; secretAccessKey: string; endpoint: string };
  clients: RuntimeClients;
  /** Each function's role session (AssumeRole), assumed once: its workers' and its pollers' credentials. */
  roleCredentials: Map<string, Promise<Credentials>>;
  codeDirs: string[];
  pools: Map<string, ReloadablePool>;
  pollers: { stop(graceMs: number): Promise<{ unfinished: number }> }[];
  functionClients: FunctionClients[];
}

interface RuntimeClients {
  lambda: LambdaClient;
  sqs: SQSClient;
  apiGateway: APIGatewayClient;
  streams: DynamoDBStreamsClient;
  /** The failure destination. */
  sns: SNSClient;
  /** The app clients of the authorizers' pools. */
  cognito: CognitoIdentityProviderClient;
  /** Each function's execution role is assumed, as Lambda assumes it. */
  sts: STSClient;
  /** Scheduled rules and their targets. */
  events: EventBridgeClient;
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const ctx = runtimeContext(options);
  let frontDoor: FrontDoor | undefined;
  let localRoutes: LocalRoutes | undefined;
  try {
    const deployment = await discoverDeployment(ctx);
    await checkCode(ctx, deployment);
    await startPools(ctx, deployment);
    await startSqsPollers(ctx, deployment);
    await startStreamPollers(ctx, deployment);
    await startSchedules(ctx, deployment);
    localRoutes = options.localRoutes?.(deployment);
    frontDoor = await openFrontDoor(ctx, deployment, reloader(ctx, deployment), localRoutes);
    const base = `http://${options.apiHost ?? '127.0.0.1'}:${String(frontDoor.port)}`;
    const ready = readyInfo(deployment, base);
    ctx.log(
      `runtime: front door on ${base} (${ready.apis.map((api) => api.url).join(', ') || 'no API deployed'}${localRoutes === undefined ? '' : `; ${base}${localRoutes.prefix}`})`,
    );
    return { ...ready, ready, deployment, stop: stopper(ctx, frontDoor, localRoutes) };
  } catch (error) {
    await Promise.all(ctx.pollers.map((poller) => poller.stop(0)));
    localRoutes?.close?.();
    await frontDoor?.close();
    await cleanup(ctx);
    throw error;
  }
}

function runtimeContext(options: RuntimeOptions): RuntimeContext {
  const log = options.log ?? (() => {});
  const publish = (done: RuntimeReport): void => options.onReport?.(done);
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const credentials = options.credentials ?? {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'test',
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
  };
  // One client per service for the runtime's whole life.
  const clientConfig = { endpoint: options.endpoint, region, credentials };
  return {
    options,
    log,
    publish,
    report: (done) => {
      log(describeReport(done));
      publish(done);
    },
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    region,
    aws: { region, ...credentials, endpoint: options.endpoint },
    clients: {
      lambda: new LambdaClient(clientConfig),
      sqs: new SQSClient(clientConfig),
      apiGateway: new APIGatewayClient(clientConfig),
      streams: new DynamoDBStreamsClient(clientConfig),
      sns: new SNSClient(clientConfig),
      cognito: new CognitoIdentityProviderClient(clientConfig),
      sts: new STSClient(clientConfig),
      events: new EventBridgeClient(clientConfig),
    },
    roleCredentials: new Map(),
    codeDirs: [],
    pools: new Map(),
    pollers: [],
    functionClients: [],
  };
}

/** Stops the workers, removes the extracted code and closes the clients. */
async function cleanup(ctx: RuntimeContext): Promise<void> {
  await Promise.all([...ctx.pools.values()].map((pool) => pool.stop()));
  await Promise.all(ctx.codeDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  for (const client of Object.values(ctx.clients)) client.destroy();
  for (const clients of ctx.functionClients) for (const client of Object.values(clients)) client.destroy();
}

/**
 * The credentials of the function's execution role, as Lambda gives its code: a session named after
 * the function (AssumeRole on the emulator). A function without a role gets the runtime's own.
 */
function credentialsOf(ctx: RuntimeContext, fn: DeployedFunction): Promise<Credentials> {
  let credentials = ctx.roleCredentials.get(fn.name);
  if (credentials === undefined) {
    const role = fn.role;
    credentials =
      role === undefined
        ? Promise.resolve({ accessKeyId: ctx.aws.accessKeyId, secretAccessKey: ctx.aws.secretAccessKey })
        : ctx.clients.sts
            .send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: fn.name, DurationSeconds: 43_200 }))
            .then(({ Credentials: c }) => {
              if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined)
                throw new Error(`AssumeRole of ${role} for ${fn.name} returned no credentials`);
              return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
            });
    ctx.roleCredentials.set(fn.name, credentials);
  }
  return credentials;
}

/**
 * The clients the runtime calls AWS with on a function's behalf, as Lambda's pollers do: with the
 * function's role, through the function's endpoint (so the gate, if any, authorises them as the role).
 */
async function clientsFor(ctx: RuntimeContext, fn: DeployedFunction): Promise<FunctionClients> {
  const config = {
    endpoint: ctx.options.functionEndpoint?.(fn.name) ?? ctx.options.endpoint,
    region: ctx.region,
    credentials: await credentialsOf(ctx, fn),
  };
  const clients = {
    sqs: new SQSClient(config),
    streams: new DynamoDBStreamsClient(config),
    sns: new SNSClient(config),
  };
  ctx.functionClients.push(clients);
  return clients;
}

interface FunctionClients {
  sqs: SQSClient;
  streams: DynamoDBStreamsClient;
  sns: SNSClient;
}

/** Discovery: what Terraform deployed, from the emulator's own APIs. */
async function discoverDeployment(ctx: RuntimeContext): Promise<Deployment> {
  const started = Date.now();
  const deployment = await discover(ctx.clients);
  ctx.log(
    `runtime: discovered ${deployment.functions.length} function(s), ${deployment.mappings.length} SQS mapping(s), ${deployment.streamMappings.length} stream mapping(s), ` +
      `${deployment.apis.length} REST API(s) on ${ctx.options.endpoint} in ${seconds(Date.now() - started)}`,
  );
  for (const warning of deployment.warnings) ctx.log(`runtime: warning: ${warning}`);
  return deployment;
}

/** The code check: every zip in distDir must be the code the emulator holds (its CodeSha256). */
async function checkCode(ctx: RuntimeContext, deployment: Deployment): Promise<void> {
  const started = Date.now();
  const verified = await Promise.allSettled(
    deployment.functions.map((fn) => verifyCode(fn.name, zipOf(ctx, fn), fn.codeSha256)),
  );
  const mismatches = verified.flatMap((result) =>
    result.status === 'rejected'
      ? [result.reason instanceof Error ? result.reason.message : String(result.reason)]
      : [],
  );
  if (mismatches.length > 0) throw new CodeMismatchError(mismatches.join('\n'));
  ctx.log(`runtime: code of every function matches its deployed CodeSha256 (${seconds(Date.now() - started)})`);
}

const zipOf = (ctx: RuntimeContext, fn: DeployedFunction): string =>
  join(ctx.options.distDir, `${ctx.options.zipName?.(fn.name) ?? fn.name}.zip`);

/** A pool running the function's zip from distDir, extracted to a directory of its own. */
async function workerPool(ctx: RuntimeContext, fn: DeployedFunction): Promise<WorkerPool> {
  const codeDir = await extractZip(zipOf(ctx, fn), `order-fanout-${fn.name}-`);
  ctx.codeDirs.push(codeDir);
  const { moduleFile, exportName } = await resolveHandler(codeDir, fn.handler);
  const endpoint = ctx.options.functionEndpoint;
  const output = (functionName: string, line: string): void => {
    ctx.log(`[${functionName}] ${line}`);
    ctx.publish({ type: 'output', time: new Date().toISOString(), functionName, line });
  };
  const inspect = ctx.options.inspect !== undefined && inspected(ctx, fn.name) ? ctx.options.inspect : undefined;
  if (inspect !== undefined)
    ctx.log(
      `runtime: ${fn.name} runs one worker with the inspector on 127.0.0.1:${inspect.port} (attach a debugger: .vscode/launch.json), its timeout lifted to 900 s`,
    );
  return new WorkerPool(
    {
      name: fn.name,
      arn: fn.arn,
      moduleFile,
      exportName,
      codeDir,
      timeoutSeconds: inspect === undefined ? fn.timeoutSeconds : 900,
      memorySize: fn.memorySize,
      env: {
        ...workerEnvironment(fn, codeDir, ctx.aws, await credentialsOf(ctx, fn)),
        ...(endpoint ? { AWS_ENDPOINT_URL: endpoint(fn.name) } : {}),
      },
    },
    inspect === undefined
      ? { concurrency: ctx.concurrency, onOutput: output }
      : { concurrency: 1, onOutput: output, inspectPort: inspect.port },
  );
}

/** Whether INSPECT names this function: its deployed name, or that name without the stack's name prefix. */
const inspected = (ctx: RuntimeContext, name: string): boolean => {
  const wanted = ctx.options.inspect?.functionName;
  return wanted !== undefined && (name === wanted || name.endsWith(`-${wanted}`));
};

/** Pools: one per function, each with one warm worker; one that cannot initialise is reported, and retried per invocation as Lambda does. */
async function startPools(ctx: RuntimeContext, deployment: Deployment): Promise<void> {
  const started = Date.now();
  const wanted = ctx.options.inspect?.functionName;
  if (wanted !== undefined && deployment.functions.filter((fn) => inspected(ctx, fn.name)).length !== 1)
    throw new Error(
      `INSPECT=${wanted} names no one deployed function (${deployment.functions.map((fn) => fn.name).join(', ')})`,
    );
  for (const fn of deployment.functions) ctx.pools.set(fn.name, new ReloadablePool(await workerPool(ctx, fn)));
  await Promise.all(
    [...ctx.pools.entries()].map(([name, pool]) =>
      pool
        .warm()
        .catch((error: unknown) =>
          ctx.log(
            `runtime: error: ${name} failed to initialise: ${error instanceof Error ? error.message : String(error)}`,
          ),
        ),
    ),
  );
  ctx.log(
    `runtime: ${ctx.pools.size} worker pool(s) warm (up to ${ctx.concurrency} workers each) in ${seconds(Date.now() - started)}`,
  );
}

/** SQS pollers: one per event source mapping, with the mapping's settings. */
async function startSqsPollers(ctx: RuntimeContext, deployment: Deployment): Promise<void> {
  const fnByName = new Map(deployment.functions.map((fn) => [fn.name, fn]));
  for (const mapping of deployment.mappings) {
    const fn = fnByName.get(mapping.functionName);
    const pool = ctx.pools.get(mapping.functionName);
    if (fn === undefined || pool === undefined) continue;
    if (mapping.visibilityTimeoutSeconds < fn.timeoutSeconds) {
      ctx.log(
        `runtime: warning: ${mapping.queueUrl} visibility timeout ${mapping.visibilityTimeoutSeconds}s is shorter than ${fn.name}'s timeout ${fn.timeoutSeconds}s: messages can be delivered twice while still being processed (Lambda refuses such a mapping)`,
      );
    }
    if (mapping.state === 'Enabled' || mapping.state === 'Enabling') {
      ctx.log(
        `runtime: warning: mapping ${mapping.uuid} is enabled: the emulator's own delivery competes with this runtime (create it disabled locally)`,
      );
    }
    const waitTimeSeconds = ctx.options.waitTimeSeconds;
    // As Lambda's pollers: no more batches at once than the mapping's MaximumConcurrency allows.
    const loops = Math.min(ctx.concurrency, mapping.maximumConcurrency ?? ctx.concurrency);
    const poller = new SqsPoller(
      new SqsQueue((await clientsFor(ctx, fn)).sqs, mapping.queueUrl),
      pool,
      {
        functionName: fn.name,
        queueArn: mapping.queueArn,
        region: ctx.region,
        batchSize: mapping.batchSize,
        maximumBatchingWindowInSeconds: mapping.maximumBatchingWindowInSeconds,
        reportBatchItemFailures: mapping.reportBatchItemFailures,
      },
      {
        loops,
        ...(waitTimeSeconds === undefined ? {} : { waitTimeSeconds }),
        onBatch: (batch) => ctx.report(sqsBatchReport(batch)),
        onError: (error) =>
          ctx.log(
            `runtime: error: polling ${mapping.queueUrl} for ${fn.name}: ${error instanceof Error ? error.message : String(error)}`,
          ),
      },
    );
    poller.start();
    ctx.pollers.push(poller);
    ctx.log(
      `runtime: polling ${mapping.queueUrl} → ${fn.name} (batch ${mapping.batchSize}, window ${mapping.maximumBatchingWindowInSeconds}s, ` +
        `${mapping.reportBatchItemFailures ? 'ReportBatchItemFailures' : 'whole-batch results'}, visibility ${mapping.visibilityTimeoutSeconds}s, ` +
        `${loops} batch(es) at once${mapping.maximumConcurrency === undefined ? '' : `: MaximumConcurrency ${mapping.maximumConcurrency}`})`,
    );
  }
}

/** Stream pollers: one per DynamoDB Streams mapping (the launcher keeps moto from delivering stream records itself, enabled or not). */
async function startStreamPollers(ctx: RuntimeContext, deployment: Deployment): Promise<void> {
  const fnByName = new Map(deployment.functions.map((fn) => [fn.name, fn]));
  const file = ctx.options.streamCheckpointFile;
  const uuids = deployment.streamMappings.map((mapping) => mapping.uuid);
  const checkpoints = file === undefined ? new MemoryCheckpoints() : new FileCheckpoints(file, uuids);
  for (const mapping of deployment.streamMappings) {
    const fn = fnByName.get(mapping.functionName);
    const pool = ctx.pools.get(mapping.functionName);
    if (fn === undefined || pool === undefined) continue;
    const clients = await clientsFor(ctx, fn);
    const poller = new StreamPoller(
      new DynamoDbStream(
        clients.streams,
        mapping.streamArn,
        new URL('/_aws/dynamodbstreams/wait', ctx.options.endpoint),
      ),
      pool,
      new FailureDestination(clients),
      { ...mapping, region: ctx.region },
      {
        checkpoints,
        ...(ctx.options.streamMaxRetryBackoffMs === undefined
          ? {}
          : { maxRetryBackoffMs: ctx.options.streamMaxRetryBackoffMs }),
        onBatch: (batch) => {
          ctx.log(describeStreamBatch(batch)); // its own line: it says which attempt this was
          ctx.publish(streamBatchReport(batch));
        },
        onDiscard: (report) => ctx.log(describeDiscard(report)),
        onError: (error) =>
          ctx.log(
            `runtime: error: reading ${mapping.streamArn} for ${mapping.functionName}: ${error instanceof Error ? error.message : String(error)}`,
          ),
      },
    );
    poller.start();
    ctx.pollers.push(poller);
    ctx.log(
      `runtime: reading ${mapping.streamArn} → ${mapping.functionName} (from ${mapping.startingPosition}, batch ${mapping.batchSize}, window ${mapping.maximumBatchingWindowInSeconds}s, ` +
        `${mapping.filter.patterns} filter(s), ${mapping.reportBatchItemFailures ? 'ReportBatchItemFailures' : 'whole-batch results'}, ` +
        `bisect ${mapping.bisectBatchOnFunctionError ? 'on' : 'off'}, retries ${mapping.maximumRetryAttempts}, max age ${mapping.maximumRecordAgeInSeconds}s, ` +
        `on failure ${mapping.onFailureDestination ?? 'discard'})`,
    );
  }
}

/** Scheduled rules whose targets are deployed functions, run on their rate (schedules.ts). */
async function startSchedules(ctx: RuntimeContext, deployment: Deployment): Promise<void> {
  const { schedules, warnings } = await discoverSchedules(
    ctx.clients.events,
    new Map(deployment.functions.map((fn) => [fn.arn, fn.name])),
  );
  for (const warning of warnings) ctx.log(`runtime: warning: ${warning}`);
  const scheduler = new Scheduler(schedules, (name) => ctx.pools.get(name), {
    onRun: ({ schedule, attempt, outcome, durationMs }) =>
      ctx.log(
        `invoke ${schedule.functionName} schedule:${schedule.ruleName} outcome=${outcome.ok ? 'success' : outcome.kind} attempt=${attempt} duration=${seconds(durationMs)}` +
          (outcome.ok ? '' : ` (${outcome.message}; Lambda retries an asynchronous invocation twice)`),
      ),
  });
  scheduler.start();
  ctx.pollers.push(scheduler);
  for (const schedule of schedules)
    ctx.log(`runtime: running ${schedule.functionName} on rule ${schedule.ruleName}'s ${schedule.expression}`);
}

/**
 * Reload (make watch): code deployed since (UpdateFunctionCode) replaces a function's workers; batches
 * and requests already running finish on the old code (reloadable.ts).
 */
function reloader(ctx: RuntimeContext, deployment: Deployment): () => Promise<Reloaded[]> {
  const deployedSha = new Map(deployment.functions.map((fn) => [fn.name, fn.codeSha256]));
  return async () => {
    const reloaded: Reloaded[] = [];
    const failed: string[] = [];
    // What every function's deployed code is now, asked of all at once: the reload waits on none in turn.
    const deployedNow = await Promise.all(
      deployment.functions.map(
        async (fn) =>
          (await ctx.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn.name }))).CodeSha256 ??
          '',
      ),
    );
    // One function at a time: new workers start while the old ones still serve, so keep the machine's load (and Lambda's 10 s init limit) in reach.
    for (const [i, fn] of deployment.functions.entries()) {
      const codeSha256 = deployedNow[i] ?? '';
      if (codeSha256 === deployedSha.get(fn.name)) continue;
      const began = Date.now();
      let next: WorkerPool | undefined;
      try {
        await verifyCode(fn.name, zipOf(ctx, fn), codeSha256);
        next = await workerPool(ctx, { ...fn, codeSha256 });
        await next.warm();
      } catch (error) {
        await next?.stop();
        failed.push(`${fn.name}: ${error instanceof Error ? error.message : String(error)}`);
        ctx.log(`runtime: error: ${fn.name} not reloaded, its workers keep the code they run: ${failed.at(-1) ?? ''}`);
        continue;
      }
      deployedSha.set(fn.name, codeSha256);
      void ctx.pools.get(fn.name)?.replace(next);
      reloaded.push({ name: fn.name, codeSha256 });
      ctx.log(
        `runtime: ${fn.name} reloaded with CodeSha256 ${codeSha256} in ${seconds(Date.now() - began)} (running invocations finish on the old code)`,
      );
    }
    if (failed.length > 0) throw new Error(failed.join('; '));
    return reloaded;
  };
}

/** The front door: the APIs' routes and authorizers, the control routes (reload) and the caller's local routes. */
function openFrontDoor(
  ctx: RuntimeContext,
  deployment: Deployment,
  reload: () => Promise<Reloaded[]>,
  localRoutes: LocalRoutes | undefined,
): Promise<FrontDoor> {
  const invoke = (name: string, event: unknown): Promise<InvokeOutcome> =>
    ctx.pools.get(name)?.invoke(event) ??
    Promise.resolve({ ok: false, kind: 'error', message: `function ${name} is not deployed` });
  const endpoint = ctx.options.endpoint;
  return startFrontDoor({
    control: controlRoutes(reload),
    apis: deployment.apis,
    invoke,
    // moto serves every pool's keys under its own id, where Cognito serves them under the issuer.
    jwksUrl: (userPoolId) => new URL(`/${encodeURIComponent(userPoolId)}/.well-known/jwks.json`, endpoint),
    accountId: functionAccount(deployment) ?? '000000000000',
    region: ctx.region,
    ...(ctx.options.mayInvoke === undefined ? {} : { mayInvoke: ctx.options.mayInvoke }),
    host: ctx.options.apiHost ?? '127.0.0.1',
    port: ctx.options.apiPort ?? 4567,
    onRequest: ({ url, statusCode, ...request }) =>
      ctx.report({ type: 'request', time: new Date().toISOString(), path: url, status: statusCode, ...request }),
    ...(localRoutes === undefined ? {} : { local: localRoutes }),
  });
}

/** What the runtime tells its caller: where the front door and the APIs answer, and what it runs. */
function readyInfo(deployment: Deployment, base: string): ReadyInfo {
  const apis = deployment.apis.flatMap((api) =>
    api.stages.map((stage) => ({
      id: api.id,
      name: api.name,
      stage: stage.name,
      url: `${base}/_aws/execute-api/${api.id}/${stage.name}`,
      routes: api.routes.map((route) => `${route.httpMethod} ${route.resourcePath} → ${route.functionName}`),
    })),
  );
  return {
    apiUrl: apis[0]?.url ?? base,
    frontDoorUrl: base,
    apis,
    functions: deployment.functions.map((fn) => ({
      name: fn.name,
      timeoutSeconds: fn.timeoutSeconds,
      codeSha256: fn.codeSha256,
    })),
    mappings: deployment.mappings.map((mapping) => ({
      function: mapping.functionName,
      queueUrl: mapping.queueUrl,
      batchSize: mapping.batchSize,
      maximumBatchingWindowInSeconds: mapping.maximumBatchingWindowInSeconds,
      reportBatchItemFailures: mapping.reportBatchItemFailures,
      visibilityTimeoutSeconds: mapping.visibilityTimeoutSeconds,
    })),
    streamMappings: deployment.streamMappings.map((mapping) => ({
      function: mapping.functionName,
      streamArn: mapping.streamArn,
      startingPosition: mapping.startingPosition,
      batchSize: mapping.batchSize,
      maximumBatchingWindowInSeconds: mapping.maximumBatchingWindowInSeconds,
      reportBatchItemFailures: mapping.reportBatchItemFailures,
      bisectBatchOnFunctionError: mapping.bisectBatchOnFunctionError,
      maximumRetryAttempts: mapping.maximumRetryAttempts,
      maximumRecordAgeInSeconds: mapping.maximumRecordAgeInSeconds,
      onFailureDestination: mapping.onFailureDestination,
      filterPatterns: mapping.filterPatterns,
    })),
  };
}

/** Stop: no new batches, in-flight ones get the grace time, then the front door closes and the workers go. */
function stopper(ctx: RuntimeContext, door: FrontDoor, localRoutes: LocalRoutes | undefined): () => Promise<void> {
  const graceMs = ctx.options.shutdownGraceMs ?? 10_000;
  let stopping: Promise<void> | undefined;
  return () =>
    (stopping ??= (async () => {
      const began = Date.now();
      ctx.log(`runtime: stopping (grace ${seconds(graceMs)} for in-flight batches and requests)`);
      const results = await Promise.all(ctx.pollers.map((poller) => poller.stop(graceMs)));
      const unfinished = results.reduce((sum, result) => sum + result.unfinished, 0);
      const remaining = Math.max(0, graceMs - (Date.now() - began));
      localRoutes?.close?.(); // their open responses (event streams) would hold the front door open
      const closeTimer = setTimeout(() => door.server.closeAllConnections(), remaining);
      await door.close();
      clearTimeout(closeTimer);
      await cleanup(ctx);
      ctx.log(
        `runtime: stopped in ${seconds(Date.now() - began)}${unfinished > 0 ? ` (${unfinished} batch(es) cut off by the grace time)` : ''}`,
      );
    })());
}

function functionAccount(deployment: Deployment): string | undefined {
  const arn = deployment.functions[0]?.arn;
  return arn === undefined ? undefined : arn.split(':')[4];
}
