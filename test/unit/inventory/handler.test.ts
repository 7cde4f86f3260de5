import 'aws-sdk-client-mock-jest';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { orderPlaced, paymentDeclined } from '../../fixtures/events.js';
import { lambdaContext, sqsEvent, sqsRecord } from '../../fixtures/sqs.js';

process.env.INVENTORY_TABLE = 'inventory';
process.env.RESERVATIONS_TABLE = 'inventory-reservations';
process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:order-events';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const db = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
// Imported after the environment is set: the handler reads its config once, at load.
const { handler } = await import('../../../functions/inventory/handler.js');

beforeEach(() => {
  db.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
});

describe('inventory handler', () => {
  it('reserves through the store and publishes with the eventType attribute', async () => {
    db.on(TransactWriteCommand).resolves({});

    const result = await handler(sqsEvent(sqsRecord(orderPlaced())), lambdaContext('inventory'));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: process.env.TOPIC_ARN,
      MessageAttributes: { eventType: { DataType: 'String', StringValue: 'InventoryReserved' } },
    });
  });

  it.each([
    ['a body that is not JSON', '{'],
    ['an event that breaks its schema', { ...orderPlaced(), orderId: '' }],
  ])('fails only the record with %s, not its neighbours', async (_case, body) => {
    db.on(TransactWriteCommand).resolves({});
    const bad = sqsRecord(body);

    const result = await handler(sqsEvent(sqsRecord(orderPlaced({ orderId: 'o-1' })), bad, sqsRecord(orderPlaced({ orderId: 'o-2' }))), lambdaContext());

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
  });

  it('fails a record on a transaction conflict (retried), and acknowledges an out-of-stock one', async () => {
    db.on(TransactWriteCommand)
      .rejectsOnce(new TransactionCanceledException({ message: 'conflict', $metadata: {}, CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }] }))
      .rejectsOnce(new TransactionCanceledException({ message: 'short', $metadata: {}, CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }] }));
    db.on(GetCommand).resolves({ Item: { stock: 0 } });
    db.on(PutCommand).resolves({});
    const conflicted = sqsRecord(orderPlaced({ orderId: 'o-1' }));
    const shortOfStock = sqsRecord(orderPlaced({ orderId: 'o-2' }));

    const result = await handler(sqsEvent(conflicted, shortOfStock), lambdaContext());

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: conflicted.messageId }] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { MessageAttributes: { eventType: { DataType: 'String', StringValue: 'InventoryRejected' } } });
  });

  it('writes a release tombstone for a decline that overtook its order', async () => {
    db.on(GetCommand).resolves({});
    db.on(PutCommand).resolves({});

    await handler(sqsEvent(sqsRecord(paymentDeclined())), lambdaContext());

    expect(db).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'inventory-reservations',
      Item: expect.objectContaining({ orderId: 'o-1', status: 'RELEASED', items: [] }),
      ConditionExpression: 'attribute_not_exists(orderId)',
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { MessageAttributes: { eventType: { DataType: 'String', StringValue: 'InventoryReleased' } } });
  });
});
