// The DynamoDB Streams adapter of the stream poller's StreamPort, and the on-failure destination
// adapter (an SQS queue or an SNS topic, by ARN).
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type Shard,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { parseQueueArn } from '../arns.js';
import type { DestinationPort, IteratorStart, StreamPort, StreamShard } from './stream-poller.js';

export class DynamoDbStream implements StreamPort {
  constructor(
    private readonly client: DynamoDBStreamsClient,
    readonly streamArn: string,
    /** The emulator's wait for a stream's next record (emulation/moto/fixes/dynamodbstreams/wait_for_record.py's POST /_aws/dynamodbstreams/wait; no AWS API). */
    private readonly waitUrl?: URL,
  ) {}

  async shards(): Promise<StreamShard[]> {
    const all: Shard[] = [];
    let ExclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.client.send(
        new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId }),
      );
      all.push(...(StreamDescription?.Shards ?? []));
      ExclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (ExclusiveStartShardId !== undefined);
    return all.flatMap((shard) =>
      shard.ShardId === undefined
        ? []
        : [
            {
              shardId: shard.ShardId,
              parentShardId: shard.ParentShardId,
              closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
            },
          ],
    );
  }

  async iterator(shardId: string, start: IteratorStart): Promise<string> {
    const { ShardIterator } = await this.client.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shardId,
        ShardIteratorType: start.type,
        ...(start.type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: start.sequenceNumber } : {}),
      }),
    );
    if (ShardIterator === undefined)
      throw new Error(`GetShardIterator gave no iterator for ${shardId} of ${this.streamArn}`);
    return ShardIterator;
  }

  async read(iterator: string, limit: number): Promise<{ records: _Record[]; next: string | undefined }> {
    const { Records, NextShardIterator } = await this.client.send(
      new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }),
    );
    return { records: Records ?? [], next: NextShardIterator ?? undefined };
  }

  /** moto keeps one shard per stream: the wait is the stream's. False: another emulator, or none that answers it. */
  async recordAfter(
    _shardId: string,
    after: string | undefined,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<boolean> {
    if (this.waitUrl === undefined) return false;
    try {
      const response = await fetch(this.waitUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ StreamArn: this.streamArn, AfterSequenceNumber: after, TimeoutMs: timeoutMs }),
        signal,
      });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return signal.aborted; // stopping: nothing to sleep for
    }
  }
}

export class FailureDestination implements DestinationPort {
  private readonly queueUrls = new Map<string, Promise<string>>();

  constructor(private readonly clients: { sqs: SQSClient; sns: SNSClient }) {}

  async send(destinationArn: string, body: string): Promise<void> {
    if (/^arn:aws[\w-]*:sns:/.test(destinationArn)) {
      await this.clients.sns.send(new PublishCommand({ TopicArn: destinationArn, Message: body }));
      return;
    }
    await this.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: await this.queueUrl(destinationArn), MessageBody: body }),
    );
  }

  private queueUrl(arn: string): Promise<string> {
    let url = this.queueUrls.get(arn);
    if (url === undefined) {
      const queue = parseQueueArn(arn);
      if (queue === undefined)
        return Promise.reject(new Error(`on-failure destination ${arn} is neither an SQS queue nor an SNS topic`));
      url = this.clients.sqs
        .send(new GetQueueUrlCommand({ QueueName: queue.name, QueueOwnerAWSAccountId: queue.accountId || undefined }))
        .then(({ QueueUrl }) => QueueUrl ?? Promise.reject(new Error(`no URL for queue ${arn}`)));
      // A failed look-up is asked again next time.
      url.catch(() => this.queueUrls.delete(arn));
      this.queueUrls.set(arn, url);
    }
    return url;
  }
}
