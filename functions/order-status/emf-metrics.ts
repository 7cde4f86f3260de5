// The Metrics port as CloudWatch's embedded metric format (shared/emf.ts): the alarms watch these
// names in the stack's namespace with the service dimension order-status (infra/modules/alerts).
import { emitMetric } from '../shared/emf.js';
import type { Metrics } from './ports.js';

export class EmfMetrics implements Metrics {
  private readonly target: { namespace: string; service: string };

  /** `namespace`: the CloudWatch namespace the alarms watch; `service`: the value of the service dimension. */
  constructor(namespace: string, service: string) {
    this.target = { namespace, service };
  }

  paymentMismatch(): void {
    emitMetric(this.target, 'PaymentMismatches', 'Count', 1);
  }

  placedSeconds(seconds: number, orderId: string): void {
    emitMetric(this.target, 'OrderPlacedSeconds', 'Seconds', seconds, { orderId }); // on the line, not a dimension: which order, for whoever reads the log
  }
}
