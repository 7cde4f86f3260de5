// `make up`: starts the whole local stack in the foreground and keeps it running until Ctrl-C
// (or `make down`, which sends this process SIGTERM). It stops exactly what it started.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { functionNames } from '../../build.mjs';
import { createNarrator } from './narrate.js';
import type { RuntimeReport } from '../../emulation/runtime/index.js';
import { phaseReport } from './phases.js';
import { DEFAULT_NAME_PREFIX, startStack } from './stack.js';
import { localStateDir as stateDir } from '../paths.js';
import { forgetEmulator, recordEmulator, runningUp, upPidFile } from './up-pid.js';

const pidFile = upPidFile(stateDir);
const emulatorPort = Number(process.env.EMULATOR_PORT ?? 4566);
const apiPort = Number(process.env.API_PORT ?? 4567);
// Every name carries a prefix, as in every real environment; NAME_PREFIX= (empty) for the original names.
const namePrefix = process.env.NAME_PREFIX ?? DEFAULT_NAME_PREFIX;
// INSPECT=<function> make up: that function's worker listens for a debugger (INSPECT_PORT, default 9229, Node's own).
const inspectName = process.env.INSPECT?.trim() || undefined;
const inspect =
  inspectName === undefined
    ? undefined
    : { functionName: `${namePrefix}${inspectName}`, port: Number(process.env.INSPECT_PORT ?? 9229) };
if (inspect !== undefined && !functionNames().includes(inspectName ?? '')) {
  console.error(`make up: INSPECT=${inspectName} is not a function (${functionNames().join(', ')})`);
  process.exit(1);
}

const running = runningUp(stateDir);
if (running !== undefined) {
  console.log(`The local stack is already up (pid ${running}); \`make down\` stops it.`);
  process.exit(0);
}

mkdirSync(stateDir, { recursive: true });
writeFileSync(pidFile, String(process.pid));
const started = performance.now();
const step = (message: string) =>
  console.log(`[up ${((performance.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}`);

let stop: (() => Promise<void>) | undefined;
let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping what make up started…`);
  await stop?.();
  rmSync(pidFile, { force: true });
  console.log('stopped.');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  // The runtime's narration: every function's log lines and one line per batch or request.
  const json = process.env.LOG_FORMAT === 'json';
  const narrate = createNarrator({
    functions: functionNames().map((name) => `${namePrefix}${name}`),
    color: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
    json,
  });
  const onReport = (report: RuntimeReport): void => void process.stdout.write(`${narrate(report)}\n`);
  const iam = process.env.LOCAL_IAM !== 'off';
  // Which emulator holds the stack, for make destroy once make up has stopped: none until this apply is done.
  forgetEmulator(stateDir);
  const stack = await startStack({ emulatorPort, apiPort, stateDir, step, onReport, namePrefix, iam, inspect });
  stop = () => stack.stop();
  recordEmulator(stateDir, { url: stack.emulator.url, startedByUp: stack.emulator.started, pid: stack.emulator.pid });
  const orders = `${stack.apiUrl}/orders`;
  const readyAt = performance.now();
  step('ready');
  // Where the time went: each phase as a span from make up's start (local/stack/phases.ts).
  console.log(["phases (from make up's start):", ...phaseReport(stack.spans, started, readyAt)].join('\n'));
  console.log(`
The order pipeline is running.
  API:      ${orders}
  Console:  ${stack.consoleUrl}   (the topology, each order's invocations and events, the DLQ, emails; live)
  Emulator: ${stack.endpoint}${stack.emulator.started ? ` (moto_server pid ${stack.emulator.pid}, stopped with the stack)` : ' (already running; left alone)'}${
    inspect === undefined
      ? ''
      : `
  Debugger: ${inspect.functionName}'s worker listens on 127.0.0.1:${inspect.port} (VS Code: "Attach to INSPECT=<function> make up" in .vscode/launch.json; chrome://inspect)`
  }

See the brief's three scenarios run, narrated, in another terminal (DEMO_LANG=ja for Japanese):
  make demo

Sign in as the demo customer (make token CUSTOMER=<name> [EMAIL=<address>] for another one):
  TOKEN=$(make token)

Place an order:
  curl -si -X POST ${orders} -H "Authorization: $TOKEN" \\
    -H 'Content-Type: application/json' -H "Idempotency-Key: $(uuidgen 2>/dev/null || date +%s%N)" \\
    -d '{"items":[{"productId":"p-001","quantity":2}],"paymentToken":"tok_visa"}'

Then follow it (use the orderId from the answer):
  curl -s ${orders}/<orderId> -H "Authorization: $TOKEN"

Ctrl-C or \`make down\` stops everything make up started.
What runs is narrated below: each function's log lines (${json ? 'raw JSON, LOG_FORMAT=json' : 'LOG_FORMAT=json for the raw JSON'}) and one line per batch or request.
`);
} catch (error) {
  console.error(`make up failed: ${error instanceof Error ? error.message : String(error)}`);
  rmSync(pidFile, { force: true });
  process.exit(1);
}
