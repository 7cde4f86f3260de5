// Lambda's SQS event shape, built from what ReceiveMessage returned (pure; no SDK at runtime).
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSMessageAttribute, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

export interface EventSource {
  queueArn: string;
  region: string;
}

export class MalformedMessageError extends Error {
  override name = 'MalformedMessageError';
}

const base64 = (value: Uint8Array): string => Buffer.from(value).toString('base64');

/** SQS's {DataType, StringValue, BinaryValue} becomes Lambda's {stringValue, binaryValue, stringListValues, binaryListValues, dataType}. */
function toLambdaMessageAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  const attribute: SQSMessageAttribute = {
    stringListValues: (value.StringListValues ?? []).slice(),
    binaryListValues: (value.BinaryListValues ?? []).map(base64),
    dataType: value.DataType ?? 'String',
  };
  if (value.StringValue !== undefined) attribute.stringValue = value.StringValue;
  if (value.BinaryValue !== undefined) attribute.binaryValue = base64(value.BinaryValue);
  // Lambda lists the value first: keep the key order of real events for readers of logged events.
  const { stringValue, binaryValue, ...rest } = attribute;
  return {
    ...(stringValue === undefined ? {} : { stringValue }),
    ...(binaryValue === undefined ? {} : { binaryValue }),
    ...rest,
  };
}

export function buildSqsRecord(message: Message, source: EventSource): SQSRecord {
  const { MessageId, ReceiptHandle, Body, MD5OfBody } = message;
  if (MessageId === undefined || ReceiptHandle === undefined || MD5OfBody === undefined) {
    throw new MalformedMessageError('ReceiveMessage returned a message without MessageId, ReceiptHandle or MD5OfBody');
  }
  const attributes = { ...(message.Attributes ?? {}) } as unknown as SQSRecordAttributes;
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = toLambdaMessageAttribute(value);
  }
  const record: SQSRecord = {
    messageId: MessageId,
    receiptHandle: ReceiptHandle,
    body: Body ?? '',
    attributes,
    messageAttributes,
    md5OfBody: MD5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: source.queueArn,
    awsRegion: source.region,
  };
  if (message.MD5OfMessageAttributes !== undefined) {
    // Lambda places md5OfMessageAttributes right after messageAttributes.
    const { md5OfBody, eventSource, eventSourceARN, awsRegion, ...head } = record;
    return {
      ...head,
      md5OfMessageAttributes: message.MD5OfMessageAttributes,
      md5OfBody,
      eventSource,
      eventSourceARN,
      awsRegion,
    };
  }
  return record;
}
