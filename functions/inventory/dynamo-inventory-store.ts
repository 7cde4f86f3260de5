// The DynamoDB adapter of InventoryStore. Every exactly-once guarantee of inventory lives in the
// conditions below, written in the same transaction as the stock they protect. Transactions that
// conflict with another on a hot product are retried in the process (shared/dynamo-transactions.ts).
import {
  GetCommand,
  PutCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { appliedUnlessRefused, committedUnlessRefused } from '../shared/dynamo-conditions.js';
import { transactWrite, type TransactOptions } from '../shared/dynamo-transactions.js';
import type { Log } from '../shared/logger.js';
import {
  ReservationSchema,
  type InventoryStore,
  type Reservation,
  type ReservationOf,
  type ReservedLine,
  type ReserveResult,
} from './ports.js';

export interface InventoryTables {
  inventory: string;
  reservations: string;
}

const StockSchema = v.object({ stock: v.pipe(v.number(), v.integer()) });

export class DynamoInventoryStore implements InventoryStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: InventoryTables,
    private readonly log: Pick<Log, 'warn'>,
    private readonly retry: TransactOptions = {},
  ) {}

  async reserve(reservation: ReservationOf<'RESERVED'>): Promise<ReserveResult> {
    const outcome = await committedUnlessRefused(
      transactWrite(
        this.db,
        {
          TransactItems: [
            // Item 0: one reservation per order, ever (a duplicate or an earlier release refuses it).
            {
              Put: {
                TableName: this.tables.reservations,
                Item: reservation,
                ConditionExpression: 'attribute_not_exists(orderId)',
              },
            },
            // Items 1..n: take each line only from a product that exists and has enough: never below zero.
            ...reservation.items.map(({ productId, quantity }) =>
              this.stockChange(
                productId,
                quantity,
                'SET #stock = #stock - :quantity',
                'attribute_exists(productId) AND #stock >= :quantity',
              ),
            ),
          ],
        },
        this.retry,
      ),
    );
    if (outcome.committed) return 'reserved';
    return outcome.refused.includes(0) ? 'already-decided' : 'insufficient-stock';
  }

  async recordIfAbsent(reservation: ReservationOf<'REJECTED' | 'RELEASED'>): Promise<boolean> {
    return appliedUnlessRefused(
      this.db.send(
        new PutCommand({
          TableName: this.tables.reservations,
          Item: reservation,
          ConditionExpression: 'attribute_not_exists(orderId)',
        }),
      ),
    );
  }

  async release(released: ReservationOf<'RELEASED'>): Promise<boolean> {
    // A product withdrawn since the reservation gets nothing back (giving it stock would re-create
    // it): its line is left out, and the reservation is still released.
    let lines = released.items;
    for (;;) {
      const outcome = await committedUnlessRefused(
        transactWrite(this.db, this.releaseTransaction(released, lines), this.retry),
      );
      if (outcome.committed) return true;
      if (outcome.refused.includes(0)) return false;
      const gone = new Set(outcome.refused.map((index) => lines[index - 1]?.productId));
      this.log.warn('products no longer exist; their reserved stock is not given back', {
        orderId: released.orderId,
        productIds: [...gone],
      });
      lines = lines.filter((line) => !gone.has(line.productId));
    }
  }

  /** One product's stock moved by a line's quantity (taken or given back), under the condition that guards the move. */
  private stockChange(productId: string, quantity: number, UpdateExpression: string, ConditionExpression: string) {
    return {
      Update: {
        TableName: this.tables.inventory,
        Key: { productId },
        UpdateExpression,
        ConditionExpression,
        ExpressionAttributeNames: { '#stock': 'stock' },
        ExpressionAttributeValues: { ':quantity': quantity },
      },
    };
  }

  private releaseTransaction(released: ReservationOf<'RELEASED'>, lines: ReservedLine[]): TransactWriteCommandInput {
    return {
      TransactItems: [
        // Item 0: only a reservation still held can be released, so stock is given back once.
        {
          Update: {
            TableName: this.tables.reservations,
            Key: { orderId: released.orderId },
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
        // Items 1..n: stock back to each product that still exists (ADD alone would create a missing one).
        ...lines.map(({ productId, quantity }) =>
          this.stockChange(productId, quantity, 'ADD #stock :quantity', 'attribute_exists(productId)'),
        ),
      ],
    };
  }

  async getReservation(orderId: string): Promise<Reservation | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tables.reservations, Key: { orderId }, ConsistentRead: true }),
    );
    return Item ? v.parse(ReservationSchema, Item) : undefined;
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
        return Item ? ([productId, v.parse(StockSchema, Item).stock] as const) : undefined;
      }),
    );
    return new Map(entries.filter((entry) => entry !== undefined));
  }
}
