// The Metrics port as CloudWatch's embedded metric format (shared/emf.ts): the stuck-orders alarm
// watches OldestPlacedOrderSeconds in the stack's namespace with the service dimension order-sweeper.
import { emitMetric } from '../shared/emf.js';
import type { Metrics } from './ports.js';

export class EmfMetrics implements Metrics {
  private readonly target: { namespace: string; service: string };

  constructor(namespace: string, service: string) {
    this.target = { namespace, service };
  }

  oldestPlacedSeconds(seconds: number): void {
    emitMetric(this.target, 'OldestPlacedOrderSeconds', 'Seconds', seconds);
  }
}
