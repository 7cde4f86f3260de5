// What an e2e test knows about the stack global-setup started, and the helpers every test uses.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { StackOutputs } from '../../../local/stack/stack.js';

export interface E2EStack {
  endpoint: string;
  apiUrl: string;
  /** The runtime's live console (see console.test.ts). */
  consoleUrl: string;
  /** The fault proxy between the functions and the emulator (see support/faults.ts). */
  faultProxyUrl: string;
  /** The runtime's long-poll wait per ReceiveMessage (see pollsRestarted). */
  runtimeWaitSeconds: number;
  /** The Terraform variables the stack was applied with beyond make up's. */
  vars: Record<string, string>;
  stateDir: string;
  outputs: StackOutputs;
}

export function stack(): E2EStack {
  const raw = process.env.E2E_STACK;
  if (raw === undefined)
    throw new Error('E2E_STACK is not set: run the e2e project through jest (global-setup starts the stack)');
  return JSON.parse(raw) as E2EStack;
}

/**
 * A resource's deployed name from the one the design gives it: every name carries the stack's prefix
 * (outputs.name_prefix, "local-"), as in every real environment ("inventory" → "local-inventory").
 */
export const named = (bare: string): string => `${stack().outputs.name_prefix}${bare}`;

/** A queue's name from its URL (the outputs key queues by their bare names, their URLs hold the real ones). */
export const queueNameOf = (url: string): string => url.split('/').pop() ?? url;

export function clients(endpoint = stack().endpoint) {
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  return {
    db: DynamoDBDocumentClient.from(new DynamoDBClient(config)),
    sns: new SNSClient(config),
    sqs: new SQSClient(config),
  };
}

export { eventually } from '../../../local/stack/eventually.js';

/**
 * Resolves once every long poll the runtime had waiting when it was called has ended, and its
 * pollers have started new ones. moto fixes a received message's visibility timeout when the
 * ReceiveMessage call starts: after a test changes a queue's visibility timeout, a message caught
 * by a poll that began before would keep the old one. A bounded wait on the runtime's own cycle
 * (its long-poll wait, global-setup's RUNTIME_WAIT_SECONDS, plus a second), not on an outcome.
 */
export async function pollsRestarted(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, (stack().runtimeWaitSeconds + 1) * 1000));
}

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export async function http<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult<T>> {
  const response = await fetch(`${stack().apiUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}
