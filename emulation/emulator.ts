// The AWS emulator of the local stack: reuse whatever already answers on the port (moto or
// LocalStack), otherwise start moto_server (through emulation/moto/launcher.py, which makes moto's
// DynamoDB safe for concurrent requests) and own exactly that process.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { connect, createServer } from 'node:net';
import { motoLauncher, pythonCommand } from './moto/python.mjs';

export interface EmulatorOptions {
  port: number;
  host?: string;
  /** How long to wait for a started moto_server to answer (default 30 s). */
  readyTimeoutMs?: number;
  /** Append moto_server's own output here (it logs every request); otherwise only a short tail is kept for errors. */
  logFile?: string;
  /** The command to start, before moto_server's arguments (default: emulation/moto/launcher.py with emulation/moto/python.mjs's interpreter). */
  command?: string[];
}

export interface Emulator {
  url: string;
  /** PID of the moto_server this call started; undefined when an already running emulator was reused. */
  pid: number | undefined;
  started: boolean;
  /** Stops the process this call started (by PID) and waits for it to exit; a no-op for a reused emulator. */
  stop(): Promise<void>;
}

export class EmulatorError extends Error {
  override name = 'EmulatorError';
}

const ACCOUNT_ID = '000000000000';

/** An ephemeral port that was free a moment ago (the kernel picks it). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new EmulatorError('could not determine a free port'));
      });
    });
  });
}

/** True when something accepts TCP connections on host:port. */
export async function isListening(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: boolean): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * True when the endpoint answers an AWS API call (STS GetCallerIdentity, which moto and LocalStack
 * both implement without any prior state). A bare TCP check would also accept an unrelated server.
 */
export async function answersAws(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(`${url}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        // moto and LocalStack route by the signing service in the credential scope; neither checks the signature.
        authorization:
          'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return response.ok && text.includes('GetCallerIdentityResponse');
  } catch {
    return false;
  }
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  // moto_server with the launcher's fixes (emulation/moto/fixes/); it refuses a moto other than the pinned one.
  const { port, host = '127.0.0.1', readyTimeoutMs = 30_000, command = [pythonCommand(), motoLauncher] } = options;
  const url = `http://${host}:${port}`;

  if (await isListening(host, port)) {
    if (await answersAws(url)) {
      return { url, pid: undefined, started: false, stop: async () => {} };
    }
    throw new EmulatorError(
      `${host}:${port} is in use by something that does not answer AWS API calls; free the port or choose another`,
    );
  }

  const [executable = 'python3', ...prefix] = command;
  const child = spawn(executable, [...prefix, '-H', host, '-p', String(port)], {
    env: { ...process.env, MOTO_ACCOUNT_ID: ACCOUNT_ID },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const log = options.logFile === undefined ? undefined : createWriteStream(options.logFile, { flags: 'a' });
  const keep = (chunk: Buffer): void => {
    log?.write(chunk);
    tail.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== ''),
    );
    tail.splice(0, Math.max(0, tail.length - 20));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  let exitCode: number | null | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal === null ? null : -1);
      log?.end();
      resolve();
    });
    child.once('error', (error) => {
      spawnError = error;
      exitCode = -1;
      resolve();
    });
  });
  const pid = child.pid;

  const stop = async (): Promise<void> => {
    if (exitCode !== undefined || pid === undefined) return;
    process.kill(pid, 'SIGTERM');
    const killTimer = setTimeout(() => {
      if (exitCode === undefined) process.kill(pid, 'SIGKILL');
    }, 5000);
    await exited;
    clearTimeout(killTimer);
  };

  // Poll with a deadline and a short backoff; moto usually answers within a second or two.
  const deadline = Date.now() + readyTimeoutMs;
  let delay = 50;
  for (;;) {
    if (exitCode !== undefined) {
      const why =
        spawnError === undefined ? `exited with ${String(exitCode)}` : `could not start (${spawnError.message})`;
      throw new EmulatorError(`${command} ${why}:\n${tail.join('\n')}`);
    }
    if (await answersAws(url, 1000)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new EmulatorError(`${command} did not answer on ${url} within ${readyTimeoutMs} ms:\n${tail.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 250);
  }
  return { url, pid, started: true, stop };
}
