// The local Lambda runtime: discovers what is deployed on the emulator, then runs it — one worker
// pool per function, one poller per SQS or DynamoDB Streams event source mapping, one HTTP front door for the APIs.
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { InvokeOutcome } from './batch-result.js';
import { CONSOLE_PATH, createConsole, type Console } from './console/server.js';
import { ConsoleView } from './console/view.js';
import { CodeMismatchError, extractZip, resolveHandler, verifyCode } from './code.js';
import { discover, type DeployedFunction, type Deployment } from './discovery.js';
import { startFrontDoor, type FrontDoor } from './front-door.js';
import { SqsPoller } from './poller.js';
import { DEFAULT_CONCURRENCY, WorkerPool } from './pool.js';
import {
  describeReport,
  seconds,
  sqsBatchReport,
  streamBatchReport,
  type BatchReport,
  type RequestReport,
  type RuntimeReport,
} from './reports.js';
import { controlRoutes, type Reloaded } from './control.js';
import { ReloadablePool } from './reloadable.js';
import { SqsQueue } from './sqs-queue.js';
import { describeDiscard, describeStreamBatch, StreamPoller } from './stream-poller.js';
import { FileCheckpoints, MemoryCheckpoints } from './stream-checkpoints.js';
import { DynamoDbStream, FailureDestination } from './stream-source.js';

export interface RuntimeOptions {
  /** The emulator, e.g. http://127.0.0.1:4566. */
  endpoint: string;
  /** Where build.mjs put <functionName>.zip. */
  distDir: string;
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
  /** The same batches, requests and function output as typed reports (local/runtime/reports.ts). */
  onReport?: (report: RuntimeReport) => void;
  /** How long stop() lets in-flight batches and requests finish before killing workers (default 10 s). */
  shutdownGraceMs?: number;
  /** Long-poll wait per ReceiveMessage (default 20, SQS's maximum). */
  waitTimeSeconds?: number;
  /**
   * The AWS endpoint each function's code talks to, overriding the AWS_ENDPOINT_URL it was deployed
   * with: the e2e tests and the benchmark put the fault proxy (local/fault-proxy.ts) there.
   */
  functionEndpoint?: (functionName: string) => string;
  /** Where stream mappings keep their position in each shard across restarts, as Lambda does (default: in memory only). */
  streamCheckpointFile?: string;
}

export interface ReadyInfo {
  apiUrl: string;
  /** The live console (local only): orders, their events, queues, the DLQ, emails. */
  consoleUrl: string;
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

/** The worker's whole environment: the function's variables, credentials, region, Lambda's own. */
function workerEnvironment(
  fn: DeployedFunction,
  codeDir: string,
  aws: { region: string; accessKeyId: string; secretAccessKey: string; endpoint: string },
): Record<string, string> {
  return {
    // Lambda's reserved variables, then the function's (Lambda refuses reserved names in Environment).
    AWS_REGION: aws.region,
    AWS_DEFAULT_REGION: aws.region,
    AWS_ACCESS_KEY_ID: aws.accessKeyId,
    AWS_SECRET_ACCESS_KEY: aws.secretAccessKey,
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

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const log = options.log ?? (() => {});
  const consoleView = new ConsoleView();
  const publish = (done: RuntimeReport): void => {
    options.onReport?.(done);
    consoleView.observe(done);
  };
  const report = (done: BatchReport | RequestReport): void => {
    log(describeReport(done));
    publish(done);
  };
  const output = (functionName: string, line: string): void => {
    log(`[${functionName}] ${line}`);
    publish({ type: 'output', time: new Date().toISOString(), functionName, line });
  };
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const credentials = options.credentials ?? {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'test',
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
  };
  const apiHost = options.apiHost ?? '127.0.0.1';
  const graceMs = options.shutdownGraceMs ?? 10_000;

  // One client per service for the runtime's whole life.
  const clientConfig = { endpoint: options.endpoint, region, credentials };
  const clients = {
    lambda: new LambdaClient(clientConfig),
    sqs: new SQSClient(clientConfig),
    apiGateway: new APIGatewayClient(clientConfig),
    streams: new DynamoDBStreamsClient(clientConfig),
    sns: new SNSClient(clientConfig), // the failure destination, and the console's redrive
    cognito: new CognitoIdentityProviderClient(clientConfig), // the app clients of the authorizers' pools
  };
  const destroyClients = (): void => {
    clients.lambda.destroy();
    clients.sqs.destroy();
    clients.apiGateway.destroy();
    clients.streams.destroy();
    clients.sns.destroy();
    clients.cognito.destroy();
  };

  const codeDirs: string[] = [];
  const pools = new Map<string, ReloadablePool>();
  const pollers: { stop(graceMs: number): Promise<{ unfinished: number }> }[] = [];
  let frontDoor: FrontDoor | undefined;
  let liveConsole: Console | undefined;
  const cleanup = async (): Promise<void> => {
    await Promise.all([...pools.values()].map((pool) => pool.stop()));
    await Promise.all(codeDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    destroyClients();
  };

  try {
    let started = Date.now();
    const deployment = await discover(clients);
    log(
      `runtime: discovered ${deployment.functions.length} function(s), ${deployment.mappings.length} SQS mapping(s), ${deployment.streamMappings.length} stream mapping(s), ` +
        `${deployment.apis.length} REST API(s) on ${options.endpoint} in ${seconds(Date.now() - started)}`,
    );
    for (const warning of deployment.warnings) log(`runtime: warning: ${warning}`);

    started = Date.now();
    const verified = await Promise.allSettled(
      deployment.functions.map((fn) => verifyCode(fn.name, join(options.distDir, `${fn.name}.zip`), fn.codeSha256)),
    );
    const mismatches = verified.flatMap((result) =>
      result.status === 'rejected'
        ? [result.reason instanceof Error ? result.reason.message : String(result.reason)]
        : [],
    );
    if (mismatches.length > 0) throw new CodeMismatchError(mismatches.join('\n'));
    log(`runtime: code of every function matches its deployed CodeSha256 (${seconds(Date.now() - started)})`);

    started = Date.now();
    const aws = { region, ...credentials, endpoint: options.endpoint };
    /** A pool running the function's zip from distDir, extracted to a directory of its own. */
    const workerPool = async (fn: DeployedFunction): Promise<WorkerPool> => {
      const codeDir = await extractZip(join(options.distDir, `${fn.name}.zip`), `order-fanout-${fn.name}-`);
      codeDirs.push(codeDir);
      const { moduleFile, exportName } = await resolveHandler(codeDir, fn.handler);
      return new WorkerPool(
        {
          name: fn.name,
          arn: fn.arn,
          moduleFile,
          exportName,
          codeDir,
          timeoutSeconds: fn.timeoutSeconds,
          memorySize: fn.memorySize,
          env: {
            ...workerEnvironment(fn, codeDir, aws),
            ...(options.functionEndpoint ? { AWS_ENDPOINT_URL: options.functionEndpoint(fn.name) } : {}),
          },
        },
        { concurrency, onOutput: output },
      );
    };
    for (const fn of deployment.functions) pools.set(fn.name, new ReloadablePool(await workerPool(fn)));
    // One warm worker per function; one that cannot initialise is reported, and retried per invocation as Lambda does.
    await Promise.all(
      [...pools.entries()].map(([name, pool]) =>
        pool
          .warm()
          .catch((error: unknown) =>
            log(
              `runtime: error: ${name} failed to initialise: ${error instanceof Error ? error.message : String(error)}`,
            ),
          ),
      ),
    );
    log(
      `runtime: ${pools.size} worker pool(s) warm (up to ${concurrency} workers each) in ${seconds(Date.now() - started)}`,
    );

    const invoke = (name: string, event: unknown): Promise<InvokeOutcome> =>
      pools.get(name)?.invoke(event) ??
      Promise.resolve({ ok: false, kind: 'error', message: `function ${name} is not deployed` });

    const fnByName = new Map(deployment.functions.map((fn) => [fn.name, fn]));
    for (const mapping of deployment.mappings) {
      const fn = fnByName.get(mapping.functionName);
      const pool = pools.get(mapping.functionName);
      if (fn === undefined || pool === undefined) continue;
      if (mapping.visibilityTimeoutSeconds < fn.timeoutSeconds) {
        log(
          `runtime: warning: ${mapping.queueUrl} visibility timeout ${mapping.visibilityTimeoutSeconds}s is shorter than ${fn.name}'s timeout ${fn.timeoutSeconds}s: messages can be delivered twice while still being processed (Lambda refuses such a mapping)`,
        );
      }
      if (mapping.state === 'Enabled' || mapping.state === 'Enabling') {
        log(
          `runtime: warning: mapping ${mapping.uuid} is enabled: the emulator's own delivery competes with this runtime (create it disabled locally)`,
        );
      }
      const poller = new SqsPoller(
        new SqsQueue(clients.sqs, mapping.queueUrl),
        pool,
        {
          functionName: fn.name,
          queueArn: mapping.queueArn,
          region,
          batchSize: mapping.batchSize,
          maximumBatchingWindowInSeconds: mapping.maximumBatchingWindowInSeconds,
          reportBatchItemFailures: mapping.reportBatchItemFailures,
        },
        {
          loops: concurrency,
          ...(options.waitTimeSeconds === undefined ? {} : { waitTimeSeconds: options.waitTimeSeconds }),
          onBatch: (batch) => report(sqsBatchReport(batch)),
          onError: (error) =>
            log(
              `runtime: error: polling ${mapping.queueUrl} for ${fn.name}: ${error instanceof Error ? error.message : String(error)}`,
            ),
        },
      );
      poller.start();
      pollers.push(poller);
      log(
        `runtime: polling ${mapping.queueUrl} → ${fn.name} (batch ${mapping.batchSize}, window ${mapping.maximumBatchingWindowInSeconds}s, ` +
          `${mapping.reportBatchItemFailures ? 'ReportBatchItemFailures' : 'whole-batch results'}, visibility ${mapping.visibilityTimeoutSeconds}s)`,
      );
    }

    // Stream mappings: the launcher keeps moto from delivering stream records itself, enabled or not.
    const destination = new FailureDestination(clients);
    const uuids = deployment.streamMappings.map((mapping) => mapping.uuid);
    const checkpoints =
      options.streamCheckpointFile === undefined
        ? new MemoryCheckpoints()
        : new FileCheckpoints(options.streamCheckpointFile, uuids);
    for (const mapping of deployment.streamMappings) {
      const pool = pools.get(mapping.functionName);
      if (pool === undefined) continue;
      const poller = new StreamPoller(
        new DynamoDbStream(clients.streams, mapping.streamArn),
        pool,
        destination,
        { ...mapping, region },
        {
          checkpoints,
          onBatch: (batch) => {
            log(describeStreamBatch(batch)); // its own line: it says which attempt this was
            publish(streamBatchReport(batch));
          },
          onDiscard: (report) => log(describeDiscard(report)),
          onError: (error) =>
            log(
              `runtime: error: reading ${mapping.streamArn} for ${mapping.functionName}: ${error instanceof Error ? error.message : String(error)}`,
            ),
        },
      );
      poller.start();
      pollers.push(poller);
      log(
        `runtime: reading ${mapping.streamArn} → ${mapping.functionName} (from ${mapping.startingPosition}, batch ${mapping.batchSize}, window ${mapping.maximumBatchingWindowInSeconds}s, ` +
          `${mapping.filter.patterns} filter(s), ${mapping.reportBatchItemFailures ? 'ReportBatchItemFailures' : 'whole-batch results'}, ` +
          `bisect ${mapping.bisectBatchOnFunctionError ? 'on' : 'off'}, retries ${mapping.maximumRetryAttempts}, max age ${mapping.maximumRecordAgeInSeconds}s, ` +
          `on failure ${mapping.onFailureDestination ?? 'discard'})`,
      );
    }

    liveConsole = createConsole({
      view: consoleView,
      sqs: clients.sqs,
      sns: clients.sns,
      endpoint: options.endpoint,
      mappings: deployment.mappings,
    });
    // make watch: code deployed since (UpdateFunctionCode) replaces a function's workers; batches
    // and requests already running finish on the old code (reloadable.ts).
    const deployedSha = new Map(deployment.functions.map((fn) => [fn.name, fn.codeSha256]));
    const reload = async (): Promise<Reloaded[]> => {
      const reloaded: Reloaded[] = [];
      const failed: string[] = [];
      // One function at a time: new workers start while the old ones still serve, so keep the machine's load (and Lambda's 10 s init limit) in reach.
      for (const fn of deployment.functions) {
        const codeSha256 =
          (await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn.name }))).CodeSha256 ?? '';
        if (codeSha256 === deployedSha.get(fn.name)) continue;
        const began = Date.now();
        let next: WorkerPool | undefined;
        try {
          await verifyCode(fn.name, join(options.distDir, `${fn.name}.zip`), codeSha256);
          next = await workerPool({ ...fn, codeSha256 });
          await next.warm();
        } catch (error) {
          await next?.stop();
          failed.push(`${fn.name}: ${error instanceof Error ? error.message : String(error)}`);
          log(`runtime: error: ${fn.name} not reloaded, its workers keep the code they run: ${failed.at(-1) ?? ''}`);
          continue;
        }
        deployedSha.set(fn.name, codeSha256);
        void pools.get(fn.name)?.replace(next);
        reloaded.push({ name: fn.name, codeSha256 });
        log(
          `runtime: ${fn.name} reloaded with CodeSha256 ${codeSha256} in ${seconds(Date.now() - began)} (running invocations finish on the old code)`,
        );
      }
      if (failed.length > 0) throw new Error(failed.join('; '));
      return reloaded;
    };

    frontDoor = await startFrontDoor({
      control: controlRoutes(reload),
      apis: deployment.apis,
      invoke,
      // moto serves every pool's keys under its own id, where Cognito serves them under the issuer.
      jwksUrl: (userPoolId) => new URL(`/${encodeURIComponent(userPoolId)}/.well-known/jwks.json`, options.endpoint),
      accountId: functionAccount(deployment) ?? '000000000000',
      host: apiHost,
      port: options.apiPort ?? 4567,
      onRequest: ({ url, statusCode, ...request }) =>
        report({ type: 'request', time: new Date().toISOString(), path: url, status: statusCode, ...request }),
      local: { prefix: CONSOLE_PATH, handle: liveConsole.handle },
    });
    const base = `http://${apiHost}:${String(frontDoor.port)}`;
    const apis = deployment.apis.flatMap((api) =>
      api.stages.map((stage) => ({
        id: api.id,
        name: api.name,
        stage: stage.name,
        url: `${base}/_aws/execute-api/${api.id}/${stage.name}`,
        routes: api.routes.map((route) => `${route.httpMethod} ${route.resourcePath} → ${route.functionName}`),
      })),
    );
    log(
      `runtime: front door on ${base} (${apis.map((api) => api.url).join(', ') || 'no API deployed'}; console ${base}${CONSOLE_PATH})`,
    );

    const ready: ReadyInfo = {
      apiUrl: apis[0]?.url ?? base,
      consoleUrl: `${base}${CONSOLE_PATH}`,
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

    let stopping: Promise<void> | undefined;
    const door = frontDoor;
    const openConsole = liveConsole;
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        const began = Date.now();
        log(`runtime: stopping (grace ${seconds(graceMs)} for in-flight batches and requests)`);
        const results = await Promise.all(pollers.map((poller) => poller.stop(graceMs)));
        const unfinished = results.reduce((sum, result) => sum + result.unfinished, 0);
        const remaining = Math.max(0, graceMs - (Date.now() - began));
        openConsole.close(); // its event streams would hold the front door open
        const closeTimer = setTimeout(() => door.server.closeAllConnections(), remaining);
        await door.close();
        clearTimeout(closeTimer);
        await cleanup();
        log(
          `runtime: stopped in ${seconds(Date.now() - began)}${unfinished > 0 ? ` (${unfinished} batch(es) cut off by the grace time)` : ''}`,
        );
      })());

    return { ...ready, ready, deployment, stop };
  } catch (error) {
    await Promise.all(pollers.map((poller) => poller.stop(0)));
    liveConsole?.close();
    await frontDoor?.close();
    await cleanup();
    throw error;
  }
}

function functionAccount(deployment: Deployment): string | undefined {
  const arn = deployment.functions[0]?.arn;
  return arn === undefined ? undefined : arn.split(':')[4];
}
