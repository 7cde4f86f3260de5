// The DeadLetterQueue port on SQS: a record that is not an order goes to the stack's DLQ as one
// message saying who set it aside, why, and what the stream showed, so that `make dlq` lists it
// with its reason (local/ops/dlq/messages.ts reads this shape) and an operator can fix the item.
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetterQueue, SetAsideRecord } from './ports.js';

/** The body's `setAsideBy`: what tells this message from a queue's message or Lambda's on-failure record. */
const SET_ASIDE_BY = 'order-publisher';

/**
 * The queue's canonical URL from its ARN (arn:aws:sqs:<region>:<account>:<name>). The client sends
 * to its own endpoint (useQueueUrlAsEndpoint: false): the service reads only the account and name,
 * so the same URL serves AWS and an emulator, and no emulator's host is configured anywhere.
 */
export function queueUrlFromArn(arn: string): string {
  const [, partition, service, region, account, name] = arn.split(':');
  if (service !== 'sqs' || !region || !account || !name) throw new Error(`not an SQS queue ARN: ${arn}`);
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}

export class SqsDeadLetterQueue implements DeadLetterQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async setAside(record: SetAsideRecord): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify({
          setAsideBy: SET_ASIDE_BY,
          reason: record.reason,
          sequenceNumber: record.sequenceNumber,
          item: record.item ?? null,
        }),
      }),
    );
  }
}
