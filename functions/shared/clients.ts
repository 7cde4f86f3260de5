// SDK clients, created once per process at module scope and reused by every invocation.
// Nothing here knows whether it runs locally: the SDK reads AWS_ENDPOINT_URL and AWS_REGION itself.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';

export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

export const sns = new SNSClient({});
