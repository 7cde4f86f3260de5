// SDK clients, created once per process at module scope and reused by every invocation.
// Nothing here knows whether it runs locally: the SDK reads AWS_ENDPOINT_URL and AWS_REGION itself.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { retryWriteConflicts } from './dynamo-transactions.js';

const dynamoClient = new DynamoDBClient({});
// A plain write refused because a transaction holds its item is retried in the process, as a
// conflicted transaction is (shared/dynamo-transactions.ts), not left to SQS's visibility timeout.
dynamoClient.middlewareStack.add(retryWriteConflicts(), { step: 'initialize', name: 'retryWriteConflicts' });

export const dynamo = DynamoDBDocumentClient.from(dynamoClient, {
  marshallOptions: { removeUndefinedValues: true },
});

export const sns = new SNSClient({});
