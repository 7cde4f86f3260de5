// An in-memory InventoryStore that honours the same conditions as DynamoInventoryStore:
// a transaction checks every condition before applying anything (all or nothing), and checks
// and applies within one synchronous step after an await, so concurrent callers interleave
// the way separate DynamoDB requests do, never inside one.
import type { InventoryStore, Reservation, ReservationOf, ReserveResult } from '../../../functions/inventory/ports.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export class InMemoryInventoryStore implements InventoryStore {
  readonly stock = new Map<string, number>();
  readonly reservations = new Map<string, Reservation>();
  /** How many transactions moved stock (reserve or release): the effects under test. */
  stockWrites = 0;

  constructor(stock: Record<string, number> = {}) {
    for (const [productId, units] of Object.entries(stock)) this.stock.set(productId, units);
  }

  async reserve(reservation: ReservationOf<'RESERVED'>): Promise<ReserveResult> {
    await tick();
    if (this.reservations.has(reservation.orderId)) return 'already-decided';
    const enough = reservation.items.every(
      ({ productId, quantity }) => (this.stock.get(productId) ?? -Infinity) >= quantity,
    );
    if (!enough) return 'insufficient-stock';
    for (const { productId, quantity } of reservation.items)
      this.stock.set(productId, (this.stock.get(productId) ?? 0) - quantity);
    this.reservations.set(reservation.orderId, structuredClone(reservation));
    this.stockWrites += 1;
    return 'reserved';
  }

  async recordIfAbsent(reservation: ReservationOf<'REJECTED' | 'RELEASED'>): Promise<boolean> {
    await tick();
    if (this.reservations.has(reservation.orderId)) return false;
    this.reservations.set(reservation.orderId, structuredClone(reservation));
    return true;
  }

  async release(released: ReservationOf<'RELEASED'>): Promise<boolean> {
    await tick();
    if (this.reservations.get(released.orderId)?.status !== 'RESERVED') return false;
    this.reservations.set(released.orderId, structuredClone(released));
    // Only to products that still exist (attribute_exists in the adapter): a release never re-creates one.
    for (const { productId, quantity } of released.items)
      if (this.stock.has(productId)) this.stock.set(productId, (this.stock.get(productId) ?? 0) + quantity);
    this.stockWrites += 1;
    return true;
  }

  async getReservation(orderId: string): Promise<Reservation | undefined> {
    await tick();
    const found = this.reservations.get(orderId);
    return found && structuredClone(found);
  }

  async getStock(productIds: string[]): Promise<Map<string, number>> {
    await tick();
    return new Map(productIds.flatMap((id) => (this.stock.has(id) ? [[id, this.stock.get(id) ?? 0] as const] : [])));
  }
}
