// Lambda's DynamoDB Streams event shape, built from what GetRecords returned (pure; no SDK at runtime),
// and the invocation record Lambda sends to a stream mapping's on-failure destination.
import type { AttributeValue as SdkAttributeValue, _Record } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';

export class MalformedStreamRecordError extends Error {
  override name = 'MalformedStreamRecordError';
}

/** One stream record as the poller holds it: the Lambda-shaped record and what the poller decides on. */
export interface ReadRecord {
  record: DynamoDBRecord;
  sequenceNumber: string;
  /** ApproximateCreationDateTime in milliseconds. */
  createdAtMs: number;
}

const base64 = (value: Uint8Array): string => Buffer.from(value).toString('base64');

/** The SDK's attribute value (binary as bytes) → the event's JSON form (binary as base64), recursively. */
function toLambdaAttribute(value: SdkAttributeValue): AttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaAttribute) };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  throw new MalformedStreamRecordError(`unknown attribute value type: ${Object.keys(value).join(', ')}`);
}

function toLambdaImage(image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaAttribute(value)]));
}

/** A GetRecords record → the record Lambda puts in DynamoDBStreamEvent.Records, in Lambda's key order. */
export function buildStreamRecord(raw: _Record, source: { streamArn: string; region: string }): ReadRecord {
  const stream = raw.dynamodb;
  const sequenceNumber = stream?.SequenceNumber;
  const created = stream?.ApproximateCreationDateTime;
  if (
    raw.eventID === undefined ||
    raw.eventName === undefined ||
    stream === undefined ||
    sequenceNumber === undefined ||
    created === undefined
  ) {
    throw new MalformedStreamRecordError(
      'GetRecords returned a record without eventID, eventName, SequenceNumber or ApproximateCreationDateTime',
    );
  }
  const record: DynamoDBRecord = {
    eventID: raw.eventID,
    eventName: raw.eventName,
    eventVersion: raw.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: source.region,
    dynamodb: {
      // Lambda gives whole epoch seconds here.
      ApproximateCreationDateTime: Math.floor(created.getTime() / 1000),
      ...(stream.Keys === undefined ? {} : { Keys: toLambdaImage(stream.Keys) }),
      ...(stream.NewImage === undefined ? {} : { NewImage: toLambdaImage(stream.NewImage) }),
      ...(stream.OldImage === undefined ? {} : { OldImage: toLambdaImage(stream.OldImage) }),
      SequenceNumber: sequenceNumber,
      ...(stream.SizeBytes === undefined ? {} : { SizeBytes: stream.SizeBytes }),
      ...(stream.StreamViewType === undefined ? {} : { StreamViewType: stream.StreamViewType }),
    },
    eventSourceARN: source.streamArn,
    ...(raw.userIdentity === undefined ? {} : { userIdentity: { ...raw.userIdentity } }),
  };
  return { record, sequenceNumber, createdAtMs: created.getTime() };
}

export type DiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export interface DiscardedBatch {
  condition: DiscardCondition;
  functionArn: string;
  streamArn: string;
  shardId: string;
  records: readonly ReadRecord[];
  /** Invocations that included these records (0 when they were too old before the first). */
  invokeCount: number;
  /** How the last invocation ended, when there was one. */
  lastInvocation?: { functionError: boolean };
  requestId: string;
  now: Date;
}

/** Whole seconds, as Lambda writes approximateArrivalOf…Record ("2025-06-05T18:21:49Z"). */
const isoSeconds = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/**
 * The JSON document Lambda sends to a stream mapping's on-failure destination: where the discarded
 * records are in the stream (not the records themselves), and why (AWS "Retaining discarded records
 * for a DynamoDB event source").
 */
export function buildInvocationRecord(batch: DiscardedBatch): Record<string, unknown> {
  const first = batch.records[0];
  const last = batch.records[batch.records.length - 1];
  if (first === undefined || last === undefined) throw new MalformedStreamRecordError('a discarded batch has records');
  return {
    requestContext: {
      requestId: batch.requestId,
      functionArn: batch.functionArn,
      condition: batch.condition,
      approximateInvokeCount: batch.invokeCount,
    },
    responseContext:
      batch.lastInvocation === undefined
        ? {}
        : {
            statusCode: 200,
            executedVersion: '$LATEST',
            ...(batch.lastInvocation.functionError ? { functionError: 'Unhandled' } : {}),
          },
    version: '1.0',
    timestamp: batch.now.toISOString(),
    DDBStreamBatchInfo: {
      shardId: batch.shardId,
      startSequenceNumber: first.sequenceNumber,
      endSequenceNumber: last.sequenceNumber,
      approximateArrivalOfFirstRecord: isoSeconds(first.createdAtMs),
      approximateArrivalOfLastRecord: isoSeconds(last.createdAtMs),
      batchSize: batch.records.length,
      streamArn: batch.streamArn,
    },
  };
}
