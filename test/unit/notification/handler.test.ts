import 'aws-sdk-client-mock-jest';
import { MessageRejected, SendEmailCommand, SESv2Client, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { PublishCommand } from '@aws-sdk/client-sns';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { orderCancelled, orderPlaced } from '../../fixtures/events.js';
import { mockedClients } from '../../fixtures/clients.js';
import { lambdaContext, sqsEvent, sqsRecord } from '../../fixtures/sqs.js';

process.env.NOTIFICATIONS_TABLE = 'notifications';
process.env.SENDER_EMAIL = 'orders@example.com';
process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:order-events';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.FUNCTION_TIMEOUT_SECONDS = '10';

const { db, sns } = mockedClients();
const ses = mockClient(SESv2Client);
// Imported after the environment is set: the handler reads its config once, at load.
const { handler } = await import('../../../functions/notification/handler.js');

beforeEach(() => {
  ses.reset();
  db.on(PutCommand).resolves({});
  db.on(UpdateCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
});

describe('notification handler', () => {
  it('claims, emails from SENDER_EMAIL, marks sent and announces NotificationSent', async () => {
    const result = await handler(
      sqsEvent(sqsRecord(orderCancelled({ reason: 'payment declined: card_declined' }))),
      lambdaContext('notification'),
    );

    expect(result).toEqual({ batchItemFailures: [] });
    expect(db).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'notifications',
      Item: expect.objectContaining({ notificationId: 'o-1:ORDER_CANCELLED', status: 'PENDING' }),
    });
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      FromEmailAddress: 'orders@example.com',
      Content: {
        Simple: expect.objectContaining({
          Body: {
            Text: expect.objectContaining({ Data: expect.stringContaining('Reason: payment declined: card_declined') }),
          },
        }),
      },
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: { eventType: { DataType: 'String', StringValue: 'NotificationSent' } },
    });
  });

  it('acknowledges what SES refuses for good (FAILED, NotificationFailed), fails what it throttles and what does not parse, not their neighbours', async () => {
    ses
      .on(SendEmailCommand, { Destination: { ToAddresses: ['bounce@example.com'] } })
      .rejects(new MessageRejected({ message: 'Email address is not verified.', $metadata: { httpStatusCode: 400 } }))
      .on(SendEmailCommand, { Destination: { ToAddresses: ['busy@example.com'] } })
      .rejects(
        new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: { httpStatusCode: 429 } }),
      );
    const refused = sqsRecord(orderPlaced({ orderId: 'o-2', email: 'bounce@example.com' }));
    const throttled = sqsRecord(orderPlaced({ orderId: 'o-3', email: 'busy@example.com' }));
    const garbage = sqsRecord('not json');

    const result = await handler(
      sqsEvent(sqsRecord(orderPlaced({ orderId: 'o-1' })), refused, throttled, garbage),
      lambdaContext(),
    );

    expect(result).toEqual({
      batchItemFailures: [{ itemIdentifier: throttled.messageId }, { itemIdentifier: garbage.messageId }],
    });
    expect(db).toHaveReceivedCommandWith(UpdateCommand, {
      Key: expect.objectContaining({ notificationId: 'o-2:ORDER_RECEIVED' }),
      ExpressionAttributeValues: expect.objectContaining({ ':status': 'FAILED' }),
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: { eventType: { DataType: 'String', StringValue: 'NotificationFailed' } },
    });
  });
});
