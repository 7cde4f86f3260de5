// The DynamoDB adapter of InventoryStore. Every exactly-once guarantee of inventory lives in the
// conditions below, written in the same transaction as the stock they protect.
import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { cancellationCodes, isConditionalCheckFailed } from '../shared/dynamo-conditions.js';
import { ReservationSchema, type InventoryStore, type Reservation, type ReservationOf, type ReserveResult } from './reservations.js';

export interface InventoryTables {
  inventory: string;
  reservations: string;
}

const StockSchema = z.object({ stock: z.number().int() });

export class DynamoInventoryStore implements InventoryStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: InventoryTables,
  ) {}

  async reserve(reservation: ReservationOf<'RESERVED'>): Promise<ReserveResult> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            // Item 0: one reservation per order, ever (a duplicate or an earlier release refuses it).
            { Put: { TableName: this.tables.reservations, Item: reservation, ConditionExpression: 'attribute_not_exists(orderId)' } },
            // Items 1..n: take each line only from a product that exists and has enough: never below zero.
            ...reservation.items.map(({ productId, quantity }) => ({
              Update: {
                TableName: this.tables.inventory,
                Key: { productId },
                UpdateExpression: 'SET #stock = #stock - :quantity',
                ConditionExpression: 'attribute_exists(productId) AND #stock >= :quantity',
                ExpressionAttributeNames: { '#stock': 'stock' },
                ExpressionAttributeValues: { ':quantity': quantity },
              },
            })),
          ],
        }),
      );
      return 'reserved';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      if (codes[0] === 'ConditionalCheckFailed') return 'already-decided';
      // TransactionConflict (another transaction on the same items) and anything else is transient: retry.
      if (codes.includes('TransactionConflict')) throw error;
      if (codes.slice(1).includes('ConditionalCheckFailed')) return 'insufficient-stock';
      throw error;
    }
  }

  async recordIfAbsent(reservation: ReservationOf<'REJECTED' | 'RELEASED'>): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({ TableName: this.tables.reservations, Item: reservation, ConditionExpression: 'attribute_not_exists(orderId)' }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async release(released: ReservationOf<'RELEASED'>): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            // Item 0: only a reservation still held can be released, so stock is given back once.
            {
              Update: {
                TableName: this.tables.reservations,
                Key: { orderId: released.orderId },
                UpdateExpression: 'SET #status = :released, #reason = :reason, decidedAt = :decidedAt',
                ConditionExpression: '#status = :reserved',
                ExpressionAttributeNames: { '#status': 'status', '#reason': 'reason' },
                ExpressionAttributeValues: { ':released': 'RELEASED', ':reserved': 'RESERVED', ':reason': released.reason, ':decidedAt': released.decidedAt },
              },
            },
            ...released.items.map(({ productId, quantity }) => ({
              Update: {
                TableName: this.tables.inventory,
                Key: { productId },
                UpdateExpression: 'ADD #stock :quantity',
                ExpressionAttributeNames: { '#stock': 'stock' },
                ExpressionAttributeValues: { ':quantity': quantity },
              },
            })),
          ],
        }),
      );
      return true;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  async getReservation(orderId: string): Promise<Reservation | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.reservations, Key: { orderId }, ConsistentRead: true }));
    return Item ? ReservationSchema.parse(Item) : undefined;
  }

  async getStock(productIds: string[]): Promise<Map<string, number>> {
    const entries = await Promise.all(
      productIds.map(async (productId) => {
        const { Item } = await this.db.send(
          new GetCommand({
            TableName: this.tables.inventory,
            Key: { productId },
            ProjectionExpression: '#stock',
            ExpressionAttributeNames: { '#stock': 'stock' },
            ConsistentRead: true,
          }),
        );
        return Item ? ([productId, StockSchema.parse(Item).stock] as const) : undefined;
      }),
    );
    return new Map(entries.filter((entry) => entry !== undefined));
  }
}
