// Running a DynamoDB transaction the way DynamoDB expects: a transaction that touches an item
// another transaction holds is cancelled with a `TransactionConflict` reason (a hot product under
// many orders, say), and the SDK does not retry it. Contention is normal, so it is retried here,
// in the process, with full-jitter exponential backoff, a bounded number of times; then the record
// is failed with a RetryableError so that SQS retries it later. A conflicted transaction wrote
// nothing, so trying it again can never repeat an effect.
//
// Only conflicts are retried. A cancellation whose reasons are all conditions (ConditionalCheckFailed)
// is a business answer (already decided, out of stock): it is thrown unchanged for the caller to read
// with cancellationCodes.
import {
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { cancellationCodes } from './dynamo-conditions.js';
import { RetryableError } from './failures.js';
import { logger } from './logger.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** 6 attempts: at 30 % of transactions conflicting, 0.3^6 ≈ 0.07 % of records reach SQS's retry. At most ≈ 0.8 s of waiting. */
export const TRANSACTION_CONFLICT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 25, maxDelayMs: 400 };

/** The transaction kept conflicting: the record is failed, and SQS retries it after its visibility timeout. */
export class TransactionConflictError extends RetryableError {
  override readonly name = 'TransactionConflictError';
}

/** True when DynamoDB cancelled a transaction because another transaction held one of its items. */
export const isTransactionConflict = (error: unknown): boolean =>
  cancellationCodes(error)?.includes('TransactionConflict') === true;

/**
 * "Full jitter" (AWS Architecture Blog, Exponential Backoff And Jitter): a delay drawn uniformly
 * from [0, min(max, base · 2^retry)), so contenders that collided once spread out instead of colliding again.
 */
export const backoffDelay = (retry: number, policy: RetryPolicy, random: () => number = Math.random): number =>
  random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);

export interface TransactOptions {
  policy?: RetryPolicy;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends TransactWriteItems, retrying TransactionConflict cancellations; any other error is thrown as it came. */
export async function transactWrite(
  db: DynamoDBDocumentClient,
  input: TransactWriteCommandInput,
  options: TransactOptions = {},
): Promise<void> {
  const { policy = TRANSACTION_CONFLICT_RETRY, random = Math.random, sleep = sleepFor } = options;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await db.send(new TransactWriteCommand(input));
      return;
    } catch (error) {
      if (!isTransactionConflict(error)) throw error;
      if (attempt >= policy.attempts) {
        throw new TransactionConflictError(
          `the transaction conflicted ${attempt} times; failing the record so that SQS retries it`,
          { cause: error },
        );
      }
      const delay = backoffDelay(attempt - 1, policy, random);
      logger.debug('transaction conflicted; retrying', { attempt, delayMs: Math.round(delay) });
      await sleep(delay);
    }
  }
}

/** True when DynamoDB refused a plain write (PutItem, UpdateItem, DeleteItem) because a transaction holds its item. */
const isWriteConflict = (error: unknown): boolean =>
  error instanceof Error && error.name === 'TransactionConflictException';

/**
 * The same contention on a plain write: DynamoDB refuses a PutItem, UpdateItem or DeleteItem on an
 * item an ongoing transaction holds with TransactionConflictException, which the SDK does not retry.
 * A middleware of the shared DynamoDB client (shared/clients.ts) retries it as transactWrite
 * retries a conflicted transaction (the write did nothing), then fails the record with a
 * RetryableError so that SQS retries it later.
 */
export function retryWriteConflicts(options: TransactOptions = {}) {
  const { policy = TRANSACTION_CONFLICT_RETRY, random = Math.random, sleep = sleepFor } = options;
  return <Input, Output>(next: (args: Input) => Promise<Output>) =>
    async (args: Input): Promise<Output> => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await next(args);
        } catch (error) {
          if (!isWriteConflict(error)) throw error;
          if (attempt >= policy.attempts)
            throw new TransactionConflictError(
              `the write conflicted with a transaction ${attempt} times; failing the record so that SQS retries it`,
              { cause: error },
            );
          const delay = backoffDelay(attempt - 1, policy, random);
          logger.debug('write conflicted with a transaction; retrying', { attempt, delayMs: Math.round(delay) });
          await sleep(delay);
        }
      }
    };
}
