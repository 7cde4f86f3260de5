// npx tsx emulation/runtime/main.ts --endpoint http://127.0.0.1:4566 --dist dist --api-port 4567
//   [--api-host 127.0.0.1] [--concurrency 4] [--grace-ms 10000] [--wait-seconds 20]
// Prints `RUNTIME READY <json>` once polling and the front door are up; SIGINT/SIGTERM stop it cleanly.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { startRuntime } from './runtime.js';

export { startRuntime };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string', default: process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:4566' },
      dist: { type: 'string', default: 'dist' },
      'api-port': { type: 'string', default: '4567' },
      'api-host': { type: 'string', default: '127.0.0.1' },
      concurrency: { type: 'string', default: '4' },
      'grace-ms': { type: 'string', default: '10000' },
      // Long-poll wait per ReceiveMessage. A stop aborts the polls, but moto keeps an aborted poll
      // alive server-side until it ends and hides what it catches for one visibility timeout.
      'wait-seconds': { type: 'string', default: '20' },
    },
    strict: true,
  });
  const number = (name: string, value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0)
      throw new Error(`--${name} must be a non-negative integer, got ${value}`);
    return parsed;
  };
  const log = (line: string): void => {
    process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  };
  const runtime = await startRuntime({
    endpoint: values.endpoint,
    distDir: resolve(values.dist),
    apiPort: number('api-port', values['api-port']),
    apiHost: values['api-host'],
    concurrency: Math.max(1, number('concurrency', values.concurrency)),
    shutdownGraceMs: number('grace-ms', values['grace-ms']),
    waitTimeSeconds: Math.min(20, number('wait-seconds', values['wait-seconds'])),
    log,
  });
  process.stdout.write(`RUNTIME READY ${JSON.stringify(runtime.ready)}\n`);
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      log(`runtime: ${signal} again, exiting now`);
      process.exit(130);
    }
    log(`runtime: ${signal} received`);
    runtime.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`runtime: error while stopping: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`runtime: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    process.exit(1);
  });
}
