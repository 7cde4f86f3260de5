import 'aws-sdk-client-mock-jest';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  backoffDelay,
  retryWriteConflicts,
  TRANSACTION_CONFLICT_RETRY,
  TransactionConflictError,
  transactWrite,
} from '../../../functions/shared/dynamo-transactions.js';
import { classifyFailure, RetryableError } from '../../../functions/shared/failures.js';
import { conditionFailed, transactionCancelled } from '../../fixtures/dynamo.js';
import { mockedDocumentClient } from '../../fixtures/clients.js';

const { db, client } = mockedDocumentClient();
const input = {
  TransactItems: [{ Put: { TableName: 't', Item: { id: 'a' } } }, { Put: { TableName: 't', Item: { id: 'b' } } }],
};

let delays: number[];
const options = { sleep: async (ms: number) => void delays.push(ms), random: () => 0.5 };

beforeEach(() => {
  delays = [];
});

describe('transactWrite', () => {
  it('sends the transaction once when it commits', async () => {
    db.on(TransactWriteCommand).resolves({});
    await transactWrite(client, input, options);
    expect(db).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    expect(db).toHaveReceivedCommandWith(TransactWriteCommand, input);
    expect(delays).toEqual([]);
  });

  it('retries a TransactionConflict cancellation in the process, with growing jittered delays, until it commits', async () => {
    db.on(TransactWriteCommand)
      .rejectsOnce(transactionCancelled('None', 'TransactionConflict'))
      .rejectsOnce(transactionCancelled('TransactionConflict', 'None'))
      .resolves({});
    await transactWrite(client, input, options);
    expect(db).toHaveReceivedCommandTimes(TransactWriteCommand, 3);
    expect(delays).toEqual([0.5 * 25, 0.5 * 50]);
  });

  it('gives up after the policy’s attempts with a RetryableError, so that SQS retries the record', async () => {
    expect.assertions(4);
    db.on(TransactWriteCommand).rejects(transactionCancelled('None', 'TransactionConflict'));
    const failure = transactWrite(client, input, options);
    await expect(failure).rejects.toBeInstanceOf(TransactionConflictError);
    await expect(failure).rejects.toBeInstanceOf(RetryableError);
    expect(db).toHaveReceivedCommandTimes(TransactWriteCommand, TRANSACTION_CONFLICT_RETRY.attempts);
    expect(delays).toHaveLength(TRANSACTION_CONFLICT_RETRY.attempts - 1);
  });

  it.each([
    ['a condition refused', transactionCancelled('ConditionalCheckFailed', 'None')],
    ['a single-item condition', conditionFailed()],
    ['a validation error', Object.assign(new Error('bad'), { name: 'ValidationException' })],
  ])('does not retry %s: it is thrown unchanged for the caller to read', async (_case, error) => {
    expect.assertions(2);
    db.on(TransactWriteCommand).rejects(error);
    await expect(transactWrite(client, input, options)).rejects.toBe(error);
    expect(db).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });
});

describe('backoffDelay (full jitter)', () => {
  it('draws from [0, min(max, base · 2^retry))', () => {
    expect(
      [0, 1, 2, 3, 4, 5, 10].map((retry) => backoffDelay(retry, TRANSACTION_CONFLICT_RETRY, () => 0.999999)),
    ).toEqual([25, 50, 100, 200, 400, 400, 400].map((cap) => expect.closeTo(cap, 2)));
    expect(backoffDelay(3, TRANSACTION_CONFLICT_RETRY, () => 0)).toBe(0);
  });
});

describe('retryWriteConflicts (the shared DynamoDB client middleware)', () => {
  const conflict = () =>
    Object.assign(new Error('Transaction is ongoing for the item'), {
      name: 'TransactionConflictException',
      $metadata: { httpStatusCode: 400 },
    });
  const noWait = { sleep: async () => undefined, random: () => 0.5 };

  it('retries a plain write refused by a transaction holding its item, then answers what the write answered', async () => {
    let calls = 0;
    const next = async (args: { input: string }) => {
      calls += 1;
      if (calls < 3) throw conflict();
      return { output: args.input };
    };
    await expect(retryWriteConflicts(noWait)(next)({ input: 'put' })).resolves.toEqual({ output: 'put' });
    expect(calls).toBe(3);
  });

  it('fails the record with a RetryableError after TRANSACTION_CONFLICT_RETRY.attempts conflicts (SQS retries it later)', async () => {
    expect.assertions(3);
    let calls = 0;
    const next = async () => {
      calls += 1;
      throw conflict();
    };
    const error: unknown = await retryWriteConflicts(noWait)(next)({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionConflictError);
    expect(classifyFailure(error)).toBe('transient');
    expect(calls).toBe(TRANSACTION_CONFLICT_RETRY.attempts);
  });

  it('passes any other error through at once (a failed condition is an answer, not contention)', async () => {
    expect.assertions(2);
    let calls = 0;
    const refused = Object.assign(new Error('refused'), { name: 'ConditionalCheckFailedException' });
    const next = async () => {
      calls += 1;
      throw refused;
    };
    await expect(retryWriteConflicts(noWait)(next)({})).rejects.toBe(refused);
    expect(calls).toBe(1);
  });
});
