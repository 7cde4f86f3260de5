// The one shape every SQS consumer shares: parse each record into an event, hand it to the
// service's handler for its type (`dispatch`: a map from event type to a top-level handler, each
// called with the event and the service's dependencies), and report
// per-record failures so that one bad record never fails its neighbours. A record that throws (a transient fault, or a message that fails its
// schema) is retried by SQS and ends in the DLQ after maxReceiveCount.
//
// Each record is processed inside its own log scope: every line logged for it, by this module or
// the domain, carries its orderId, eventId, eventType and messageId. A failed record logs why here,
// once; middy's own per-failure logging is off (by default it prints the whole record, body included,
// and bodies carry email addresses).
import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { readJson, toOrderEvent, type EventOf, type EventType, type OrderEvent } from './events.js';
import { classifyFailure } from './failures.js';
import { logger, withLogKeys, type LogAttributes } from './logger.js';

export type EventProcessor = (event: OrderEvent) => Promise<void>;

/**
 * A service's dispatch map: its top-level handlers, by the event type each one handles, each taking
 * the event and the service's dependencies. Its keys are the event types the service's queue
 * receives: the routing contract (infra/modules/order-fanout/routing.json), which
 * test/unit/routing.test.ts holds every dispatch map to.
 */
export type EventHandlers<Deps> = { [T in EventType]?: (event: EventOf<T>, deps: Deps) => Promise<void> };

/**
 * The processor that hands each event, with `deps`, to the handler of its type. An event the
 * service has no handler for is acknowledged with a warning: the subscription's filter policy
 * should not deliver it, and retrying it could never help.
 */
export function dispatch<Deps>(service: string, handlers: EventHandlers<Deps>, deps: Deps): EventProcessor {
  return async (event) => {
    // The map pairs each type with the handler of that type's event; TypeScript cannot follow the pairing through a lookup.
    const handle = handlers[event.type] as ((event: OrderEvent, deps: Deps) => Promise<void>) | undefined;
    if (handle === undefined) {
      logger.warn(`ignoring an event ${service} does not handle`, { orderId: event.orderId, eventType: event.type });
      return;
    }
    await handle(event, deps);
  };
}

/**
 * The keys of a record's log lines, read loosely from its parsed body so that a record failing its
 * schema is still traceable to its order. Only these identifiers: never the body.
 */
function recordLogKeys(record: SQSRecord, body: unknown): LogAttributes {
  const keys: LogAttributes = { messageId: record.messageId };
  const eventType = record.messageAttributes?.eventType?.stringValue;
  if (eventType !== undefined) keys.eventType = eventType;
  if (typeof body === 'object' && body !== null) {
    const { orderId, id } = body as { orderId?: unknown; id?: unknown };
    if (typeof orderId === 'string') keys.orderId = orderId;
    if (typeof id === 'string') keys.eventId = id;
  }
  const receives = Number(record.attributes?.ApproximateReceiveCount);
  if (Number.isFinite(receives)) keys.receiveCount = receives;
  return keys;
}

async function processRecord(process: EventProcessor, record: SQSRecord): Promise<void> {
  const body = readJson(record.body); // once: for the log keys and for the schema check
  return withLogKeys(recordLogKeys(record, body), async () => {
    try {
      await process(toOrderEvent(body));
    } catch (error) {
      // transient: expected to pass on a redelivery; a fault (or a refusal no adapter turned into an outcome) needs a fix, then a redrive.
      const failure = classifyFailure(error);
      logger[failure === 'transient' ? 'warn' : 'error'](
        'record failed; SQS will redeliver it (or move it to the DLQ after maxReceiveCount)',
        { error, failure },
      );
      throw error;
    }
  });
}

function processRecords(process: EventProcessor) {
  // allSettled in record order: sqs-partial-batch-failure pairs each result with its record.
  // processRecord is async so that a parse error rejects that record's promise instead of
  // throwing out of map(), which would fail (and redeliver) the whole batch.
  return async (event: SQSEvent): Promise<PromiseSettledResult<void>[]> =>
    Promise.allSettled(event.Records.map((record) => processRecord(process, record)));
}

export function sqsConsumer(process: EventProcessor) {
  // The failure was logged in processRecord, inside the record's scope: middy logs nothing more.
  return middy<SQSEvent>()
    .use(sqsPartialBatchFailure({ logger: () => undefined }))
    .handler(processRecords(process));
}
