// The storage port inventory's domain talks through, and the reservation it records. The DynamoDB
// adapter (dynamo-inventory-store.ts) and the in-memory fake of the unit tests implement it with
// the same conditions.
import * as v from 'valibot';
import { ShortageSchema } from '../shared/events.js';

const LineSchema = v.object({
  productId: v.pipe(v.string(), v.minLength(1)),
  quantity: v.pipe(v.number(), v.integer(), v.minValue(1)),
});
export type ReservedLine = v.InferOutput<typeof LineSchema>;

/** An item of the inventory-reservations table (PK orderId): the one decision inventory made for an order. */
export const ReservationSchema = v.variant('status', [
  v.object({ orderId: v.string(), status: v.literal('RESERVED'), items: v.array(LineSchema), decidedAt: v.string() }),
  v.object({
    orderId: v.string(),
    status: v.literal('REJECTED'),
    items: v.array(LineSchema),
    shortages: v.array(ShortageSchema),
    reason: v.string(),
    decidedAt: v.string(),
  }),
  // Either a reservation given back, or a tombstone (items: []) written when the decline came first.
  v.object({
    orderId: v.string(),
    status: v.literal('RELEASED'),
    items: v.array(LineSchema),
    reason: v.string(),
    decidedAt: v.string(),
  }),
]);
export type Reservation = v.InferOutput<typeof ReservationSchema>;
export type ReservationOf<S extends Reservation['status']> = Extract<Reservation, { status: S }>;

export type ReserveResult = 'reserved' | 'already-decided' | 'insufficient-stock';

/** The storage port; DynamoInventoryStore implements it, the unit tests' in-memory fake too. */
export interface InventoryStore {
  /**
   * All or nothing: records the RESERVED reservation only if the order has no reservation yet,
   * and takes `quantity` from every line's stock only if the product exists with enough stock.
   */
  reserve(reservation: ReservationOf<'RESERVED'>): Promise<ReserveResult>;
  /** Records an outcome that moves no stock (REJECTED, or a RELEASED tombstone) only if none exists. */
  recordIfAbsent(reservation: ReservationOf<'REJECTED' | 'RELEASED'>): Promise<boolean>;
  /** All or nothing: RESERVED → RELEASED and every line's stock given back; false if it was no longer RESERVED. */
  release(released: ReservationOf<'RELEASED'>): Promise<boolean>;
  /** A strongly consistent read of the order's reservation. */
  getReservation(orderId: string): Promise<Reservation | undefined>;
  /** Current stock per productId; an unknown product is absent from the map. */
  getStock(productIds: string[]): Promise<Map<string, number>>;
}
