// A bare emulator for one test file: the launcher on a free port, no Terraform, stopped by the PID it
// started. Tests create the tables, queues and functions they need with SDK calls, as Terraform would.
import { afterAll, beforeAll, expect } from '@jest/globals';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import yazl from 'yazl';
import { freePort, startEmulator, type Emulator } from '../../../emulation/emulator.js';

export interface ClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface BareEmulator {
  url: string;
  /** What an SDK client of the emulator is made with. */
  config(): ClientConfig;
}

/** Starts an emulator before the file's tests and stops it (by its PID) after them. */
export function bareEmulator(): BareEmulator {
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ port: await freePort() });
    expect(emulator.started).toBe(true);
  }, 60_000);
  afterAll(async () => {
    const pid = emulator?.pid;
    await emulator?.stop();
    if (pid !== undefined) expect(() => process.kill(pid, 0)).toThrow();
  }, 30_000);
  const url = (): string => {
    if (emulator === undefined) throw new Error('the emulator is not started (bareEmulator() runs in beforeAll)');
    return emulator.url;
  };
  return {
    get url() {
      return url();
    },
    config: () => ({
      endpoint: url(),
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
  };
}

/** A zip of one handler.mjs file. */
export async function zip(source: string): Promise<Buffer> {
  const file = new yazl.ZipFile();
  file.addBuffer(Buffer.from(source), 'handler.mjs', { mtime: new Date(0), mode: 0o644 });
  file.end();
  const chunks: Buffer[] = [];
  for await (const chunk of file.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A function (and its role) that nothing runs: what an event source mapping needs to name. */
export async function idleFunction(config: ClientConfig, name: string): Promise<string> {
  const iam = new IAMClient(config);
  const lambda = new LambdaClient(config);
  try {
    const { Role } = await iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    const { FunctionArn } = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Role: Role?.Arn,
        Handler: 'handler.handler',
        Code: { ZipFile: await zip('export const handler = async () => {};') },
      }),
    );
    if (FunctionArn === undefined) throw new Error('CreateFunction returned no FunctionArn');
    return FunctionArn;
  } finally {
    iam.destroy();
    lambda.destroy();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * The median time of each call over `rounds` rounds, the calls alternated within a round so that
 * whatever else the machine does weighs on all of them alike.
 */
export async function alternatedMedians(rounds: number, ...calls: (() => Promise<unknown>)[]): Promise<number[]> {
  const times = calls.map((): number[] => []);
  for (let i = 0; i < rounds; i += 1)
    for (const [j, call] of calls.entries()) {
      const started = performance.now();
      await call();
      times[j]?.push(performance.now() - started);
    }
  return times.map(median);
}
