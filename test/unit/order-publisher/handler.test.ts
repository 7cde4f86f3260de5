// The deployed handler through middy: Lambda's stream event (attribute-value JSON) in, the real
// stream adapter and SNS publisher, the SNS client mocked.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { orderPlacedEvent } from '../../../functions/shared/order-placed.js';
import { placedOrder } from '../../fixtures/orders.js';
import { lambdaContext } from '../../fixtures/sqs.js';
import { streamEvent, streamRecord } from '../../fixtures/streams.js';

process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:order-events';
process.env.DEAD_LETTER_QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:order-processing-dlq';
process.env.AWS_REGION = 'us-east-1';
process.env.LOG_LEVEL = 'SILENT';
const { handler } = await import('../../../functions/order-publisher/handler.js');

const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
beforeEach(() => {
  sns.reset();
  sqs.reset();
});

describe('order-publisher handler', () => {
  it('publishes OrderPlaced with its eventType attribute for an inserted order, string sets and numbers unmarshalled', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const stored = { ...placedOrder('o-1'), idempotencyKey: 'k-1', appliedEventIds: new Set(['x']) };

    const result = await handler(streamEvent(streamRecord(stored)), lambdaContext('order-publisher'));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:order-events',
      Message: JSON.stringify(orderPlacedEvent(placedOrder('o-1'))),
      MessageAttributes: { eventType: { DataType: 'String', StringValue: 'OrderPlaced' } },
    });
  });

  it('answers the sequence number of the first record whose publish failed', async () => {
    sns.on(PublishCommand).resolves({});
    sns
      .on(PublishCommand, { Message: JSON.stringify(orderPlacedEvent(placedOrder('o-2'))) })
      .rejects(Object.assign(new Error('Internal failure'), { name: 'InternalFailure' }));
    const records = ['o-1', 'o-2', 'o-3'].map((id) => streamRecord(placedOrder(id)));

    const result = await handler(streamEvent(...records), lambdaContext('order-publisher'));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: records[1]?.dynamodb?.SequenceNumber }] });
  });

  it('publishes nothing for a MODIFY that slipped past the filter', async () => {
    const result = await handler(
      streamEvent(streamRecord({ ...placedOrder('o-1'), status: 'CONFIRMED' }, 'MODIFY')),
      lambdaContext('order-publisher'),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('sends an inserted item that is not an order to the dead-letter queue with its reason, and announces the rest', async () => {
    sns.on(PublishCommand).resolves({});
    sqs.on(SendMessageCommand).resolves({ MessageId: 'd-1' });
    const records = [
      streamRecord({ orderId: 'junk-1', createdAt: '2026-12-07T00:00:00Z' }),
      streamRecord(placedOrder('o-2')),
    ];

    const result = await handler(streamEvent(...records), lambdaContext('order-publisher'));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
    const body = JSON.parse(String(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody));
    expect(body).toEqual({
      setAsideBy: 'order-publisher',
      reason: expect.stringContaining('not an order'),
      sequenceNumber: records[0]?.dynamodb?.SequenceNumber,
      item: { orderId: 'junk-1', createdAt: '2026-12-07T00:00:00Z' },
    });
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/order-processing-dlq',
    });
  });
});
