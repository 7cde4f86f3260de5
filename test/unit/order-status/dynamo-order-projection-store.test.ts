import 'aws-sdk-client-mock-jest';
import { conditionFailed } from '../../fixtures/dynamo.js';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoOrderProjectionStore as DynamoOrderProjection } from '../../../functions/order-status/dynamo-order-projection-store.js';
import { placedOrder } from './fakes.js';
import { mockedDocumentClient } from '../../fixtures/clients.js';

const { db, client } = mockedDocumentClient();
const store = new DynamoOrderProjection(client, 'orders');
const key = { orderId: 'o-1', createdAt: '2026-11-25T09:00:00.000Z' };
const entry = { eventId: 'o-1:PaymentCaptured', type: 'PaymentCaptured', time: '2026-11-25T09:01:00.000Z' };

describe('DynamoOrderProjection', () => {
  it('finds an order by Query on its partition key (consistent, limit 1)', async () => {
    db.on(QueryCommand).resolves({ Items: [placedOrder()] });
    await expect(store.find('o-1')).resolves.toEqual(placedOrder());
    expect(db).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'orders',
      KeyConditionExpression: 'orderId = :orderId',
      ExpressionAttributeValues: { ':orderId': 'o-1' },
      Limit: 1,
      ConsistentRead: true,
    });
  });

  it('applies an event that advances a service: once per event id, only from the states it may replace, in one write', async () => {
    db.on(UpdateCommand).resolves({
      Attributes: {
        ...placedOrder(),
        services: { ...placedOrder().services, payment: 'CAPTURED' },
        history: [entry],
        appliedEventIds: new Set([entry.eventId]),
      },
    });

    const order = await store.applyEvent(key, {
      eventId: entry.eventId,
      entry,
      updatedAt: '2026-11-25T09:01:01.000Z',
      service: { change: { service: 'payment', state: 'CAPTURED' }, replaces: ['PENDING'] },
    });

    expect(order?.services.payment).toBe('CAPTURED');
    expect(db).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'orders',
      Key: key,
      UpdateExpression:
        'SET #history = list_append(#history, :entry), updatedAt = :updatedAt, #services.#service = :state ADD #applied :eventIds',
      ConditionExpression:
        'attribute_exists(orderId) AND NOT contains(#applied, :eventId) AND #services.#service IN (:from0)',
      ExpressionAttributeNames: {
        '#history': 'history',
        '#applied': 'appliedEventIds',
        '#services': 'services',
        '#service': 'payment',
      },
      ExpressionAttributeValues: {
        ':eventId': entry.eventId,
        ':eventIds': new Set([entry.eventId]),
        ':entry': [entry],
        ':updatedAt': '2026-11-25T09:01:01.000Z',
        ':state': 'CAPTURED',
        ':from0': 'PENDING',
      },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('writes the refused email and its reason with the FAILED state, in the same write', async () => {
    const failure = { kind: 'ORDER_RECEIVED' as const, reason: 'MessageRejected: not verified' };
    db.on(UpdateCommand).resolves({
      Attributes: {
        ...placedOrder(),
        services: { ...placedOrder().services, notification: 'FAILED' },
        notificationFailure: failure,
      },
    });

    const order = await store.applyEvent(key, {
      eventId: 'o-1:NotificationFailed',
      entry: { eventId: 'o-1:NotificationFailed', type: 'NotificationFailed', time: 't' },
      updatedAt: 't',
      service: { change: { service: 'notification', state: 'FAILED' }, replaces: ['PENDING', 'ORDER_RECEIVED'] },
      notificationFailure: failure,
    });

    expect(order?.notificationFailure).toEqual(failure);
    expect(db).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression:
        'SET #history = list_append(#history, :entry), updatedAt = :updatedAt, #services.#service = :state, notificationFailure = :failure ADD #applied :eventIds',
      ExpressionAttributeValues: expect.objectContaining({ ':state': 'FAILED', ':failure': failure }),
    });
  });

  it('records an event that would not advance its service without touching the service', async () => {
    db.on(UpdateCommand).resolves({ Attributes: placedOrder() });
    await store.applyEvent(key, { eventId: entry.eventId, entry, updatedAt: 't' });
    expect(db).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'SET #history = list_append(#history, :entry), updatedAt = :updatedAt ADD #applied :eventIds',
      ConditionExpression: 'attribute_exists(orderId) AND NOT contains(#applied, :eventId)',
      ExpressionAttributeNames: { '#history': 'history', '#applied': 'appliedEventIds' },
    });
  });

  it.each([
    [
      'CONFIRMED',
      { status: 'CONFIRMED' as const },
      'SET #status = :status, finalizedAt = :finalizedAt, finalizedBy = :finalizedBy, updatedAt = :finalizedAt REMOVE placedIndexKey',
      { '#status': 'status' },
      {},
    ],
    [
      'CANCELLED',
      { status: 'CANCELLED' as const, reason: 'payment declined: card_declined' },
      'SET #status = :status, finalizedAt = :finalizedAt, finalizedBy = :finalizedBy, updatedAt = :finalizedAt, #reason = :reason REMOVE placedIndexKey',
      { '#status': 'status', '#reason': 'reason' },
      { ':reason': 'payment declined: card_declined' },
    ],
  ])(
    'finalizes to %s only from PLACED, leaving the index of PLACED orders in the same write',
    async (status, decision, update, names, values) => {
      db.on(UpdateCommand).resolves({ Attributes: { ...placedOrder(), status, finalizedAt: 'f' } });
      await expect(store.finalize(key, decision, 'f', 'o-1:PaymentCaptured')).resolves.toMatchObject({ status });
      expect(db).toHaveReceivedCommandWith(UpdateCommand, {
        TableName: 'orders',
        Key: key,
        UpdateExpression: update,
        ConditionExpression: '#status = :placed',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ':status': status,
          ':placed': 'PLACED',
          ':finalizedAt': 'f',
          ':finalizedBy': 'o-1:PaymentCaptured',
          ...values,
        },
        ReturnValues: 'ALL_NEW',
      });
    },
  );

  it('answers undefined when a condition fails, and rethrows anything else', async () => {
    expect.assertions(2);
    db.on(UpdateCommand).rejectsOnce(conditionFailed()).rejectsOnce(new Error('throttled'));
    await expect(store.finalize(key, { status: 'CONFIRMED' }, 'f', 'o-1:PaymentCaptured')).resolves.toBeUndefined();
    await expect(store.finalize(key, { status: 'CONFIRMED' }, 'f', 'o-1:PaymentCaptured')).rejects.toThrow('throttled');
  });
});
