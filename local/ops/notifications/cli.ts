// Re-send an order's FAILED notifications once their cause is fixed (resend.ts says how).
//
//   npx tsx local/ops/notifications/cli.ts resend --order ORDER_ID [--prefix staging-] [--endpoint URL]
//
// Tables and the queue are found by name (with the environment's prefix); region and credentials
// come from the SDK's default chain (the operator role on AWS), the endpoint from --endpoint or
// AWS_ENDPOINT_URL (make sets it to the emulator's).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from '../dlq/cli.js';
import { findState, outputs } from '../../state.js';
import { resendFailed } from './resend.js';

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      order: { type: 'string' },
      prefix: { type: 'string' },
      endpoint: { type: 'string' },
    },
  });
  if (positionals[0] !== 'resend' || values.order === undefined || values.order === '') {
    process.stderr.write(
      'usage: local/ops/notifications/cli.ts resend --order ORDER_ID [--prefix P] [--endpoint URL]\n',
    );
    return 2;
  }
  // The environment's name prefix: given, else the one of the stack whose Terraform state is here.
  const state = findState();
  const statePrefix = state === undefined ? undefined : (await outputs(state)).name_prefix;
  const prefix = values.prefix ?? (typeof statePrefix === 'string' ? statePrefix : '');
  const config = clientConfig(values.endpoint);
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(config));
  const sqs = new SQSClient(config);
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `${prefix}notification-queue` }));
    if (QueueUrl === undefined) throw new Error(`queue ${prefix}notification-queue not found`);
    const report = await resendFailed(
      {
        db,
        sqs,
        ordersTable: `${prefix}orders`,
        notificationsTable: `${prefix}notifications`,
        notificationQueueUrl: QueueUrl,
      },
      values.order,
    );
    for (const r of report.resent) process.stdout.write(`resent ${r.notificationId} (event ${r.eventId})\n`);
    for (const s of report.skipped) process.stdout.write(`left   ${s.notificationId}: ${s.reason}\n`);
    process.stdout.write(`resend: ${report.resent.length} resent, ${report.skipped.length} left\n`);
    return report.skipped.length > 0 ? 1 : 0;
  } finally {
    db.destroy();
    sqs.destroy();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`notifications: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
