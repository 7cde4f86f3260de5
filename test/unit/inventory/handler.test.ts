import 'aws-sdk-client-mock-jest';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { orderPlaced, paymentDeclined } from '../../fixtures/events.js';
import { betweenTwoOrders, lambdaContext, sqsEvent, sqsRecord } from '../../fixtures/sqs.js';
import { mockedClients } from '../../fixtures/clients.js';
import { transactionCancelled } from '../../fixtures/dynamo.js';

process.env.INVENTORY_TABLE = 'inventory';
process.env.RESERVATIONS_TABLE = 'inventory-reservations';
process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:order-events';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const { db, sns } = mockedClients();
// Imported after the environment is set: the handler reads its config once, at load.
const { handler } = await import('../../../functions/inventory/handler.js');

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

    const result = await handler(betweenTwoOrders(bad), lambdaContext());

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
  });

  it('retries a transaction conflict in the process, fails the record once conflicts outlast the retries, and acknowledges an out-of-stock one', async () => {
    const attempts = new Map<string, number>();
    db.on(TransactWriteCommand).callsFake((input: { TransactItems: { Put?: { Item: { orderId: string } } }[] }) => {
      const orderId = input.TransactItems[0]?.Put?.Item.orderId ?? '';
      attempts.set(orderId, (attempts.get(orderId) ?? 0) + 1);
      if (orderId === 'o-1') throw transactionCancelled('None', 'TransactionConflict'); // a hot item, every attempt
      if (orderId === 'o-2') throw transactionCancelled('None', 'ConditionalCheckFailed'); // out of stock
      if (attempts.get(orderId) === 1) throw transactionCancelled('None', 'TransactionConflict'); // o-3: once, then it commits
      return {};
    });
    db.on(GetCommand).resolves({ Item: { stock: 0 } });
    db.on(PutCommand).resolves({});
    const conflicted = sqsRecord(orderPlaced({ orderId: 'o-1' }));
    const shortOfStock = sqsRecord(orderPlaced({ orderId: 'o-2' }));
    const conflictedOnce = sqsRecord(orderPlaced({ orderId: 'o-3' }));

    const result = await handler(sqsEvent(conflicted, shortOfStock, conflictedOnce), lambdaContext());

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: conflicted.messageId }] });
    expect(attempts).toEqual(
      new Map([
        ['o-1', 6],
        ['o-2', 1],
        ['o-3', 2],
      ]),
    );
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: { eventType: { DataType: 'String', StringValue: 'InventoryRejected' } },
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: { eventType: { DataType: 'String', StringValue: 'InventoryReserved' } },
    });
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
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: { eventType: { DataType: 'String', StringValue: 'InventoryReleased' } },
    });
  });
});
