// `make down`: asks the running `make up` to stop (SIGTERM); it stops what it started and nothing else.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { localStateDir } from '../paths.js';
import { isAlive, upPidFile } from './up-pid.js';

const pidFile = upPidFile(localStateDir);

if (!existsSync(pidFile)) {
  console.log('Nothing to stop: make up is not running.');
  process.exit(0);
}
const pid = Number(readFileSync(pidFile, 'utf8'));
try {
  process.kill(pid, 'SIGTERM');
} catch {
  console.log(`make up (pid ${pid}) is no longer running.`);
  rmSync(pidFile, { force: true });
  process.exit(0);
}
// Wait for it to finish stopping its children, with a deadline.
const deadline = Date.now() + 30_000;
while (Date.now() < deadline) {
  if (!isAlive(pid)) {
    console.log('Stopped.');
    process.exit(0);
  }
  await new Promise((r) => setTimeout(r, 200));
}
console.error(`make up (pid ${pid}) did not stop within 30 s.`);
process.exit(1);
