// emulation/moto/fixes/dynamodbstreams/, proven on a bare emulator (no Terraform):
// - no_mapping_delivery: a table's stream keeps its records while a stream event source mapping
//   exists. Plain moto invokes the mapping's function on every write (disabled or not), fails
//   without Docker, takes the error for success and empties the shard;
// - wait_for_record: a reader can wait for a stream's next record (POST /_aws/dynamodbstreams/wait,
//   no AWS API; plain moto has none).
import { expect, it } from '@jest/globals';
import { GetRecordsCommand } from '@aws-sdk/client-dynamodb-streams';
import { CreateEventSourceMappingCommand, DeleteEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { bareEmulator, idleFunction } from '../../support/emulator.js';
import { keys, streamTable } from '../../support/tables.js';

const emulator = bareEmulator();

it('a stream with an event source mapping keeps its records for GetRecords, and its iterators advance', async () => {
  const { table, streamArn, db, streams, firstIterator, drop } = await streamTable(
    emulator.config(),
    'check-stream',
    'NEW_AND_OLD_IMAGES',
  );
  const lambda = new LambdaClient(emulator.config());
  // A function nothing runs: no runtime polls this emulator.
  const functionArn = await idleFunction(emulator.config(), 'check-stream');
  const mapping = await lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: functionArn,
      EventSourceArn: streamArn,
      StartingPosition: 'TRIM_HORIZON',
      Enabled: false,
    }),
  );
  try {
    await db.send(new PutCommand({ TableName: table, Item: { orderId: 'o-1' } }));
    await db.send(
      new TransactWriteCommand({ TransactItems: [{ Put: { TableName: table, Item: { orderId: 'o-2' } } }] }),
    );
    const first = await streams.send(new GetRecordsCommand({ ShardIterator: await firstIterator() }));
    await db.send(new PutCommand({ TableName: table, Item: { orderId: 'o-3' } }));
    const next = await streams.send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator }));

    expect(keys(first.Records)).toEqual(['INSERT o-1', 'INSERT o-2']); // plain moto: [] (the shard was emptied)
    expect(keys(next.Records)).toEqual(['INSERT o-3']);
    const sequence = [...(first.Records ?? []), ...(next.Records ?? [])].map((record) =>
      BigInt(record.dynamodb?.SequenceNumber ?? '0'),
    );
    expect(new Set(sequence).size).toBe(3); // plain moto repeats sequence numbers after emptying the shard
  } finally {
    await lambda.send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID }));
    lambda.destroy();
    await drop();
  }
});

it("a stream reader's wait (POST /_aws/dynamodbstreams/wait) answers when a record is written, at once when one follows the given record, and false at its timeout", async () => {
  const { table, streamArn, db, streams, firstIterator, drop } = await streamTable(
    emulator.config(),
    'check-wait',
    'NEW_IMAGE',
  );
  const wait = async (request: Record<string, unknown>) => {
    const began = Date.now();
    const response = await fetch(`${emulator.url}/_aws/dynamodbstreams/wait`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ StreamArn: streamArn, ...request }),
    });
    return { status: response.status, body: (await response.json()) as unknown, ms: Date.now() - began };
  };
  try {
    const pending = wait({ TimeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await db.send(new PutCommand({ TableName: table, Item: { orderId: 'o-1' } }));
    const woken = await pending;
    expect(woken.body).toEqual({ appended: true });
    expect(woken.ms).toBeLessThan(5_000);

    const { Records = [] } = await streams.send(new GetRecordsCommand({ ShardIterator: await firstIterator() }));
    const read = Records[0]?.dynamodb?.SequenceNumber ?? '0';
    const quiet = await wait({ AfterSequenceNumber: read, TimeoutMs: 400 });
    expect(quiet.body).toEqual({ appended: false });
    expect(quiet.ms).toBeGreaterThanOrEqual(350);
    const behind = await wait({ AfterSequenceNumber: String(BigInt(read) - 1n), TimeoutMs: 10_000 });
    expect(behind.body).toEqual({ appended: true });
    expect(behind.ms).toBeLessThan(5_000);

    const unknown = await wait({ StreamArn: streamArn?.replace(table, 'no-such-table'), TimeoutMs: 100 });
    expect(unknown.status).toBe(400);
  } finally {
    await drop();
  }
});
