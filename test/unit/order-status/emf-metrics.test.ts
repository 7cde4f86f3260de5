import { expect, it, jest } from '@jest/globals';
import { EmfMetrics } from '../../../functions/order-status/emf-metrics.js';

/** The lines written to stdout while `work` runs, parsed. */
function lines(work: () => void): Record<string, unknown>[] {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    work();
  } finally {
    spy.mockRestore();
  }
  return written.flatMap((chunk) => chunk.split('\n').filter((l) => l !== '')).map((l) => JSON.parse(l));
}

it('writes each metric as one EMF line: namespace, the service dimension, the unit, the value, metadata beside it', () => {
  const metrics = new EmfMetrics('order-fanout', 'order-status');
  const [mismatch, placed] = lines(() => {
    metrics.paymentMismatch();
    metrics.placedSeconds(12.5, 'o-1');
  });
  const emf = (name: string, unit: string) => ({
    Timestamp: expect.any(Number),
    CloudWatchMetrics: [
      { Namespace: 'order-fanout', Dimensions: [['service']], Metrics: [{ Name: name, Unit: unit }] },
    ],
  });
  expect(mismatch).toEqual({ _aws: emf('PaymentMismatches', 'Count'), service: 'order-status', PaymentMismatches: 1 });
  expect(placed).toEqual({
    _aws: emf('OrderPlacedSeconds', 'Seconds'),
    orderId: 'o-1',
    service: 'order-status',
    OrderPlacedSeconds: 12.5,
  });
});

it('order-status does not start without the namespace the alarms watch', async () => {
  expect.assertions(1);
  const saved = { ...process.env };
  Object.assign(process.env, {
    ORDERS_TABLE: 'orders',
    TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:t',
    AWS_REGION: 'us-east-1',
  });
  delete process.env.POWERTOOLS_METRICS_NAMESPACE;
  try {
    await expect(import('../../../functions/order-status/handler.js')).rejects.toThrow('POWERTOOLS_METRICS_NAMESPACE');
  } finally {
    process.env = saved;
  }
});
