import { describe, expect, it } from '@jest/globals';
import { decideDeletions } from '../../../../emulation/runtime/sqs/batch-result.js';
import type { BatchReport as SqsBatchReport } from '../../../../emulation/runtime/sqs/poller.js';
import { describeReport, sqsBatchReport, streamBatchReport } from '../../../../emulation/runtime/reports.js';
import { sqsRecord } from '../../../fixtures/sqs.js';
import { streamRecord } from '../../../fixtures/streams.js';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:inventory-queue';
const sqsBatch = (overrides: Partial<SqsBatchReport> = {}): SqsBatchReport => ({
  functionName: 'inventory',
  queueArn: QUEUE_ARN,
  size: 3,
  records: ['a', 'b', 'c'].map((id) =>
    sqsRecord(`{"n":"${id}"}`, {
      messageId: id,
      attributes: { ...sqsRecord('').attributes, ApproximateReceiveCount: id === 'b' ? '2' : '1' },
    }),
  ),
  decision: decideDeletions(
    ['a', 'b', 'c'],
    { ok: true, value: { batchItemFailures: [{ itemIdentifier: 'b' }] } },
    true,
  ),
  deleteFailures: 0,
  durationMs: 42,
  ...overrides,
});

describe('sqsBatchReport', () => {
  it('names the function and the queue, and counts the records left for a retry as failures', () => {
    const report = sqsBatchReport(sqsBatch(), new Date('2026-12-01T08:00:00.000Z'));
    expect(report).toEqual({
      type: 'batch',
      startedAt: '2026-12-01T07:59:59.958Z',
      time: '2026-12-01T08:00:00.000Z',
      functionName: 'inventory',
      source: { kind: 'sqs', arn: QUEUE_ARN, name: 'inventory-queue' },
      records: 3,
      items: [
        { id: 'a', body: '{"n":"a"}', receiveCount: 1, retried: false },
        { id: 'b', body: '{"n":"b"}', receiveCount: 2, retried: true },
        { id: 'c', body: '{"n":"c"}', receiveCount: 1, retried: false },
      ],
      failures: 1,
      verdict: 'partial',
      reason: '1 batch item failure(s)',
      durationMs: 42,
      deleteFailures: 0,
    });
  });

  it('counts every record of a failed invocation as a failure', () => {
    const decision = decideDeletions(
      ['a', 'b'],
      { ok: false, kind: 'timeout', message: 'Task timed out after 1.00 seconds' },
      true,
    );
    const report = sqsBatchReport(sqsBatch({ size: 2, records: sqsBatch().records.slice(0, 2), decision }));
    expect(report.items.map((item) => item.retried)).toEqual([true, true]);
    expect(report).toMatchObject({
      records: 2,
      failures: 2,
      verdict: 'failed',
      reason: 'timeout: Task timed out after 1.00 seconds',
    });
  });
});

describe('streamBatchReport', () => {
  it('names the source after the table of the stream; the records not done are the failures', () => {
    const streamArn = 'arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-12-01T08:00:00.000';
    const records = ['o-1', 'o-2', 'o-3', 'o-4'].map((orderId) => {
      const record = streamRecord({ orderId, createdAt: '2026-12-01T08:00:00.000Z', status: 'PLACED' });
      return { record, sequenceNumber: record.dynamodb?.SequenceNumber ?? '', createdAtMs: 0 };
    });
    const report = streamBatchReport({
      functionName: 'order-publisher',
      streamArn,
      shardId: 's-1',
      size: 4,
      records,
      verdict: 'partial',
      done: 1,
      attempt: 2,
      reason: '1 batch item failure(s)',
      durationMs: 9,
    });
    expect(report).toMatchObject({
      functionName: 'order-publisher',
      source: { kind: 'dynamodb-stream', arn: streamArn, name: 'orders' },
      records: 4,
      failures: 3,
      verdict: 'partial',
      deleteFailures: 0,
    });
    // Each record as the function was given it: its eventName and its images; those after the first not done are retried.
    expect(report.items.map((item) => item.retried)).toEqual([false, true, true, true]);
    expect(report.items[0]?.id).toBe(records[0]?.sequenceNumber);
    expect(JSON.parse(report.items[1]?.body ?? '')).toMatchObject({
      eventName: 'INSERT',
      Keys: { orderId: { S: 'o-2' } },
      NewImage: { orderId: { S: 'o-2' }, status: { S: 'PLACED' } },
    });
  });
});

describe('describeReport: the runtime log line rendered from a report', () => {
  it.each([
    [
      'a partial batch',
      sqsBatchReport(sqsBatch()),
      'invoke inventory sqs:inventory-queue batch=3 outcome=partial deleted=2 retried=1 duration=42ms (1 batch item failure(s))',
    ],
    [
      'a successful batch whose deletes SQS partly refused',
      sqsBatchReport(
        sqsBatch({
          size: 1,
          decision: decideDeletions(['a'], { ok: true, value: null }, true),
          deleteFailures: 1,
          durationMs: 1500,
        }),
      ),
      'invoke inventory sqs:inventory-queue batch=1 outcome=success deleted=1 retried=0 duration=1.50s delete-failures=1',
    ],
    [
      'a request',
      {
        type: 'request',
        time: '',
        functionName: 'order-api',
        method: 'POST',
        path: '/_aws/execute-api/abc/local/orders',
        status: 202,
        durationMs: 12,
      },
      'invoke order-api api:POST /_aws/execute-api/abc/local/orders status=202 duration=12ms',
    ],
    [
      'a request API Gateway answered itself',
      {
        type: 'request',
        time: '',
        functionName: undefined,
        method: 'GET',
        path: '/nope',
        status: 403,
        durationMs: 1,
        note: 'no route',
      },
      'invoke - api:GET /nope status=403 duration=1ms (no route)',
    ],
  ] as const)('%s', (_case, report, line) => {
    expect(describeReport(report)).toBe(line);
  });
});
