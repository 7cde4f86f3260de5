// What Terraform deployed, read back from the emulator's own APIs: functions, SQS and DynamoDB Streams
// event source mappings (with Lambda's defaults for settings the emulator omits) and REST APIs with
// their routes and authorizers (with the app clients of each authorizer's user pools).
import {
  type APIGatewayClient,
  GetAuthorizersCommand,
  GetResourcesCommand,
  GetRestApisCommand,
  GetStagesCommand,
  type Authorizer,
  type Resource,
} from '@aws-sdk/client-api-gateway';
import {
  type CognitoIdentityProviderClient,
  ListUserPoolClientsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  type LambdaClient,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
  type EventSourceMappingConfiguration,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { functionArnFromIntegrationUri, functionNameFromArn, parseQueueArn } from './arns.js';
import { identityHeader, userPoolFromArn, type DeployedAuthorizer } from './api/authorizer.js';
import type { Route } from './api/routes.js';
import { isDynamoDbStreamArn, streamMappingSettings, type DeployedStreamMapping } from './streams/stream-discovery.js';

export interface DeployedFunction {
  name: string;
  arn: string;
  handler: string;
  runtime: string;
  timeoutSeconds: number;
  memorySize: number;
  env: Record<string, string>;
  codeSha256: string;
  /** The execution role, whose credentials the function's workers get (as Lambda assumes it). */
  role: string | undefined;
}

export interface DeployedMapping {
  uuid: string;
  functionName: string;
  queueArn: string;
  queueUrl: string;
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  reportBatchItemFailures: boolean;
  visibilityTimeoutSeconds: number;
  /** ScalingConfig.MaximumConcurrency: at most this many batches at once (Lambda's default: no bound of its own). */
  maximumConcurrency?: number | undefined;
  state: string;
}

interface DeployedStage {
  name: string;
  variables: Record<string, string>;
}

export interface DeployedApi {
  id: string;
  name: string;
  binaryMediaTypes: string[];
  stages: DeployedStage[];
  routes: Route[];
  /** The COGNITO_USER_POOLS authorizers its routes name. */
  authorizers: DeployedAuthorizer[];
}

export interface Deployment {
  functions: DeployedFunction[];
  mappings: DeployedMapping[];
  streamMappings: DeployedStreamMapping[];
  apis: DeployedApi[];
  warnings: string[];
}

export interface DiscoveryClients {
  lambda: LambdaClient;
  sqs: SQSClient;
  apiGateway: APIGatewayClient;
  cognito: CognitoIdentityProviderClient;
}

/** Lambda's defaults for an SQS event source mapping (the emulator omits settings never set). */
const SQS_MAPPING_DEFAULTS = { batchSize: 10, maximumBatchingWindowInSeconds: 0 } as const;
/** Lambda's defaults for a function. */
const FUNCTION_DEFAULTS = { timeoutSeconds: 3, memorySize: 128 } as const;

function toDeployedFunction(config: FunctionConfiguration): DeployedFunction | undefined {
  const { FunctionName, FunctionArn, Handler, CodeSha256 } = config;
  if (FunctionName === undefined || FunctionArn === undefined || Handler === undefined || CodeSha256 === undefined)
    return undefined;
  return {
    name: FunctionName,
    arn: FunctionArn,
    handler: Handler,
    runtime: config.Runtime ?? 'nodejs22.x',
    timeoutSeconds: config.Timeout ?? FUNCTION_DEFAULTS.timeoutSeconds,
    memorySize: config.MemorySize ?? FUNCTION_DEFAULTS.memorySize,
    env: { ...(config.Environment?.Variables ?? {}) },
    codeSha256: CodeSha256,
    role: config.Role,
  };
}

/** Settings of an SQS mapping with Lambda's defaults applied; undefined for non-SQS sources. */
function mappingSettings(
  mapping: EventSourceMappingConfiguration,
): Omit<DeployedMapping, 'queueUrl' | 'visibilityTimeoutSeconds'> | undefined {
  const { UUID, EventSourceArn, FunctionArn } = mapping;
  if (
    UUID === undefined ||
    EventSourceArn === undefined ||
    FunctionArn === undefined ||
    parseQueueArn(EventSourceArn) === undefined
  )
    return undefined;
  const functionName = functionNameFromArn(FunctionArn);
  if (functionName === undefined) return undefined;
  return {
    uuid: UUID,
    functionName,
    queueArn: EventSourceArn,
    batchSize: mapping.BatchSize ?? SQS_MAPPING_DEFAULTS.batchSize,
    maximumBatchingWindowInSeconds:
      mapping.MaximumBatchingWindowInSeconds ?? SQS_MAPPING_DEFAULTS.maximumBatchingWindowInSeconds,
    reportBatchItemFailures: (mapping.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
    maximumConcurrency: mapping.ScalingConfig?.MaximumConcurrency,
    state: mapping.State ?? 'Unknown',
  };
}

/** The AWS_PROXY routes of one API's resources (fetched with embed=methods). */
function routesFromResources(resources: readonly Resource[], warnings: string[] = []): Route[] {
  const routes: Route[] = [];
  for (const resource of resources) {
    for (const [httpMethod, method] of Object.entries(resource.resourceMethods ?? {})) {
      const integration = method.methodIntegration;
      const where = `${httpMethod} ${resource.path ?? '?'}`;
      if (integration?.type !== 'AWS_PROXY' || integration.uri === undefined) {
        warnings.push(
          `${where}: integration ${integration?.type ?? 'none'} is not run locally (only AWS_PROXY to Lambda)`,
        );
        continue;
      }
      const authorizationType = method.authorizationType ?? 'NONE';
      if (
        authorizationType !== 'NONE' &&
        (authorizationType !== 'COGNITO_USER_POOLS' || method.authorizerId === undefined)
      ) {
        // Never served without the check it asks for: like a route that does not exist.
        warnings.push(
          `${where}: authorization ${authorizationType} is not applied locally (only COGNITO_USER_POOLS); not served`,
        );
        continue;
      }
      const arn = functionArnFromIntegrationUri(integration.uri);
      const functionName = arn === undefined ? undefined : functionNameFromArn(arn);
      if (functionName === undefined || resource.id === undefined || resource.path === undefined) {
        warnings.push(`${where}: cannot read the function from integration URI ${integration.uri}`);
        continue;
      }
      routes.push({
        resourceId: resource.id,
        resourcePath: resource.path,
        httpMethod,
        functionName,
        ...(method.authorizerId === undefined || authorizationType === 'NONE'
          ? {}
          : { authorization: { authorizerId: method.authorizerId, scopes: method.authorizationScopes ?? [] } }),
      });
    }
  }
  return routes;
}

/**
 * The COGNITO_USER_POOLS authorizers, each with its identity header and the app clients of the pools
 * its providerARNs name (ListUserPoolClients: an ID token's audience must be one of them).
 */
async function cognitoAuthorizers(
  authorizers: readonly Authorizer[],
  cognito: CognitoIdentityProviderClient,
  warnings: string[] = [],
): Promise<DeployedAuthorizer[]> {
  const found: DeployedAuthorizer[] = [];
  for (const authorizer of authorizers) {
    const header = identityHeader(authorizer.identitySource ?? '');
    if (authorizer.type !== 'COGNITO_USER_POOLS' || authorizer.id === undefined || header === undefined) {
      warnings.push(
        `authorizer ${authorizer.name ?? authorizer.id ?? '?'}: ${authorizer.type ?? '?'} with identity source ${authorizer.identitySource ?? 'none'} is not applied locally`,
      );
      continue;
    }
    const userPools = await Promise.all(
      (authorizer.providerARNs ?? []).flatMap((arn) => {
        const pool = userPoolFromArn(arn);
        if (pool === undefined) {
          warnings.push(`authorizer ${authorizer.name ?? authorizer.id}: ${arn} is not a user pool ARN`);
          return [];
        }
        return [
          listAll(async (NextToken) => {
            const page = await cognito.send(
              new ListUserPoolClientsCommand({ UserPoolId: pool.id, MaxResults: 60, NextToken }),
            );
            return { items: page.UserPoolClients ?? [], next: page.NextToken };
          }).then((clients) => ({
            ...pool,
            clientIds: clients.flatMap((client) => (client.ClientId === undefined ? [] : [client.ClientId])),
          })),
        ];
      }),
    );
    found.push({ id: authorizer.id, name: authorizer.name ?? authorizer.id, identityHeader: header, userPools });
  }
  return found;
}

/** Routes whose authorizer is not one the front door can apply are dropped (never served unchecked). */
function checkedRoutes(
  routes: readonly Route[],
  authorizers: readonly DeployedAuthorizer[],
  warnings: string[],
): Route[] {
  return routes.filter((route) => {
    if (
      route.authorization === undefined ||
      authorizers.some((authorizer) => authorizer.id === route.authorization?.authorizerId)
    )
      return true;
    warnings.push(
      `${route.httpMethod} ${route.resourcePath}: its authorizer ${route.authorization.authorizerId} is not applied locally; not served`,
    );
    return false;
  });
}

async function listAll<T>(
  fetchPage: (marker: string | undefined) => Promise<{ items: T[]; next: string | undefined }>,
): Promise<T[]> {
  const all: T[] = [];
  let marker: string | undefined;
  do {
    const page = await fetchPage(marker);
    all.push(...page.items);
    marker = page.next;
  } while (marker !== undefined && marker !== '');
  return all;
}

export async function discover(clients: DiscoveryClients): Promise<Deployment> {
  const warnings: string[] = [];
  const [configs, rawMappings, restApis] = await Promise.all([
    listAll(async (Marker) => {
      const page = await clients.lambda.send(new ListFunctionsCommand({ Marker }));
      return { items: page.Functions ?? [], next: page.NextMarker };
    }),
    // No FunctionName filter: moto compares it with the raw string given at creation (Terraform gives the ARN).
    listAll(async (Marker) => {
      const page = await clients.lambda.send(new ListEventSourceMappingsCommand({ Marker }));
      return { items: page.EventSourceMappings ?? [], next: page.NextMarker };
    }),
    listAll(async (position) => {
      const page = await clients.apiGateway.send(new GetRestApisCommand({ position, limit: 500 }));
      return { items: page.items ?? [], next: page.position };
    }),
  ]);

  const functions = configs.map(toDeployedFunction).filter((fn): fn is DeployedFunction => fn !== undefined);
  const names = new Set(functions.map((fn) => fn.name));

  const streamMappings = rawMappings
    .filter((raw) => isDynamoDbStreamArn(raw.EventSourceArn))
    .flatMap((raw) => streamMappingSettings(raw, warnings) ?? [])
    .filter((mapping) => {
      if (!names.has(mapping.functionName))
        warnings.push(`event source mapping ${mapping.uuid}: function ${mapping.functionName} does not exist; skipped`);
      return names.has(mapping.functionName);
    });

  const mappings = await Promise.all(
    rawMappings
      .filter((raw) => !isDynamoDbStreamArn(raw.EventSourceArn))
      .map(async (raw): Promise<DeployedMapping | undefined> => {
        const settings = mappingSettings(raw);
        if (settings === undefined) {
          warnings.push(
            `event source mapping ${raw.UUID ?? '?'} (${raw.EventSourceArn ?? '?'}) is not an SQS or DynamoDB Streams mapping of a known function; skipped`,
          );
          return undefined;
        }
        if (!names.has(settings.functionName)) {
          warnings.push(
            `event source mapping ${settings.uuid}: function ${settings.functionName} does not exist; skipped`,
          );
          return undefined;
        }
        const queue = parseQueueArn(settings.queueArn);
        const { QueueUrl } = await clients.sqs.send(
          new GetQueueUrlCommand({ QueueName: queue?.name, QueueOwnerAWSAccountId: queue?.accountId || undefined }),
        );
        if (QueueUrl === undefined) throw new Error(`no URL for queue ${settings.queueArn}`);
        const { Attributes } = await clients.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['VisibilityTimeout'] }),
        );
        const visibilityTimeoutSeconds = Number(Attributes?.VisibilityTimeout ?? 30);
        return { ...settings, queueUrl: QueueUrl, visibilityTimeoutSeconds };
      }),
  );

  const apis = await Promise.all(
    restApis.map(async (api): Promise<DeployedApi | undefined> => {
      if (api.id === undefined) return undefined;
      const restApiId = api.id;
      const [resources, stages, authorizerList] = await Promise.all([
        listAll(async (position) => {
          const page = await clients.apiGateway.send(
            new GetResourcesCommand({ restApiId, embed: ['methods'], position, limit: 500 }),
          );
          return { items: page.items ?? [], next: page.position };
        }),
        clients.apiGateway.send(new GetStagesCommand({ restApiId })),
        listAll(async (position) => {
          const page = await clients.apiGateway.send(new GetAuthorizersCommand({ restApiId, position, limit: 500 }));
          return { items: page.items ?? [], next: page.position };
        }),
      ]);
      const authorizers = await cognitoAuthorizers(authorizerList, clients.cognito, warnings);
      return {
        id: restApiId,
        name: api.name ?? restApiId,
        binaryMediaTypes: api.binaryMediaTypes ?? [],
        stages: (stages.item ?? []).flatMap((stage) =>
          stage.stageName === undefined ? [] : [{ name: stage.stageName, variables: { ...(stage.variables ?? {}) } }],
        ),
        routes: checkedRoutes(routesFromResources(resources, warnings), authorizers, warnings),
        authorizers,
      };
    }),
  );

  return {
    functions,
    mappings: mappings.filter((mapping): mapping is DeployedMapping => mapping !== undefined),
    streamMappings,
    apis: apis.filter((api): api is DeployedApi => api !== undefined),
    warnings,
  };
}
