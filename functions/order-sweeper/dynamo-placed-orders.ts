// The PlacedOrders port on the orders table's sparse index of PLACED orders (shared/order-record.ts:
// its key is written with every new order and removed by the write that makes it final). A Query
// on the one key value, by createdAt: never a Scan. The index projects the whole item.
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { OrderRecordSchema, PLACED_INDEX_KEY, PLACED_INDEX_VALUE, type OrderRecord } from '../shared/order-record.js';
import type { PlacedOrders } from './ports.js';

export class DynamoPlacedOrders implements PlacedOrders {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly index: string,
  ) {}

  async oldest(): Promise<OrderRecord | undefined> {
    return (await this.query(undefined, 1))[0];
  }

  placedBefore(cutoff: string, limit: number): Promise<OrderRecord[]> {
    return this.query(cutoff, limit);
  }

  private async query(before: string | undefined, limit: number): Promise<OrderRecord[]> {
    const orders: OrderRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: this.index,
          KeyConditionExpression: `#key = :placed${before === undefined ? '' : ' AND createdAt < :before'}`,
          ExpressionAttributeNames: { '#key': PLACED_INDEX_KEY },
          ExpressionAttributeValues: {
            ':placed': PLACED_INDEX_VALUE,
            ...(before === undefined ? {} : { ':before': before }),
          },
          ScanIndexForward: true,
          Limit: limit - orders.length,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) orders.push(v.parse(OrderRecordSchema, item));
      start = page.LastEvaluatedKey;
    } while (start !== undefined && orders.length < limit);
    return orders;
  }
}
