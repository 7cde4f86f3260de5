// The emulator-side call counter: a child process that forwards every AWS call to the emulator and
// counts it by API. It reuses the fault proxy (emulation/fault-proxy.ts) with no rules: here it sits in
// front of the emulator itself, so it also sees the runtime's own SQS polling, which never passes
// through the functions' fault proxy. A separate process keeps its work off the runtime's event loop.
//   usage: node --import tsx bench/counter.ts <emulator url>   → prints "READY <url>"
import { startFaultProxy } from '../emulation/fault-proxy.js';

const target = process.argv[2];
if (target === undefined) {
  console.error('usage: counter.ts <emulator url>');
  process.exit(2);
}
const proxy = await startFaultProxy({ target });
process.stdout.write(`READY ${proxy.url}\n`);
const stop = (): void => void proxy.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
