import { beforeEach, describe, expect, it } from '@jest/globals';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsQueue } from '../../../../../emulation/runtime/sqs/sqs-queue.js';

const sqsMock = mockClient(SQSClient);
const URL = 'http://127.0.0.1:4566/000000000000/inventory-queue';

beforeEach(() => {
  sqsMock.reset();
});

describe('SqsQueue (the poller port over SQS)', () => {
  it('long-polls for every system and message attribute', async () => {
    sqsMock.on(ReceiveMessageCommand).resolves({ Messages: [{ MessageId: 'm1' }] });

    const messages = await new SqsQueue(new SQSClient({}), URL).receive({
      maxMessages: 7,
      waitTimeSeconds: 20,
      signal: new AbortController().signal,
    });

    expect(messages).toEqual([{ MessageId: 'm1' }]);
    expect(sqsMock).toHaveReceivedCommandWith(ReceiveMessageCommand, {
      QueueUrl: URL,
      MaxNumberOfMessages: 7,
      WaitTimeSeconds: 20,
      AttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    });
  });

  it('deletes in one DeleteMessageBatch call and reports the entries SQS refused', async () => {
    sqsMock.on(DeleteMessageBatchCommand).resolves({
      Successful: [{ Id: '0' }],
      Failed: [{ Id: '1', Code: 'ReceiptHandleIsInvalid', Message: 'bad', SenderFault: true }],
    });

    const result = await new SqsQueue(new SQSClient({}), URL).deleteBatch([
      { id: '0', receiptHandle: 'rh0' },
      { id: '1', receiptHandle: 'rh1' },
    ]);

    expect(sqsMock).toHaveReceivedCommandTimes(DeleteMessageBatchCommand, 1);
    expect(sqsMock).toHaveReceivedCommandWith(DeleteMessageBatchCommand, {
      QueueUrl: URL,
      Entries: [
        { Id: '0', ReceiptHandle: 'rh0' },
        { Id: '1', ReceiptHandle: 'rh1' },
      ],
    });
    expect(result).toEqual({ failed: [{ id: '1', message: 'ReceiptHandleIsInvalid bad' }] });
  });

  it('makes no call for an empty deletion', async () => {
    await new SqsQueue(new SQSClient({}), URL).deleteBatch([]);

    expect(sqsMock).toHaveReceivedCommandTimes(DeleteMessageBatchCommand, 0);
  });
});
