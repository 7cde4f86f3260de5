// The adapter from Lambda's DynamoDB stream event to the domain's StreamedRecords: the item
// images come in DynamoDB's attribute-value JSON and are unmarshalled here (the SDK's codec),
// so the domain sees plain values (numbers, strings, sets) and parses them with its schema.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamedRecord } from './ports.js';

function image(record: DynamoDBRecord): Record<string, unknown> | undefined {
  const raw = record.dynamodb?.NewImage;
  if (raw === undefined) return undefined;
  try {
    // aws-lambda's AttributeValue type and the SDK's describe the same JSON.
    return unmarshall(raw as Record<string, AttributeValue>);
  } catch {
    return undefined; // not attribute-value JSON: the domain refuses it as not an order
  }
}

export const toStreamedRecords = (event: DynamoDBStreamEvent): StreamedRecord[] =>
  event.Records.map((record) => ({
    sequenceNumber: record.dynamodb?.SequenceNumber ?? '',
    eventName: record.eventName ?? '',
    newImage: image(record),
  }));
