// The hops an order takes on AWS in this design, with published figures (sources in bench/README.md,
// "Time on AWS, modelled"), and the paths POST → final status takes through them: the design as it
// is (OrderPlaced from the orders table's stream) and the alternative "publish OrderPlaced at commit,
// stream as backstop". bench/aws-latency.ts computes their p50 and p99.
import { hop, maybe, par, seq, type Hop, type Path } from './aws-latency.js';

/** Published per-hop figures (milliseconds). Each `source` is a key of bench/README.md's table of sources. */
export const HOPS = {
  apiGateway: {
    name: 'API Gateway REST API overhead (Cognito authorizer, Lambda proxy)',
    p50: 17,
    p99: 30,
    source: 'apigw-overhead',
  },
  dynamoItem: {
    name: 'DynamoDB single-item call (PutItem; also used for GetItem, Query, UpdateItem, BatchGetItem)',
    p50: 7.55,
    p99: 16.2,
    source: 'debrie-dynamodb',
  },
  dynamoTransaction: {
    name: 'DynamoDB TransactWriteItems (5 items; ours write 2 to 3)',
    p50: 25.3,
    p99: 92.5,
    source: 'debrie-dynamodb',
  },
  streamToLambda: {
    name: 'DynamoDB Streams → Lambda (event source mapping)',
    p50: 213,
    p99: 552,
    source: 'bitesized-messaging',
  },
  fanoutPessimistic: {
    name: 'publish → SNS → SQS → Lambda (measured with FIFO topic and queue)',
    p50: 40.1,
    p99: 497,
    source: 'bitesized-messaging',
  },
  fanoutOptimistic: {
    name: 'publish → SNS → SQS → Lambda (SQS standard → Lambda alone: SNS adds nothing)',
    p50: 16.2,
    p99: 105,
    source: 'bitesized-messaging',
  },
  coldStart: {
    name: 'Lambda cold start, Node.js 22, ~500 KB bundle with 3 SDK clients (init + first HTTPS connection)',
    p50: 375,
    p99: 520,
    source: 'cold-start',
  },
} as const satisfies Record<string, Hop>;

/** The share of invocations that start cold in production (AWS: "under 1 %"). */
export const COLD_START_SHARE = 0.01;

export interface PathOptions {
  /** Which published figure stands for publish → SNS → SQS → Lambda. */
  fanout: 'optimistic' | 'pessimistic';
  /** The probability that an invocation on the path starts cold (COLD_START_SHARE in production; 1 right after a deploy). */
  cold: number;
  /** Where OrderPlaced is published: from the orders table's stream (the design) or by order-api right after its commit. */
  orderPlaced: 'stream' | 'at-commit';
}

/**
 * POST /orders → the order's final status (CONFIRMED), the happy path:
 * API Gateway → order-api (BatchGetItem of the prices, TransactWriteItems of the order and its key)
 * → [stream → order-publisher] → OrderPlaced fanned out to inventory and billing side by side:
 *   inventory: TransactWriteItems (reserve), publishes InventoryReserved → order-status applies it;
 *   billing: PutItem (intent), UpdateItem (outcome), publishes PaymentCaptured → order-status applies it;
 * → order-status, on the later of the two: Query (the order), UpdateItem (apply), UpdateItem (finalize).
 * The simulated payment provider runs in-process (no call); the handlers' own CPU is left out (a few ms).
 */
export function orderPath(options: PathOptions): Path {
  const fanout = hop(options.fanout === 'optimistic' ? HOPS.fanoutOptimistic : HOPS.fanoutPessimistic);
  const cold = (fn: string): Path => maybe(hop(HOPS.coldStart), options.cold, `${fn} starts cold`);
  const item = hop(HOPS.dynamoItem);
  const transaction = hop(HOPS.dynamoTransaction);
  const orderStatus = seq(cold('order-status'), item, item); // Query the order, apply the result
  const inventory = seq(fanout, cold('inventory'), transaction, fanout, orderStatus);
  const billing = seq(fanout, cold('billing'), item, item, fanout, orderStatus);
  return seq(
    hop(HOPS.apiGateway),
    cold('order-api'),
    item,
    transaction,
    ...(options.orderPlaced === 'stream' ? [hop(HOPS.streamToLambda), cold('order-publisher')] : []),
    par(inventory, billing),
    item, // order-status finalizes
  );
}
