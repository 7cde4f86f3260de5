// The DynamoDB adapter of OrderProjectionStore. The conditions here are the guards of the
// projection: each event applied once, each service only forward, the status only from PLACED.
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { updatedUnlessRefused } from '../shared/dynamo-conditions.js';
import { findOrder, OrderRecordSchema, PLACED_INDEX_KEY, type OrderRecord } from '../shared/order-record.js';
import type { ApplyEvent, OrderKey, OrderProjectionStore } from './ports.js';

export class DynamoOrderProjectionStore implements OrderProjectionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  find(orderId: string): Promise<OrderRecord | undefined> {
    return findOrder(this.db, this.table, orderId);
  }

  async applyEvent(key: OrderKey, change: ApplyEvent): Promise<OrderRecord | undefined> {
    const names: Record<string, string> = { '#history': 'history', '#applied': 'appliedEventIds' };
    const values: Record<string, unknown> = {
      ':eventId': change.eventId,
      ':eventIds': new Set([change.eventId]),
      ':entry': [change.entry],
      ':updatedAt': change.updatedAt,
    };
    const set = ['#history = list_append(#history, :entry)', 'updatedAt = :updatedAt'];
    let condition = 'attribute_exists(orderId) AND NOT contains(#applied, :eventId)';
    if (change.service !== undefined) {
      names['#services'] = 'services';
      names['#service'] = change.service.change.service;
      values[':state'] = change.service.change.state;
      const from = change.service.replaces.map((state, index) => {
        values[`:from${index}`] = state;
        return `:from${index}`;
      });
      set.push('#services.#service = :state');
      condition += ` AND #services.#service IN (${from.join(', ')})`;
    }
    if (change.notificationFailure !== undefined) {
      values[':failure'] = change.notificationFailure;
      set.push('notificationFailure = :failure');
    }
    return this.update({
      TableName: this.table,
      Key: { orderId: key.orderId, createdAt: key.createdAt },
      UpdateExpression: `SET ${set.join(', ')} ADD #applied :eventIds`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    });
  }

  async finalize(
    key: OrderKey,
    decision: { status: 'CONFIRMED' } | { status: 'CANCELLED'; reason: string },
    finalizedAt: string,
    finalizedBy: string,
  ): Promise<OrderRecord | undefined> {
    const cancelled = decision.status === 'CANCELLED';
    return this.update({
      TableName: this.table,
      Key: { orderId: key.orderId, createdAt: key.createdAt },
      // The order leaves the sweeper's sparse index of PLACED orders in the same write.
      UpdateExpression: `SET #status = :status, finalizedAt = :finalizedAt, finalizedBy = :finalizedBy, updatedAt = :finalizedAt${cancelled ? ', #reason = :reason' : ''} REMOVE ${PLACED_INDEX_KEY}`,
      ConditionExpression: '#status = :placed',
      ExpressionAttributeNames: { '#status': 'status', ...(cancelled ? { '#reason': 'reason' } : {}) },
      ExpressionAttributeValues: {
        ':status': decision.status,
        ':placed': 'PLACED',
        ':finalizedAt': finalizedAt,
        ':finalizedBy': finalizedBy,
        ...(cancelled ? { ':reason': decision.reason } : {}),
      },
      ReturnValues: 'ALL_NEW',
    });
  }

  private async update(input: ConstructorParameters<typeof UpdateCommand>[0]): Promise<OrderRecord | undefined> {
    const written = await updatedUnlessRefused(this.db.send(new UpdateCommand(input)));
    return written === undefined ? undefined : v.parse(OrderRecordSchema, written);
  }
}
