import 'aws-sdk-client-mock-jest';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoInventoryStore } from '../../../functions/inventory/dynamo-inventory-store.js';
import { TRANSACTION_CONFLICT_RETRY } from '../../../functions/shared/dynamo-transactions.js';
import { RetryableError } from '../../../functions/shared/failures.js';
import { conditionFailed, transactionCancelled } from '../../fixtures/dynamo.js';
import { mockedDocumentClient } from '../../fixtures/clients.js';
import { silentLog } from '../../fixtures/log.js';

const { db, client } = mockedDocumentClient();
// No waiting between the in-process retries of a conflicted transaction.
const store = new DynamoInventoryStore(
  client,
  { inventory: 'inventory', reservations: 'inventory-reservations' },
  silentLog(),
  { sleep: async () => undefined },
);

const reserved = {
  orderId: 'o-1',
  status: 'RESERVED' as const,
  items: [
    { productId: 'p-001', quantity: 2 },
    { productId: 'p-002', quantity: 1 },
  ],
  decidedAt: '2026-11-25T10:00:00.000Z',
};
const released = { ...reserved, status: 'RELEASED' as const, reason: 'payment declined: card_declined' };

describe('reserve', () => {
  it('writes the reservation and takes every line in one conditional transaction', async () => {
    db.on(TransactWriteCommand).resolves({});

    await expect(store.reserve(reserved)).resolves.toBe('reserved');

    expect(db).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    expect(db).toHaveReceivedCommandWith(TransactWriteCommand, {
      TransactItems: [
        {
          Put: {
            TableName: 'inventory-reservations',
            Item: reserved,
            ConditionExpression: 'attribute_not_exists(orderId)',
          },
        },
        ...reserved.items.map(({ productId, quantity }) => ({
          Update: {
            TableName: 'inventory',
            Key: { productId },
            UpdateExpression: 'SET #stock = #stock - :quantity',
            ConditionExpression: 'attribute_exists(productId) AND #stock >= :quantity',
            ExpressionAttributeNames: { '#stock': 'stock' },
            ExpressionAttributeValues: { ':quantity': quantity },
          },
        })),
      ],
    });
  });

  it.each([
    ['the reservation exists', ['ConditionalCheckFailed', 'None', 'None'], 'already-decided'],
    [
      'the reservation exists and stock is short',
      ['ConditionalCheckFailed', 'ConditionalCheckFailed', 'None'],
      'already-decided',
    ],
    ['a line is short', ['None', 'None', 'ConditionalCheckFailed'], 'insufficient-stock'],
  ])('reads CancellationReasons: %s → %s', async (_case, codes, result) => {
    db.on(TransactWriteCommand).rejects(transactionCancelled(...codes));

    await expect(store.reserve(reserved)).resolves.toBe(result);
  });

  it.each([
    ['a cancellation with no failed condition', transactionCancelled('None', 'ThrottlingError', 'None')],
    ['any other error', new Error('network down')],
  ])('rethrows %s, so the message is retried', async (_case, error) => {
    expect.assertions(1);
    db.on(TransactWriteCommand).rejects(error);

    await expect(store.reserve(reserved)).rejects.toBe(error);
  });

  it.each([
    ['a transaction conflict', transactionCancelled('None', 'TransactionConflict', 'None'), 'reserved'],
    [
      'a conflict next to a short line',
      transactionCancelled('None', 'ConditionalCheckFailed', 'TransactionConflict'),
      'reserved',
    ],
  ])('retries %s in the process and answers what the next attempt says', async (_case, error, result) => {
    db.on(TransactWriteCommand).rejectsOnce(error).rejectsOnce(error).resolves({});

    await expect(store.reserve(reserved)).resolves.toBe(result);
    expect(db).toHaveReceivedCommandTimes(TransactWriteCommand, 3);
  });

  it('fails the record with a RetryableError when the conflicts outlast the retries', async () => {
    expect.assertions(2);
    db.on(TransactWriteCommand).rejects(transactionCancelled('None', 'TransactionConflict', 'None'));

    await expect(store.reserve(reserved)).rejects.toBeInstanceOf(RetryableError);
    expect(db).toHaveReceivedCommandTimes(TransactWriteCommand, TRANSACTION_CONFLICT_RETRY.attempts);
  });
});

describe('release', () => {
  it('flips RESERVED to RELEASED and adds the stock back in one transaction', async () => {
    db.on(TransactWriteCommand).resolves({});

    await expect(store.release(released)).resolves.toBe(true);

    expect(db).toHaveReceivedCommandWith(TransactWriteCommand, {
      TransactItems: [
        {
          Update: {
            TableName: 'inventory-reservations',
            Key: { orderId: 'o-1' },
            UpdateExpression: 'SET #status = :released, #reason = :reason, decidedAt = :decidedAt',
            ConditionExpression: '#status = :reserved',
            ExpressionAttributeNames: { '#status': 'status', '#reason': 'reason' },
            ExpressionAttributeValues: {
              ':released': 'RELEASED',
              ':reserved': 'RESERVED',
              ':reason': released.reason,
              ':decidedAt': released.decidedAt,
            },
          },
        },
        ...released.items.map(({ productId, quantity }) => ({
          Update: {
            TableName: 'inventory',
            Key: { productId },
            UpdateExpression: 'ADD #stock :quantity',
            ConditionExpression: 'attribute_exists(productId)',
            ExpressionAttributeNames: { '#stock': 'stock' },
            ExpressionAttributeValues: { ':quantity': quantity },
          },
        })),
      ],
    });
  });

  it('answers false when the reservation is no longer held', async () => {
    db.on(TransactWriteCommand).rejects(transactionCancelled('ConditionalCheckFailed', 'None', 'None'));

    await expect(store.release(released)).resolves.toBe(false);
  });

  it('retries a transaction conflict in the process', async () => {
    db.on(TransactWriteCommand)
      .rejectsOnce(transactionCancelled('None', 'TransactionConflict', 'None'))
      .resolves({});

    await expect(store.release(released)).resolves.toBe(true);
    expect(db).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
  });

  it('never re-creates a withdrawn product: its line is left out and the reservation is still released', async () => {
    // p-002 (item 2) was deleted since the reservation: its attribute_exists condition refuses it.
    db.on(TransactWriteCommand)
      .rejectsOnce(transactionCancelled('None', 'None', 'ConditionalCheckFailed'))
      .resolves({});

    await expect(store.release(released)).resolves.toBe(true);

    expect(db).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
    const second = db.commandCalls(TransactWriteCommand)[1]?.args[0].input.TransactItems ?? [];
    expect(second.map((item) => item.Update?.Key)).toEqual([{ orderId: 'o-1' }, { productId: 'p-001' }]);
  });
});

describe('recordIfAbsent', () => {
  const rejected = {
    orderId: 'o-1',
    status: 'REJECTED' as const,
    items: [],
    shortages: [],
    reason: 'out of stock',
    decidedAt: reserved.decidedAt,
  };

  it('puts the outcome only if the order has none', async () => {
    db.on(PutCommand).resolves({});

    await expect(store.recordIfAbsent(rejected)).resolves.toBe(true);

    expect(db).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'inventory-reservations',
      Item: rejected,
      ConditionExpression: 'attribute_not_exists(orderId)',
    });
  });

  it('answers false when one exists', async () => {
    db.on(PutCommand).rejects(conditionFailed());

    await expect(store.recordIfAbsent(rejected)).resolves.toBe(false);
  });
});

describe('reads', () => {
  it('reads a reservation consistently and parses it', async () => {
    db.on(GetCommand, { TableName: 'inventory-reservations' }).resolves({ Item: reserved });

    await expect(store.getReservation('o-1')).resolves.toEqual(reserved);
    expect(db).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'inventory-reservations',
      Key: { orderId: 'o-1' },
      ConsistentRead: true,
    });
  });

  it('refuses a reservation item that breaks its schema', async () => {
    expect.assertions(1);
    db.on(GetCommand).resolves({ Item: { orderId: 'o-1', status: 'LOST' } });

    await expect(store.getReservation('o-1')).rejects.toThrow();
  });

  it('reads current stock, leaving unknown products out', async () => {
    db.on(GetCommand, { Key: { productId: 'p-001' } })
      .resolves({ Item: { stock: 1 } })
      .on(GetCommand, { Key: { productId: 'p-404' } })
      .resolves({});

    await expect(store.getStock(['p-001', 'p-404'])).resolves.toEqual(new Map([['p-001', 1]]));
    expect(db).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'inventory',
      Key: { productId: 'p-001' },
      ConsistentRead: true,
    });
  });
});
