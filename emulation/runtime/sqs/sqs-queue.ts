// The SQS adapter of the poller's QueuePort.
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeleteEntry, QueuePort, ReceiveRequest } from './poller.js';

export class SqsQueue implements QueuePort {
  constructor(
    private readonly client: SQSClient,
    readonly queueUrl: string,
  ) {}

  async receive({ maxMessages, waitTimeSeconds, signal }: ReceiveRequest): Promise<Message[]> {
    const { Messages } = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: maxMessages,
        WaitTimeSeconds: waitTimeSeconds,
        // Both spellings: AttributeNames is deprecated but older emulators only know it.
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    return Messages ?? [];
  }

  async deleteBatch(entries: DeleteEntry[]): Promise<{ failed: { id: string; message: string }[] }> {
    if (entries.length === 0) return { failed: [] };
    const { Failed } = await this.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: entries.map(({ id, receiptHandle }) => ({ Id: id, ReceiptHandle: receiptHandle })),
      }),
    );
    return {
      failed: (Failed ?? []).map((failure) => ({
        id: failure.Id ?? '?',
        message: `${failure.Code ?? ''} ${failure.Message ?? ''}`.trim(),
      })),
    };
  }
}
