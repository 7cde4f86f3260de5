import 'aws-sdk-client-mock-jest';
import { conditionFailed } from '../../fixtures/dynamo.js';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoBillingStore } from '../../../functions/billing/dynamo-billing-store.js';
import type { BillingRecordOf } from '../../../functions/billing/ports.js';
import { mockedDocumentClient } from '../../fixtures/clients.js';

const { db, client } = mockedDocumentClient();
const store = new DynamoBillingStore(client, 'billing');
const key = { billingId: 'o-1', orderId: 'o-1' };
const captured: BillingRecordOf<'CAPTURED'> = {
  ...key,
  status: 'CAPTURED',
  amount: 2400,
  currency: 'JPY',
  providerRef: 'ch_sim_o-1',
  decidedAt: '2026-11-25T10:00:00.000Z',
};

describe('createIfAbsent', () => {
  const pending: BillingRecordOf<'PENDING'> = {
    ...key,
    status: 'PENDING',
    amount: 2400,
    currency: 'JPY',
    createdAt: '2026-11-25T10:00:00.000Z',
  };

  it('puts the first record of an order under attribute_not_exists(billingId)', async () => {
    db.on(PutCommand).resolves({});

    await expect(store.createIfAbsent(pending)).resolves.toBe(true);
    expect(db).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'billing',
      Item: pending,
      ConditionExpression: 'attribute_not_exists(billingId)',
    });
  });

  it('answers false when the order already has one', async () => {
    db.on(PutCommand).rejects(conditionFailed());

    await expect(store.createIfAbsent(pending)).resolves.toBe(false);
  });

  it('rethrows anything else, so the message is retried', async () => {
    expect.assertions(1);
    db.on(PutCommand).rejects(new Error('throttled'));

    await expect(store.createIfAbsent(pending)).rejects.toThrow('throttled');
  });
});

describe('decide', () => {
  it.each([
    ['a capture', captured, 'providerRef', 'ch_sim_o-1'],
    [
      'a decline',
      {
        ...key,
        status: 'DECLINED',
        amount: 2400,
        currency: 'JPY',
        reason: 'card_declined',
        decidedAt: captured.decidedAt,
      } as const,
      'reason',
      'card_declined',
    ],
  ])('records %s only over PENDING and answers the record as written', async (_case, record, detailName, detail) => {
    const compensation = { reason: 'inventory rejected: out of stock', requestedAt: '2026-11-25T09:59:59.000Z' };
    db.on(UpdateCommand).resolves({ Attributes: { ...record, compensation } });

    // A capture keeps the void recorded while it was PENDING (the charge path refunds it); a decline has nothing to give back.
    await expect(store.decide(record)).resolves.toEqual(
      record.status === 'CAPTURED' ? { ...record, compensation } : record,
    );
    expect(db).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'billing',
      Key: key,
      UpdateExpression: 'SET #status = :status, #detail = :detail, decidedAt = :decidedAt',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': 'status', '#detail': detailName },
      ExpressionAttributeValues: {
        ':status': record.status,
        ':pending': 'PENDING',
        ':detail': detail,
        ':decidedAt': record.decidedAt,
      },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('answers undefined when the record is no longer PENDING', async () => {
    db.on(UpdateCommand).rejects(conditionFailed());

    await expect(store.decide(captured)).resolves.toBeUndefined();
  });
});

describe('requestCompensation', () => {
  it('records a void on the record only while it is PENDING', async () => {
    db.on(UpdateCommand).resolvesOnce({}).rejects(conditionFailed());
    const compensation = { reason: 'inventory rejected: out of stock', requestedAt: '2026-11-25T10:00:00.000Z' };

    await expect(store.requestCompensation('o-1', compensation)).resolves.toBe(true);
    await expect(store.requestCompensation('o-1', compensation)).resolves.toBe(false);
    expect(db).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'billing',
      Key: key,
      UpdateExpression: 'SET compensation = :compensation',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':compensation': compensation, ':pending': 'PENDING' },
    });
  });
});

describe('markRefunded', () => {
  const refunded: BillingRecordOf<'REFUNDED'> = {
    ...captured,
    status: 'REFUNDED',
    refundRef: 're_sim_o-1:refund',
    reason: 'inventory rejected: out of stock',
    refundedAt: '2026-11-25T10:00:05.000Z',
  };

  it('moves CAPTURED to REFUNDED only from CAPTURED', async () => {
    db.on(UpdateCommand).resolves({});

    await expect(store.markRefunded(refunded)).resolves.toBe(true);
    expect(db).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'billing',
      Key: key,
      UpdateExpression: 'SET #status = :refunded, refundRef = :refundRef, #reason = :reason, refundedAt = :refundedAt',
      ConditionExpression: '#status = :captured',
      ExpressionAttributeNames: { '#status': 'status', '#reason': 'reason' },
      ExpressionAttributeValues: {
        ':refunded': 'REFUNDED',
        ':captured': 'CAPTURED',
        ':refundRef': 're_sim_o-1:refund',
        ':reason': 'inventory rejected: out of stock',
        ':refundedAt': '2026-11-25T10:00:05.000Z',
      },
    });
  });

  it('answers false when the record is no longer CAPTURED', async () => {
    db.on(UpdateCommand).rejects(conditionFailed());

    await expect(store.markRefunded(refunded)).resolves.toBe(false);
  });
});

describe('get', () => {
  it('reads by billingId = orderId, consistently, and parses the record', async () => {
    db.on(GetCommand).resolves({ Item: captured });

    await expect(store.get('o-1')).resolves.toEqual(captured);
    expect(db).toHaveReceivedCommandWith(GetCommand, { TableName: 'billing', Key: key, ConsistentRead: true });
  });

  it('answers undefined for an order with no record', async () => {
    db.on(GetCommand).resolves({});

    await expect(store.get('o-1')).resolves.toBeUndefined();
  });
});
