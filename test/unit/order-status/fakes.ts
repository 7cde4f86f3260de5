// An in-memory OrderProjectionStore that keeps the DynamoDB adapter's conditions
// (dynamo-order-projection-store.ts): event not yet applied, service in the states it may replace,
// status = PLACED. Each call awaits `beforeOperation` first, so tests can interleave calls.
import type { OrderRecord } from '../../../functions/shared/order-record.js';
import type { ApplyEvent, OrderKey, OrderProjectionStore } from '../../../functions/order-status/ports.js';

const clone = <T>(value: T): T => structuredClone(value);

export class InMemoryOrderProjection implements OrderProjectionStore {
  readonly orders = new Map<string, OrderRecord>();
  /** Successful status transitions, in order. */
  readonly transitions: { orderId: string; status: string }[] = [];
  beforeOperation: (name: 'find' | 'applyEvent' | 'finalize') => Promise<void> | void = () => undefined;

  put(order: OrderRecord): void {
    this.orders.set(order.orderId, clone(order));
  }

  get(orderId: string): OrderRecord {
    const order = this.orders.get(orderId);
    if (order === undefined) throw new Error(`no order ${orderId}`);
    return clone(order);
  }

  async find(orderId: string): Promise<OrderRecord | undefined> {
    await this.beforeOperation('find');
    const order = this.orders.get(orderId);
    return order === undefined ? undefined : clone(order);
  }

  async applyEvent(key: OrderKey, change: ApplyEvent): Promise<OrderRecord | undefined> {
    await this.beforeOperation('applyEvent');
    const order = this.stored(key);
    // attribute_exists(orderId) AND NOT contains(appliedEventIds, :eventId) [AND services.#service IN (...)]
    if (order === undefined || order.appliedEventIds?.has(change.eventId) === true) return undefined;
    if (
      change.service !== undefined &&
      !change.service.replaces.includes(order.services[change.service.change.service])
    )
      return undefined;
    order.history.push(clone(change.entry));
    order.updatedAt = change.updatedAt;
    order.appliedEventIds = new Set([...(order.appliedEventIds ?? []), change.eventId]);
    if (change.service !== undefined)
      Object.assign(order.services, { [change.service.change.service]: change.service.change.state });
    if (change.notificationFailure !== undefined) order.notificationFailure = clone(change.notificationFailure);
    return clone(order);
  }

  async finalize(
    key: OrderKey,
    decision: { status: 'CONFIRMED' } | { status: 'CANCELLED'; reason: string },
    finalizedAt: string,
    finalizedBy: string,
  ): Promise<OrderRecord | undefined> {
    await this.beforeOperation('finalize');
    const order = this.stored(key);
    // #status = :placed
    if (order === undefined || order.status !== 'PLACED') return undefined;
    order.status = decision.status;
    order.finalizedAt = finalizedAt;
    order.finalizedBy = finalizedBy;
    order.updatedAt = finalizedAt;
    if (decision.status === 'CANCELLED') order.reason = decision.reason;
    this.transitions.push({ orderId: order.orderId, status: decision.status });
    return clone(order);
  }

  private stored(key: OrderKey): OrderRecord | undefined {
    const order = this.orders.get(key.orderId);
    return order?.createdAt === key.createdAt ? order : undefined;
  }
}

export { placedOrder } from '../../fixtures/orders.js';
