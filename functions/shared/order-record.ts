// The order item as the orders service stores it in the `orders` table (PK orderId, SK createdAt).
// Written by order-api, projected forward by order-status; both parse what they read with this
// schema, never cast. Only the orders service reads or writes this table.
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { NotificationKindSchema, OrderLineSchema } from './events.js';

const ORDER_STATUSES = ['PLACED', 'CONFIRMED', 'CANCELLED'] as const;
const OrderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

/** Each service's state as the orders service last learnt it (order-status keeps each moving forward only). */
const InventoryStateSchema = z.enum(['PENDING', 'RESERVED', 'REJECTED', 'RELEASED']);
const PaymentStateSchema = z.enum(['PENDING', 'CAPTURED', 'DECLINED', 'VOIDED', 'REFUNDED']);
// FAILED: SES refused one of the order's emails for good (the reason is in notificationFailure).
const NotificationStateSchema = z.enum(['PENDING', 'ORDER_RECEIVED', 'ORDER_CONFIRMED', 'ORDER_CANCELLED', 'FAILED']);

const ServicesSchema = z.object({
  inventory: InventoryStateSchema,
  payment: PaymentStateSchema,
  notification: NotificationStateSchema,
});
export type Services = z.infer<typeof ServicesSchema>;
export type ServiceName = keyof Services;

const HistoryEntrySchema = z.object({
  eventId: z.string().min(1),
  type: z.string().min(1),
  time: z.string().min(1),
  /** Only on events that cancel an order: the reason a cancellation shows, kept with the fact that caused it. */
  reason: z.string().min(1).optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

export const OrderRecordSchema = z.object({
  orderId: z.string().min(1),
  createdAt: z.string().min(1),
  updatedAt: z.string().min(1),
  status: OrderStatusSchema,
  reason: z.string().min(1).optional(),
  finalizedAt: z.string().min(1).optional(),
  /** The id of the event whose processing made the order final: tells that write's lost response from another event's. */
  finalizedBy: z.string().min(1).optional(),
  customerId: z.string().min(1),
  email: z.string().min(1),
  items: z.array(OrderLineSchema).min(1),
  totalAmount: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  // Kept so that OrderPlaced can be rebuilt identically when a publish is retried. A provider
  // token (not card data); never returned by GET, never logged.
  paymentToken: z.string().min(1),
  services: ServicesSchema,
  /** Set with services.notification = FAILED: which email SES refused for good, and why. */
  notificationFailure: z.object({ kind: NotificationKindSchema, reason: z.string().min(1) }).optional(),
  history: z.array(HistoryEntrySchema),
  /** The ids of the events already applied: the condition that applies each event exactly once. A string set, absent until the first. */
  appliedEventIds: z.set(z.string()).optional(),
  idempotencyKey: z.string().min(1).optional(),
});
export type OrderRecord = z.infer<typeof OrderRecordSchema>;

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
  return item === undefined ? undefined : OrderRecordSchema.parse(item);
}
