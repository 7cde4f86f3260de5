import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { OrderEvent } from './events.js';

/** The port through which a service announces what happened. */
export interface EventPublisher {
  /** `signal` abandons the call (its promise rejects): a caller out of time stops waiting for it. */
  publish(event: OrderEvent, signal?: AbortSignal): Promise<void>;
}

/** Publishes to the order-events topic; `eventType` is the attribute the subscriptions filter on. */
export class SnsEventPublisher implements EventPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(event: OrderEvent, signal?: AbortSignal): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify(event),
        MessageAttributes: { eventType: { DataType: 'String', StringValue: event.type } },
      }),
      signal === undefined ? {} : { abortSignal: signal },
    );
  }
}
