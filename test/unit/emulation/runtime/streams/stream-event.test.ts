import { describe, expect, it } from '@jest/globals';
import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import {
  buildStreamRecord,
  MalformedStreamRecordError,
} from '../../../../../emulation/runtime/streams/stream-event.js';
import {
  isDynamoDbStreamArn,
  streamMappingSettings,
} from '../../../../../emulation/runtime/streams/stream-discovery.js';

const STREAM_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-12-01T07:51:24.787';

describe('buildStreamRecord: the record Lambda puts in DynamoDBStreamEvent.Records', () => {
  it("has Lambda's fields in Lambda's order, epoch seconds, and binary values as base64", () => {
    const { record, sequenceNumber, createdAtMs } = buildStreamRecord(
      {
        eventID: 'e1',
        eventName: 'MODIFY',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'ignored-the-runtime-region-wins',
        dynamodb: {
          ApproximateCreationDateTime: new Date('2026-12-01T08:00:01.750Z'),
          Keys: { orderId: { S: 'o-1' }, createdAt: { S: '2026-12-01' } },
          NewImage: {
            blob: { B: new Uint8Array([1, 2, 3]) },
            set: { BS: [new Uint8Array([255])] },
            nested: { M: { list: { L: [{ N: '1' }, { NULL: true }, { BOOL: false }, { SS: ['a'] }, { NS: ['2'] }] } } },
          },
          OldImage: { status: { S: 'PLACED' } },
          SequenceNumber: '1100000000017454423009',
          SizeBytes: 229,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      },
      { streamArn: STREAM_ARN, region: 'us-east-1' },
    );

    expect(Object.keys(record)).toEqual([
      'eventID',
      'eventName',
      'eventVersion',
      'eventSource',
      'awsRegion',
      'dynamodb',
      'eventSourceARN',
    ]);
    expect(Object.keys(record.dynamodb ?? {})).toEqual([
      'ApproximateCreationDateTime',
      'Keys',
      'NewImage',
      'OldImage',
      'SequenceNumber',
      'SizeBytes',
      'StreamViewType',
    ]);
    expect(record).toEqual({
      eventID: 'e1',
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: 1796112001,
        Keys: { orderId: { S: 'o-1' }, createdAt: { S: '2026-12-01' } },
        NewImage: {
          blob: { B: 'AQID' },
          set: { BS: ['/w=='] },
          nested: { M: { list: { L: [{ N: '1' }, { NULL: true }, { BOOL: false }, { SS: ['a'] }, { NS: ['2'] }] } } },
        },
        OldImage: { status: { S: 'PLACED' } },
        SequenceNumber: '1100000000017454423009',
        SizeBytes: 229,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: STREAM_ARN,
    });
    expect(sequenceNumber).toBe('1100000000017454423009');
    expect(createdAtMs).toBe(Date.parse('2026-12-01T08:00:01.750Z'));
    expect(JSON.parse(JSON.stringify(record))).toEqual(record); // what the worker receives over IPC
  });

  it('a KEYS_ONLY record has no images', () => {
    const { record } = buildStreamRecord(
      {
        eventID: 'e2',
        eventName: 'REMOVE',
        dynamodb: {
          ApproximateCreationDateTime: new Date(0),
          Keys: { orderId: { S: 'o' } },
          SequenceNumber: '5',
          StreamViewType: 'KEYS_ONLY',
        },
      },
      { streamArn: STREAM_ARN, region: 'us-east-1' },
    );
    expect(record.dynamodb).toEqual({
      ApproximateCreationDateTime: 0,
      Keys: { orderId: { S: 'o' } },
      SequenceNumber: '5',
      StreamViewType: 'KEYS_ONLY',
    });
  });

  it('refuses a record without a sequence number', () => {
    expect(() =>
      buildStreamRecord(
        { eventID: 'e', eventName: 'INSERT', dynamodb: { ApproximateCreationDateTime: new Date() } },
        { streamArn: STREAM_ARN, region: 'us-east-1' },
      ),
    ).toThrow(MalformedStreamRecordError);
  });
});

describe('streamMappingSettings', () => {
  const base: EventSourceMappingConfiguration = {
    UUID: 'u1',
    EventSourceArn: STREAM_ARN,
    FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:order-publisher',
    StartingPosition: 'TRIM_HORIZON',
    State: 'Disabled',
  };

  it('tells stream ARNs from others', () => {
    expect([
      isDynamoDbStreamArn(STREAM_ARN),
      isDynamoDbStreamArn('arn:aws:dynamodb:us-east-1:000000000000:table/orders'),
      isDynamoDbStreamArn('arn:aws:sqs:us-east-1:0:q'),
    ]).toEqual([true, false, false]);
  });

  it("applies Lambda's defaults where the emulator says nothing", () => {
    expect(streamMappingSettings(base, [])).toMatchObject({
      uuid: 'u1',
      functionName: 'order-publisher',
      streamArn: STREAM_ARN,
      startingPosition: 'TRIM_HORIZON',
      batchSize: 100,
      maximumBatchingWindowInSeconds: 0,
      reportBatchItemFailures: false,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeInSeconds: -1,
      onFailureDestination: undefined,
      filterPatterns: [],
    });
  });

  it('reads every setting the outbox mapping sets', () => {
    const settings = streamMappingSettings(
      {
        ...base,
        BatchSize: 5,
        MaximumBatchingWindowInSeconds: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 3,
        MaximumRecordAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:dlq' } },
        FilterCriteria: { Filters: [{ Pattern: '{"eventName": ["INSERT"]}' }] },
      },
      [],
    );
    expect(settings).toMatchObject({
      batchSize: 5,
      maximumBatchingWindowInSeconds: 1,
      reportBatchItemFailures: true,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 3,
      maximumRecordAgeInSeconds: 3600,
      onFailureDestination: 'arn:aws:sqs:us-east-1:000000000000:dlq',
      filterPatterns: ['{"eventName": ["INSERT"]}'],
    });
    expect([settings?.filter({ eventName: 'INSERT' }), settings?.filter({ eventName: 'MODIFY' })]).toEqual([
      true,
      false,
    ]);
  });

  it('skips, with a warning, a mapping Lambda would refuse', () => {
    const warnings: string[] = [];
    expect(
      streamMappingSettings(
        { ...base, FilterCriteria: { Filters: [{ Pattern: '{"eventName": "INSERT"}' }] } },
        warnings,
      ),
    ).toBeUndefined();
    expect(streamMappingSettings({ ...base, StartingPosition: 'AT_TIMESTAMP' }, warnings)).toBeUndefined();
    expect(warnings).toEqual([
      expect.stringContaining('filter criteria Lambda would refuse'),
      expect.stringContaining('starting position AT_TIMESTAMP'),
    ]);
  });

  it('says which settings it does not apply', () => {
    const warnings: string[] = [];
    expect(
      streamMappingSettings({ ...base, ParallelizationFactor: 4, TumblingWindowInSeconds: 60 }, warnings),
    ).toBeDefined();
    expect(warnings).toEqual([
      expect.stringContaining('ParallelizationFactor 4 runs as 1'),
      expect.stringContaining('TumblingWindowInSeconds is not applied'),
    ]);
  });
});
