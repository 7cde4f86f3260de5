import { describe, expect, it } from '@jest/globals';
import type { Message } from '@aws-sdk/client-sqs';
import { buildSqsRecord, MalformedMessageError } from '../../../../../emulation/runtime/sqs/sqs-event.js';

const source = { queueArn: 'arn:aws:sqs:us-east-1:000000000000:inventory-queue', region: 'us-east-1' };

const message = (overrides: Partial<Message> = {}): Message => ({
  MessageId: 'm-1',
  ReceiptHandle: 'rh-1',
  Body: '{"orderId":"o-1"}',
  MD5OfBody: 'md5-body',
  Attributes: {
    ApproximateReceiveCount: '2',
    SentTimestamp: '1700000000000',
    SenderId: 'AIDA',
    ApproximateFirstReceiveTimestamp: '1700000000100',
  },
  ...overrides,
});

describe('buildSqsRecord', () => {
  it('builds the record Lambda passes for an SQS message', () => {
    const record = buildSqsRecord(message(), source);

    expect(record).toEqual({
      messageId: 'm-1',
      receiptHandle: 'rh-1',
      body: '{"orderId":"o-1"}',
      attributes: {
        ApproximateReceiveCount: '2',
        SentTimestamp: '1700000000000',
        SenderId: 'AIDA',
        ApproximateFirstReceiveTimestamp: '1700000000100',
      },
      messageAttributes: {},
      md5OfBody: 'md5-body',
      eventSource: 'aws:sqs',
      eventSourceARN: source.queueArn,
      awsRegion: 'us-east-1',
    });
    expect(Object.keys(record)).toEqual([
      'messageId',
      'receiptHandle',
      'body',
      'attributes',
      'messageAttributes',
      'md5OfBody',
      'eventSource',
      'eventSourceARN',
      'awsRegion',
    ]);
  });

  it("turns message attributes into Lambda's lower-case shape, binary values base64", () => {
    const record = buildSqsRecord(
      message({
        MD5OfMessageAttributes: 'md5-attrs',
        MessageAttributes: {
          eventType: { DataType: 'String', StringValue: 'OrderPlaced' },
          attempt: { DataType: 'Number', StringValue: '3' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      }),
      source,
    );

    expect(record.messageAttributes).toEqual({
      eventType: { stringValue: 'OrderPlaced', stringListValues: [], binaryListValues: [], dataType: 'String' },
      attempt: { stringValue: '3', stringListValues: [], binaryListValues: [], dataType: 'Number' },
      blob: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    });
    expect(record.md5OfMessageAttributes).toBe('md5-attrs');
    expect(Object.keys(record).indexOf('md5OfMessageAttributes')).toBe(
      Object.keys(record).indexOf('messageAttributes') + 1,
    );
  });

  it('keeps an empty body as an empty string', () => {
    expect(buildSqsRecord(message({ Body: undefined }), source).body).toBe('');
  });

  it.each(['MessageId', 'ReceiptHandle', 'MD5OfBody'] as const)('refuses a message without %s', (field) => {
    expect(() => buildSqsRecord(message({ [field]: undefined }), source)).toThrow(MalformedMessageError);
  });
});
