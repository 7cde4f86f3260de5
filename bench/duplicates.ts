// What one duplicate OrderPlaced costs: the price of "publish OrderPlaced at commit, stream as backstop",
// where every order is announced twice (order-api right after its commit, order-publisher from the
// stream) and the consumers ignore the second. The bench measures it on the local stack
// (bench/run.ts, after the levels): it publishes again OrderPlaced events order-publisher published,
// byte for byte, through the fault proxy as order-publisher, waits for the queues to drain, and
// counts what each consumer did per duplicate (invocations, records, billed milliseconds, AWS calls
// by API). This module prices that per million orders with bench/cost.ts.
import type { CallMix } from './ceiling.js';
import { MEMORY_MB } from './cost-inputs.js';
import type { CostMix, DynamoCall } from './cost.js';

/** What one duplicate OrderPlaced made the consumers do, measured (per duplicate). */
export interface DuplicateProbe {
  duplicates: number;
  /** The OrderPlaced publish request's payload bytes (its body as recorded). */
  publishBytes: number;
  /** AWS calls by function and API (the fault proxy's count). */
  calls: CallMix;
  invocations: Record<string, number>;
  /** Messages delivered to each consumer (records in its batches): SNS → SQS deliveries. */
  records: Record<string, number>;
  billedMs: Record<string, number>;
  logBytes: Record<string, number>;
}

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'TransactGetItems']);

/**
 * The extra a duplicate OrderPlaced adds per order, as a cost mix: one more publish, its deliveries,
 * the consumers' receives and deletes (one of each per batch), their invocations and billed time, and
 * their DynamoDB calls. Assumed: every DynamoDB call a duplicate makes touches one item of ≤ 1 KB (a
 * refused conditional write is billed as a write: DynamoDB charges the units a refused condition
 * consumed), strongly consistent, transactions at the transactional rate; the table is named by the
 * function that called it.
 */
export function duplicateCostMix(probe: DuplicateProbe): CostMix {
  const lambda: CostMix['lambda'] = {};
  for (const [fn, invocations] of Object.entries(probe.invocations))
    lambda[fn] = { invocations, billedMs: probe.billedMs[fn] ?? 0, memoryMB: MEMORY_MB };
  const batches = Object.values(probe.invocations).reduce((s, n) => s + n, 0);
  const dynamodb: DynamoCall[] = [];
  for (const [fn, counts] of Object.entries(probe.calls))
    for (const [api, calls] of Object.entries(counts)) {
      const [service, action = ''] = api.split('.');
      if (service !== 'DynamoDB') continue;
      dynamodb.push({
        table: `${fn}'s table`,
        what: `${fn} ${action} on a duplicate`,
        calls,
        kind: READS.has(action) ? 'read' : 'write',
        items: 1,
        itemBytes: 1024,
        consistency: action.startsWith('Transact') ? 'transactional' : 'strong',
      });
    }
  const emails = Object.values(probe.calls).reduce(
    (s, c) => s + (c['SESv2.SendEmail'] ?? 0) + (c['SES.SendEmail'] ?? 0),
    0,
  );
  return {
    lambda,
    apiRequests: 0,
    snsPublishes: [{ what: 'OrderPlaced, the second time', count: 1, payloadBytes: probe.publishBytes }],
    snsSqsDeliveries: Object.values(probe.records).reduce((s, n) => s + n, 0),
    sqsRequests: [
      { what: 'ReceiveMessage', count: batches, payloadBytes: probe.publishBytes },
      { what: 'DeleteMessageBatch', count: batches, payloadBytes: 200 },
    ],
    dynamodb,
    streamReads: { lambda: 0, other: 0 },
    emails,
    logBytes: Object.values(probe.logBytes).reduce((s, n) => s + n, 0),
  };
}
