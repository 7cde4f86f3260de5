// The DLQ tool's map: the DLQ, the queues that redrive to it, and which of them a message came from.
//
// Everything is discovered from the emulator (or AWS): the DLQ by name, its source queues from
// ListDeadLetterSourceQueues (the queues whose RedrivePolicy targets it), and which event types each
// source queue receives from its SNS subscription's filter policy.
//
// Which queue a message came from: SQS records it in the DeadLetterQueueSourceArn system attribute
// when it moves a message; moto (5.2.1) does not. Without it the tool infers the source from the
// eventType message attribute and the filter policies: exact when one queue receives that type,
// "one of …" when several do (an OrderPlaced that failed everywhere sits in the DLQ once per queue,
// and the copies are indistinguishable).
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  paginateListDeadLetterSourceQueues,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { GetSubscriptionAttributesCommand, paginateListSubscriptions, type SNSClient } from '@aws-sdk/client-sns';

export const DLQ_NAME = 'order-processing-dlq';

interface SourceQueue {
  name: string;
  url: string;
  arn: string;
  /** Event types its subscription delivers; undefined when unknown (no subscription found, or a policy this tool cannot read). */
  eventTypes?: ReadonlySet<string>;
  /** The topic its subscription is on, and that subscription's filter policy as SNS holds it (the console shows both). */
  topicArn?: string;
  filterPolicy?: string;
}

export interface Topology {
  dlqUrl: string;
  dlqArn: string;
  sources: SourceQueue[];
}

export type SourceResolution =
  /** SQS recorded it (DeadLetterQueueSourceArn). */
  | { kind: 'recorded'; queues: [SourceQueue] }
  /** Only one source queue receives this eventType. */
  | { kind: 'inferred'; queues: [SourceQueue] }
  /** Several source queues receive it: one of these. */
  | { kind: 'ambiguous'; queues: SourceQueue[] }
  | { kind: 'unknown'; queues: []; note: string }
  /** Lambda's on-failure record of a stream mapping: it names stream records, not a queue's message. */
  | { kind: 'stream'; queues: []; streamArn: string };

export const queueName = (urlOrArn: string): string => urlOrArn.split(/[/:]/).pop() ?? urlOrArn;

/** The event types a filter policy admits on the eventType attribute, or undefined if it says something else. */
export function eventTypesOf(
  filterPolicy: string | undefined,
  scope: string | undefined,
): ReadonlySet<string> | undefined {
  if (filterPolicy === undefined || filterPolicy.trim() === '') return undefined;
  if (scope !== undefined && scope !== 'MessageAttributes') return undefined;
  let policy: unknown;
  try {
    policy = JSON.parse(filterPolicy);
  } catch {
    return undefined;
  }
  const values =
    typeof policy === 'object' && policy !== null ? (policy as Record<string, unknown>).eventType : undefined;
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) return undefined;
  return new Set(values as string[]);
}

/** Finds the DLQ, the queues that redrive to it, and what each of them receives. */
export async function discover(sqs: SQSClient, sns: SNSClient, dlqName = DLQ_NAME): Promise<Topology> {
  const { QueueUrl: dlqUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: dlqName }));
  if (dlqUrl === undefined) throw new Error(`queue ${dlqName} not found`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
  );
  const dlqArn = Attributes?.QueueArn;
  if (dlqArn === undefined) throw new Error(`queue ${dlqName} has no QueueArn`);

  const sourceUrls: string[] = [];
  for await (const page of paginateListDeadLetterSourceQueues({ client: sqs }, { QueueUrl: dlqUrl }))
    sourceUrls.push(...(page.queueUrls ?? []));

  const sources: SourceQueue[] = await Promise.all(
    sourceUrls.map(async (url) => {
      const { Attributes: attrs } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
      );
      return { name: queueName(url), url, arn: attrs?.QueueArn ?? '' };
    }),
  );

  // Subscriptions whose endpoint is a source queue: their filter policies say who receives what.
  // A queue with several subscriptions receives the union; one unreadable policy (or none) makes it "any".
  const received = new Map<string, Set<string> | 'any'>();
  const subscriptions = new Map<string, { topicArn: string | undefined; filterPolicy: string | undefined }>();
  for await (const page of paginateListSubscriptions({ client: sns }, {})) {
    for (const sub of page.Subscriptions ?? []) {
      if (sub.Protocol !== 'sqs' || sub.Endpoint === undefined || sub.SubscriptionArn === undefined) continue;
      if (!sources.some((s) => s.arn === sub.Endpoint)) continue;
      const { Attributes: attrs } = await sns.send(
        new GetSubscriptionAttributesCommand({ SubscriptionArn: sub.SubscriptionArn }),
      );
      const types = eventTypesOf(attrs?.FilterPolicy, attrs?.FilterPolicyScope);
      subscriptions.set(sub.Endpoint, { topicArn: sub.TopicArn, filterPolicy: attrs?.FilterPolicy });
      const sofar = received.get(sub.Endpoint) ?? new Set<string>();
      received.set(sub.Endpoint, types === undefined || sofar === 'any' ? 'any' : new Set([...sofar, ...types]));
    }
  }
  for (const source of sources) {
    const types = received.get(source.arn);
    if (types !== undefined && types !== 'any') source.eventTypes = types;
    const subscription = subscriptions.get(source.arn);
    if (subscription?.topicArn !== undefined) source.topicArn = subscription.topicArn;
    if (subscription?.filterPolicy !== undefined) source.filterPolicy = subscription.filterPolicy;
  }

  return { dlqUrl, dlqArn, sources: sources.sort((a, b) => a.name.localeCompare(b.name)) };
}

/** Which queue a DLQ message came from (see the header comment). */
export function resolveSource(message: Message, topology: Topology): SourceResolution {
  const recorded = message.Attributes?.DeadLetterQueueSourceArn;
  if (recorded !== undefined) {
    const queue = topology.sources.find((s) => s.arn === recorded);
    return queue === undefined
      ? { kind: 'unknown', queues: [], note: `recorded source ${queueName(recorded)} no longer redrives to this DLQ` }
      : { kind: 'recorded', queues: [queue] };
  }
  const eventType = message.MessageAttributes?.eventType?.StringValue;
  if (eventType === undefined)
    return { kind: 'unknown', queues: [], note: 'no DeadLetterQueueSourceArn and no eventType attribute' };
  const candidates = topology.sources.filter((s) => s.eventTypes === undefined || s.eventTypes.has(eventType));
  const [only] = candidates;
  if (only === undefined) return { kind: 'unknown', queues: [], note: `no source queue subscribes to ${eventType}` };
  return candidates.length === 1 ? { kind: 'inferred', queues: [only] } : { kind: 'ambiguous', queues: candidates };
}
