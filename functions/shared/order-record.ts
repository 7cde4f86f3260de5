// The order item as the orders service stores it in the `orders` table (PK orderId, SK createdAt).
// Written by order-api, projected forward by order-status; both parse what they read with this
// schema, never cast. Only the orders service reads or writes this table.
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { Currency, NonEmpty, NonNegativeInt, NotificationKindSchema, OrderLineSchema } from './events.js';

const ORDER_STATUSES = ['PLACED', 'CONFIRMED', 'CANCELLED'] as const;
const OrderStatusSchema = v.picklist(ORDER_STATUSES);
export type OrderStatus = v.InferOutput<typeof OrderStatusSchema>;

/** Each service's state as the orders service last learnt it (order-status keeps each moving forward only). */
const InventoryStateSchema = v.picklist(['PENDING', 'RESERVED', 'REJECTED', 'RELEASED']);
const PaymentStateSchema = v.picklist(['PENDING', 'CAPTURED', 'DECLINED', 'VOIDED', 'REFUNDED']);
// FAILED: SES refused one of the order's emails for good (the reason is in notificationFailure).
const NotificationStateSchema = v.picklist([
  'PENDING',
  'ORDER_RECEIVED',
  'ORDER_CONFIRMED',
  'ORDER_CANCELLED',
  'FAILED',
]);

const ServicesSchema = v.object({
  inventory: InventoryStateSchema,
  payment: PaymentStateSchema,
  notification: NotificationStateSchema,
});
export type Services = v.InferOutput<typeof ServicesSchema>;
export type ServiceName = keyof Services;

const HistoryEntrySchema = v.object({
  eventId: NonEmpty,
  type: NonEmpty,
  time: NonEmpty,
  /** Only on events that cancel an order: the reason a cancellation shows, kept with the fact that caused it. */
  reason: v.optional(NonEmpty),
});
export type HistoryEntry = v.InferOutput<typeof HistoryEntrySchema>;

/**
 * The orders table's sparse index of the orders still PLACED (the sweeper's, never a Scan): order-api
 * writes this attribute on every new order, and the update that makes the order final removes it,
 * so the index holds exactly the PLACED orders, oldest first by createdAt. Its value is one constant:
 * one index partition, ample for two writes per order (the index's partition takes 1,000 writes/s).
 */
export const PLACED_INDEX_KEY = 'placedIndexKey';
export const PLACED_INDEX_VALUE = 'PLACED';

export const OrderRecordSchema = v.object({
  orderId: NonEmpty,
  createdAt: NonEmpty,
  updatedAt: NonEmpty,
  status: OrderStatusSchema,
  reason: v.optional(NonEmpty),
  finalizedAt: v.optional(NonEmpty),
  /** The id of the event whose processing made the order final: tells that write's lost response from another event's. */
  finalizedBy: v.optional(NonEmpty),
  customerId: NonEmpty,
  email: NonEmpty,
  items: v.pipe(v.array(OrderLineSchema), v.minLength(1)),
  totalAmount: NonNegativeInt,
  currency: Currency,
  // Kept so that OrderPlaced can be rebuilt identically when a publish is retried. A provider
  // token (not card data); never returned by GET, never logged.
  paymentToken: NonEmpty,
  services: ServicesSchema,
  /** Set with services.notification = FAILED: which email SES refused for good, and why. */
  notificationFailure: v.optional(v.object({ kind: NotificationKindSchema, reason: NonEmpty })),
  history: v.array(HistoryEntrySchema),
  /** The ids of the events already applied: the condition that applies each event exactly once. A string set, absent until the first. */
  appliedEventIds: v.optional(v.set(v.string())),
  idempotencyKey: v.optional(NonEmpty),
});
export type OrderRecord = v.InferOutput<typeof OrderRecordSchema>;

/** The order with this id (the table's only item of that partition), strongly consistent; undefined if unknown. */
export async function findOrder(
  db: DynamoDBDocumentClient,
  table: string,
  orderId: string,
): Promise<OrderRecord | undefined> {
  const { Items } = await db.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'orderId = :orderId',
      ExpressionAttributeValues: { ':orderId': orderId },
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const item = Items?.[0];
  return item === undefined ? undefined : v.parse(OrderRecordSchema, item);
}
