// One metric as CloudWatch's embedded metric format (EMF): one JSON line on stdout, which CloudWatch
// Logs turns into the metric, in the shape Powertools Metrics' singleMetric() wrote (the service as
// the one dimension, metadata as plain keys beside it). Our own, not Powertools Metrics: the
// functions' few metrics need these lines, and it cost order-status 15 KB of bundle and ~9 ms of CPU
// at import. Each function's Metrics adapter names its metrics through it.

export type MetricUnit = 'Count' | 'Seconds';

export function emitMetric(
  target: { namespace: string; service: string },
  name: string,
  unit: MetricUnit,
  value: number,
  metadata: Record<string, string> = {},
): void {
  const line = {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        { Namespace: target.namespace, Dimensions: [['service']], Metrics: [{ Name: name, Unit: unit }] },
      ],
    },
    ...metadata,
    service: target.service,
    [name]: value,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
