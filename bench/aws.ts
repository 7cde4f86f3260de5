// The benchmark's own SDK clients. They talk to the emulator directly (not through the call counter),
// so that the benchmark's bookkeeping never shows up in "AWS calls per order".
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface Clients {
  db: DynamoDBDocumentClient;
  sns: SNSClient;
  sqs: SQSClient;
  ses: SESv2Client;
  destroy(): void;
}

export function clients(endpoint: string): Clients {
  const config = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 3,
  };
  const raw = new DynamoDBClient(config);
  const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const sns = new SNSClient(config);
  const sqs = new SQSClient(config);
  const ses = new SESv2Client(config);
  return {
    db,
    sns,
    sqs,
    ses,
    destroy() {
      db.destroy();
      raw.destroy();
      sns.destroy();
      sqs.destroy();
      ses.destroy();
    },
  };
}
