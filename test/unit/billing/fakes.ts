// An in-memory BillingStore that honours the same conditions as DynamoBillingStore, checking and
// writing in one synchronous step after an await, as separate DynamoDB requests interleave.
import type { BillingRecord, BillingRecordOf, BillingStore, Compensation } from '../../../functions/billing/ports.js';

/** Order o-1's record while its charge is in flight: written, not yet decided. */
export const pendingCharge = (): BillingRecordOf<'PENDING'> => ({
  billingId: 'o-1',
  orderId: 'o-1',
  status: 'PENDING',
  amount: 2400,
  currency: 'JPY',
  createdAt: '2026-11-25T09:00:00.000Z',
});

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export class InMemoryBillingStore implements BillingStore {
  readonly records = new Map<string, BillingRecord>();

  async createIfAbsent(record: BillingRecordOf<'PENDING' | 'VOIDED'>): Promise<boolean> {
    await tick();
    if (this.records.has(record.billingId)) return false;
    this.records.set(record.billingId, structuredClone(record));
    return true;
  }

  async decide(record: BillingRecordOf<'CAPTURED' | 'DECLINED'>): Promise<BillingRecord | undefined> {
    await tick();
    const current = this.records.get(record.billingId);
    if (current?.status !== 'PENDING') return undefined;
    // An update, as in DynamoDB: a compensation recorded on the PENDING record stays on it.
    const written = {
      ...record,
      ...(current.compensation === undefined ? {} : { compensation: current.compensation }),
    };
    this.records.set(record.billingId, structuredClone(written));
    return structuredClone(written);
  }

  async requestCompensation(orderId: string, compensation: Compensation): Promise<boolean> {
    await tick();
    const current = this.records.get(orderId);
    if (current?.status !== 'PENDING') return false;
    this.records.set(orderId, { ...current, compensation: { ...compensation } });
    return true;
  }

  async markRefunded(record: BillingRecordOf<'REFUNDED'>): Promise<boolean> {
    return this.transition('CAPTURED', record);
  }

  async get(orderId: string): Promise<BillingRecord | undefined> {
    await tick();
    const found = this.records.get(orderId);
    return found && structuredClone(found);
  }

  private async transition(from: BillingRecord['status'], record: BillingRecord): Promise<boolean> {
    await tick();
    if (this.records.get(record.billingId)?.status !== from) return false;
    this.records.set(record.billingId, structuredClone(record));
    return true;
  }
}
