// The event contracts of the order saga: one module shared by every producer and consumer.
// Events are immutable facts. Each has a schema version, a unique id, the time it happened and the
// orderId; `type` travels twice: in the body and as the SNS `eventType` message attribute that
// the subscriptions' filter policies match on. Consumers parse with these schemas, never cast.
// A namespace import lets esbuild drop what is unused (`import { z }` pulls in every locale: +350 KB).
import * as z from 'zod';

const EVENT_VERSION = 1;

const Money = z.number().int().nonnegative();
const Currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code');

export const OrderLineSchema = z.object({
  productId: z.string().min(1),
  quantity: z.number().int().positive(),
  unitPrice: Money,
  lineTotal: Money,
});
export type OrderLine = z.infer<typeof OrderLineSchema>;

export const ShortageSchema = z.object({
  productId: z.string().min(1),
  requested: z.number().int().positive(),
  available: z.number().int().nonnegative(),
});
export type Shortage = z.infer<typeof ShortageSchema>;

export const NotificationKindSchema = z.enum(['ORDER_RECEIVED', 'ORDER_CONFIRMED', 'ORDER_CANCELLED']);
export type NotificationKind = z.infer<typeof NotificationKindSchema>;

const payloads = {
  OrderPlaced: z.object({
    customerId: z.string().min(1),
    email: z.email(),
    items: z.array(OrderLineSchema).min(1),
    totalAmount: Money,
    currency: Currency,
    // A test token chooses the simulated payment outcome (see functions/billing/simulated-payment-provider.ts).
    paymentToken: z.string().min(1),
  }),
  InventoryReserved: z.object({
    items: z.array(z.object({ productId: z.string(), quantity: z.number().int().positive() })),
  }),
  InventoryRejected: z.object({ reason: z.string().min(1), shortages: z.array(ShortageSchema) }),
  InventoryReleased: z.object({ reason: z.string().min(1) }),
  PaymentCaptured: z.object({ billingId: z.string().min(1), amount: Money, currency: Currency }),
  PaymentDeclined: z.object({ billingId: z.string().min(1), reason: z.string().min(1) }),
  PaymentVoided: z.object({ billingId: z.string().min(1), reason: z.string().min(1) }),
  PaymentRefunded: z.object({
    billingId: z.string().min(1),
    amount: Money,
    currency: Currency,
    reason: z.string().min(1),
  }),
  NotificationSent: z.object({ notificationId: z.string().min(1), kind: NotificationKindSchema }),
  /** SES refused the email for good (a permanent refusal): recorded, never retried. */
  NotificationFailed: z.object({
    notificationId: z.string().min(1),
    kind: NotificationKindSchema,
    reason: z.string().min(1),
  }),
  OrderConfirmed: z.object({ customerId: z.string().min(1), email: z.email(), totalAmount: Money, currency: Currency }),
  OrderCancelled: z.object({ customerId: z.string().min(1), email: z.email(), reason: z.string().min(1) }),
} as const;

export type EventType = keyof typeof payloads;
const EVENT_TYPES = Object.keys(payloads) as EventType[];

const envelope = <T extends EventType>(type: T) =>
  z.object({
    version: z.literal(EVENT_VERSION),
    id: z.string().min(1),
    type: z.literal(type),
    time: z.iso.datetime(),
    orderId: z.string().min(1),
    data: payloads[type],
  });

type Envelopes = { [T in EventType]: ReturnType<typeof envelope<T>> };
const envelopes = Object.fromEntries(EVENT_TYPES.map((t) => [t, envelope(t)])) as unknown as Envelopes;

const OrderEventSchema = z.discriminatedUnion(
  'type',
  Object.values(envelopes) as [Envelopes[EventType], ...Envelopes[EventType][]],
);

export type OrderEvent = z.infer<typeof OrderEventSchema>;
export type EventOf<T extends EventType> = Extract<OrderEvent, { type: T }>;
export type EventData<T extends EventType> = EventOf<T>['data'];

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

/** Parses a raw message body into a known event, or throws InvalidEventError naming what is wrong. */
export function parseEvent(body: string): OrderEvent {
  return toOrderEvent(readJson(body));
}

/** The body as JSON; undefined when it is not JSON (JSON itself never yields undefined). */
export function readJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** An already parsed body (readJson) checked against the contracts. */
export function toOrderEvent(json: unknown): OrderEvent {
  if (json === undefined) throw new InvalidEventError('message body is not JSON');
  const result = OrderEventSchema.safeParse(json);
  if (!result.success) {
    throw new InvalidEventError(`message is not a valid order event: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/**
 * Builds an event, checked against its schema: a producer can never publish what a consumer
 * would refuse. Pass a deterministic id (eventIdFor): a retry that republishes the result of an
 * effect then sends the same id, so consumers can tell a duplicate from a new fact.
 */
export function createEvent<T extends EventType>(
  type: T,
  fields: { id: string; orderId: string; time: string; data: EventData<T> },
): EventOf<T> {
  const schema: z.ZodType<EventOf<T>> = envelopes[type] as unknown as z.ZodType<EventOf<T>>;
  return schema.parse({ version: EVENT_VERSION, type, ...fields });
}

/** The id of the one event of `type` that an effect on `orderId` produces (a retry republishes the same id). */
export const eventIdFor = (type: EventType, orderId: string): string => `${orderId}:${type}`;
