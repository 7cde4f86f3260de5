import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  APIGatewayClient,
  GetAuthorizersCommand,
  GetResourcesCommand,
  GetRestApisCommand,
  GetStagesCommand,
} from '@aws-sdk/client-api-gateway';
import { CognitoIdentityProviderClient, ListUserPoolClientsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { LambdaClient, ListEventSourceMappingsCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { functionArnFromIntegrationUri, functionNameFromArn } from '../../../../emulation/runtime/arns.js';
import { discover } from '../../../../emulation/runtime/discovery.js';

const lambdaMock = mockClient(LambdaClient);
const sqsMock = mockClient(SQSClient);
const apiMock = mockClient(APIGatewayClient);
const cognitoMock = mockClient(CognitoIdentityProviderClient);
const clients = () => ({
  cognito: new CognitoIdentityProviderClient({ region: 'us-east-1' }),
  lambda: new LambdaClient({ region: 'us-east-1' }),
  sqs: new SQSClient({ region: 'us-east-1' }),
  apiGateway: new APIGatewayClient({ region: 'us-east-1' }),
});
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:inventory';

beforeEach(() => {
  lambdaMock.reset();
  sqsMock.reset();
  apiMock.reset();
  cognitoMock.reset();
  apiMock.on(GetAuthorizersCommand).resolves({ items: [] });
  lambdaMock.on(ListFunctionsCommand).resolves({
    Functions: [
      {
        FunctionName: 'inventory',
        FunctionArn: ARN,
        Handler: 'handler.handler',
        Timeout: 10,
        CodeSha256: 'sha=',
        Environment: { Variables: { INVENTORY_TABLE: 'inventory' } },
      },
      {
        FunctionName: 'order-api',
        FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:order-api',
        Handler: 'handler.handler',
        CodeSha256: 'sha2=',
      },
    ],
  });
  sqsMock.on(GetQueueUrlCommand).resolves({ QueueUrl: 'http://127.0.0.1:4566/000000000000/inventory-queue' });
  sqsMock.on(GetQueueAttributesCommand).resolves({ Attributes: { VisibilityTimeout: '60' } });
  apiMock.on(GetRestApisCommand).resolves({ items: [] });
});

describe('discover', () => {
  it("reads functions, applying Lambda's defaults where the emulator says nothing", async () => {
    lambdaMock.on(ListEventSourceMappingsCommand).resolves({ EventSourceMappings: [] });

    const { functions } = await discover(clients());

    expect(functions).toEqual([
      {
        name: 'inventory',
        arn: ARN,
        handler: 'handler.handler',
        runtime: 'nodejs22.x',
        timeoutSeconds: 10,
        memorySize: 128,
        env: { INVENTORY_TABLE: 'inventory' },
        codeSha256: 'sha=',
      },
      expect.objectContaining({ name: 'order-api', timeoutSeconds: 3, env: {} }),
    ]);
  });

  it("lists mappings without a FunctionName filter, matches them on FunctionArn and fills in Lambda's defaults", async () => {
    lambdaMock.on(ListEventSourceMappingsCommand).resolves({
      EventSourceMappings: [
        // As moto lists a mapping whose batching window and response types were never set.
        {
          UUID: 'u1',
          EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:inventory-queue',
          FunctionArn: ARN,
          State: 'Disabled',
        },
        {
          UUID: 'u2',
          EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:inventory-queue',
          FunctionArn: `${ARN}:live`,
          BatchSize: 50,
          MaximumBatchingWindowInSeconds: 2,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: 2 },
        },
        {
          UUID: 'u3',
          EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:other',
          FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:gone',
        },
        { UUID: 'u4', EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s', FunctionArn: ARN },
      ],
    });

    const { mappings, warnings } = await discover(clients());

    expect(lambdaMock).toHaveReceivedCommandWith(ListEventSourceMappingsCommand, { Marker: undefined });
    expect(lambdaMock.commandCalls(ListEventSourceMappingsCommand)[0]?.args[0].input).not.toHaveProperty(
      'FunctionName',
      expect.anything(),
    );
    expect(sqsMock).toHaveReceivedCommandWith(GetQueueUrlCommand, {
      QueueName: 'inventory-queue',
      QueueOwnerAWSAccountId: '000000000000',
    });
    expect(mappings).toEqual([
      {
        uuid: 'u1',
        functionName: 'inventory',
        queueArn: 'arn:aws:sqs:us-east-1:000000000000:inventory-queue',
        queueUrl: 'http://127.0.0.1:4566/000000000000/inventory-queue',
        batchSize: 10,
        maximumBatchingWindowInSeconds: 0,
        reportBatchItemFailures: false,
        visibilityTimeoutSeconds: 60,
        maximumConcurrency: undefined,
        state: 'Disabled',
      },
      expect.objectContaining({
        uuid: 'u2',
        functionName: 'inventory',
        batchSize: 50,
        maximumBatchingWindowInSeconds: 2,
        reportBatchItemFailures: true,
        maximumConcurrency: 2,
      }),
    ]);
    expect(warnings).toEqual([
      expect.stringContaining('function gone does not exist'),
      expect.stringContaining('not an SQS or DynamoDB Streams mapping'),
    ]);
  });

  it('reads every page of a paginated listing', async () => {
    lambdaMock
      .on(ListEventSourceMappingsCommand, { Marker: undefined })
      .resolves({
        EventSourceMappings: [
          { UUID: 'u1', EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:q1', FunctionArn: ARN },
        ],
        NextMarker: 'next',
      })
      .on(ListEventSourceMappingsCommand, { Marker: 'next' })
      .resolves({
        EventSourceMappings: [
          { UUID: 'u2', EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:q2', FunctionArn: ARN },
        ],
      });

    const { mappings } = await discover(clients());

    expect(mappings.map((mapping) => mapping.uuid)).toEqual(['u1', 'u2']);
  });

  it('turns AWS_PROXY integrations into routes and the stages into their variables', async () => {
    lambdaMock.on(ListEventSourceMappingsCommand).resolves({ EventSourceMappings: [] });
    apiMock
      .on(GetRestApisCommand)
      .resolves({ items: [{ id: 'api1', name: 'orders', binaryMediaTypes: ['image/png'] }] });
    const uri =
      'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:order-api/invocations';
    apiMock.on(GetResourcesCommand).resolves({
      items: [
        { id: 'root', path: '/' },
        { id: 'r1', path: '/orders', resourceMethods: { POST: { methodIntegration: { type: 'AWS_PROXY', uri } } } },
        {
          id: 'r2',
          path: '/orders/{orderId}',
          resourceMethods: {
            GET: { methodIntegration: { type: 'AWS_PROXY', uri } },
            OPTIONS: { methodIntegration: { type: 'MOCK' } },
          },
        },
      ],
    });
    apiMock.on(GetStagesCommand).resolves({ item: [{ stageName: 'local', variables: { v: '1' } }] });

    const { apis, warnings } = await discover(clients());

    expect(apiMock).toHaveReceivedCommandWith(GetResourcesCommand, { restApiId: 'api1', embed: ['methods'] });
    expect(apis).toEqual([
      {
        id: 'api1',
        name: 'orders',
        binaryMediaTypes: ['image/png'],
        stages: [{ name: 'local', variables: { v: '1' } }],
        routes: [
          { resourceId: 'r1', resourcePath: '/orders', httpMethod: 'POST', functionName: 'order-api' },
          { resourceId: 'r2', resourcePath: '/orders/{orderId}', httpMethod: 'GET', functionName: 'order-api' },
        ],
        authorizers: [],
      },
    ]);
    expect(warnings).toEqual([
      expect.stringContaining('OPTIONS /orders/{orderId}: integration MOCK is not run locally'),
    ]);
  });

  it("reads each method's COGNITO_USER_POOLS authorizer, its identity header and the app clients of its pools", async () => {
    lambdaMock.on(ListEventSourceMappingsCommand).resolves({ EventSourceMappings: [] });
    apiMock.on(GetRestApisCommand).resolves({ items: [{ id: 'api1', name: 'orders' }] });
    const uri =
      'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:order-api/invocations';
    const integration = { type: 'AWS_PROXY' as const, uri };
    apiMock.on(GetResourcesCommand).resolves({
      items: [
        {
          id: 'r1',
          path: '/orders',
          resourceMethods: {
            POST: { authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'az1', methodIntegration: integration },
          },
        },
        {
          id: 'r2',
          path: '/orders/{orderId}',
          resourceMethods: {
            GET: {
              authorizationType: 'COGNITO_USER_POOLS',
              authorizerId: 'az1',
              authorizationScopes: ['orders/read'],
              methodIntegration: integration,
            },
            // Not applied locally: never served rather than served unchecked.
            DELETE: { authorizationType: 'AWS_IAM', methodIntegration: integration },
            PUT: { authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'gone', methodIntegration: integration },
          },
        },
      ],
    });
    apiMock.on(GetStagesCommand).resolves({ item: [{ stageName: 'local' }] });
    apiMock.on(GetAuthorizersCommand).resolves({
      items: [
        {
          id: 'az1',
          name: 'customers',
          type: 'COGNITO_USER_POOLS',
          identitySource: 'method.request.header.Authorization',
          providerARNs: ['arn:aws:cognito-idp:eu-west-1:000000000000:userpool/eu-west-1_pool1'],
        },
      ],
    });
    cognitoMock
      .on(ListUserPoolClientsCommand, { UserPoolId: 'eu-west-1_pool1' })
      .resolvesOnce({ UserPoolClients: [{ ClientId: 'client-a' }], NextToken: 'next' })
      .resolvesOnce({ UserPoolClients: [{ ClientId: 'client-b' }] });

    const { apis, warnings } = await discover(clients());

    expect(apis[0]?.authorizers).toEqual([
      {
        id: 'az1',
        name: 'customers',
        identityHeader: 'Authorization',
        userPools: [
          {
            id: 'eu-west-1_pool1',
            issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool1',
            clientIds: ['client-a', 'client-b'],
          },
        ],
      },
    ]);
    expect(apis[0]?.routes).toEqual([
      {
        resourceId: 'r1',
        resourcePath: '/orders',
        httpMethod: 'POST',
        functionName: 'order-api',
        authorization: { authorizerId: 'az1', scopes: [] },
      },
      {
        resourceId: 'r2',
        resourcePath: '/orders/{orderId}',
        httpMethod: 'GET',
        functionName: 'order-api',
        authorization: { authorizerId: 'az1', scopes: ['orders/read'] },
      },
    ]);
    expect(warnings).toEqual([
      expect.stringContaining('DELETE /orders/{orderId}: authorization AWS_IAM is not applied locally'),
      expect.stringContaining('PUT /orders/{orderId}: its authorizer gone is not applied locally'),
    ]);
  });
});

describe('ARN helpers', () => {
  it.each([
    [ARN, 'inventory'],
    [`${ARN}:$LATEST`, 'inventory'],
    ['arn:aws:sqs:us-east-1:000000000000:q', undefined],
  ])('functionNameFromArn(%s)', (arn, name) => {
    expect(functionNameFromArn(arn)).toBe(name);
  });

  it('reads the function ARN out of an integration URI', () => {
    expect(
      functionArnFromIntegrationUri(`arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${ARN}/invocations`),
    ).toBe(ARN);
    expect(functionArnFromIntegrationUri('http://example.com')).toBeUndefined();
  });
});
