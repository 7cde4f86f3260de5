import 'aws-sdk-client-mock-jest';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoProductsAndKeys } from '../../../functions/order-api/dynamo-products-and-keys.js';
import { keyRecord, placedOrder } from '../../fixtures/orders.js';
import { mockedDocumentClient } from '../../fixtures/clients.js';

const { db, client } = mockedDocumentClient();

const order = placedOrder('00000000-0000-4000-8000-000000000001');
const claim = keyRecord(order);

describe('DynamoProductsAndKeys', () => {
  const productsAndKeys = new DynamoProductsAndKeys(client, { inventory: 'inventory', idempotency: 'idempotency' }, 0);
  const tea = { productId: 'p-001', name: 'Tea', unitPrice: 1200, currency: 'JPY' };
  const productKeys = {
    ProjectionExpression: 'productId, #name, unitPrice, currency',
    ExpressionAttributeNames: { '#name': 'name' },
  };

  it('reads every product in one BatchGet (each id once, no stock) and parses what comes back', async () => {
    db.on(BatchGetCommand).resolves({ Responses: { inventory: [tea] } });

    const { products, stored } = await productsAndKeys.readForOrder(['p-001', 'p-404', 'p-001']);

    expect([...products.keys()]).toEqual(['p-001']);
    expect(stored).toBeUndefined();
    expect(db).toHaveReceivedCommandTimes(BatchGetCommand, 1);
    expect(db).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: { inventory: { Keys: [{ productId: 'p-001' }, { productId: 'p-404' }], ...productKeys } },
    });
  });

  it("with a key reads the key's record in the same BatchGet, strongly consistent", async () => {
    db.on(BatchGetCommand).resolves({ Responses: { inventory: [tea], idempotency: [claim] } });

    const { products, stored } = await productsAndKeys.readForOrder(['p-001'], 'k-1');

    expect(products.size).toBe(1);
    expect(stored).toEqual(claim);
    expect(db).toHaveReceivedCommandTimes(BatchGetCommand, 1);
    expect(db).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: {
        inventory: { Keys: [{ productId: 'p-001' }], ...productKeys },
        idempotency: { Keys: [{ idempotencyKey: 'k-1' }], ConsistentRead: true },
      },
    });
  });

  it('asks again for unprocessed keys (of either table), and gives up loudly if they stay unprocessed', async () => {
    expect.assertions(5);
    db.on(BatchGetCommand)
      .resolvesOnce({
        Responses: { inventory: [] },
        UnprocessedKeys: {
          inventory: { Keys: [{ productId: 'p-001' }] },
          idempotency: { Keys: [{ idempotencyKey: 'k-1' }] },
        },
      })
      .resolvesOnce({ Responses: { inventory: [tea], idempotency: [claim] } });
    await expect(productsAndKeys.readForOrder(['p-001'], 'k-1')).resolves.toEqual({
      products: new Map([['p-001', tea]]),
      stored: claim,
    });
    expect(db).toHaveReceivedNthCommandWith(2, BatchGetCommand, {
      RequestItems: {
        inventory: { Keys: [{ productId: 'p-001' }], ...productKeys },
        idempotency: { Keys: [{ idempotencyKey: 'k-1' }], ConsistentRead: true },
      },
    });

    db.reset();
    db.on(BatchGetCommand).resolves({ UnprocessedKeys: { inventory: { Keys: [{ productId: 'p-001' }] } } });
    await expect(productsAndKeys.readForOrder(['p-001'])).rejects.toThrow(/unprocessed/);
    expect(db).toHaveReceivedCommandTimes(BatchGetCommand, 4);
    expect(db).toHaveReceivedNthCommandWith(4, BatchGetCommand, {
      RequestItems: { inventory: { Keys: [{ productId: 'p-001' }], ...productKeys } },
    });
  });

  it('refuses a product whose price is not integer minor units', async () => {
    expect.assertions(1);
    db.on(BatchGetCommand).resolves({ Responses: { inventory: [{ ...tea, unitPrice: 12.5 }] } });
    await expect(productsAndKeys.readForOrder(['p-001'])).rejects.toThrow();
  });
});
