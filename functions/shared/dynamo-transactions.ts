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
export const backoffDelay = (retry: number, policy: RetryPolicy, random: () => number): number =>
  random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);

export interface TransactOptions {
  policy?: RetryPolicy;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, retrying the conflicts `isConflict` recognises with full-jitter
 * backoff within the policy's budget, then failing the record with a TransactionConflictError;
 * any other error is thrown as it came. `conflicted` says what happened, in its log line and error.
 */
async function retryConflicts<T>(
  attempt: () => Promise<T>,
  isConflict: (error: unknown) => boolean,
  conflicted: string,
  { policy = TRANSACTION_CONFLICT_RETRY, random = Math.random, sleep = sleepFor }: TransactOptions,
): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!isConflict(error)) throw error;
      if (tries >= policy.attempts)
        throw new TransactionConflictError(
          `the ${conflicted} ${tries} times; failing the record so that SQS retries it`,
          { cause: error },
        );
      const delay = backoffDelay(tries - 1, policy, random);
      logger.debug(`${conflicted}; retrying`, { attempt: tries, delayMs: Math.round(delay) });
      await sleep(delay);
    }
  }
}

/** Sends TransactWriteItems, retrying TransactionConflict cancellations; any other error is thrown as it came. */
export async function transactWrite(
  db: DynamoDBDocumentClient,
  input: TransactWriteCommandInput,
  options: TransactOptions = {},
): Promise<void> {
  await retryConflicts(
    () => db.send(new TransactWriteCommand(input)),
    isTransactionConflict,
    'transaction conflicted',
    options,
  );
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
  return <Input, Output>(next: (args: Input) => Promise<Output>) =>
    (args: Input): Promise<Output> =>
      retryConflicts(() => next(args), isWriteConflict, 'write conflicted with a transaction', options);
}
