// `make rehearse`: infra/envs/aws applied to the emulator and smoke-tested (local/stack/rehearsal.ts),
// then stopped. Exits 1 when a check fails. Its own emulator on a free port unless REHEARSE_PORT names
// one to reuse (left running, and the rehearsed stack in it); the copy of infra/, the state and the logs
// stay in .local/rehearsal/ until the next rehearsal.
//   npx tsx local/stack/rehearse.ts          (REHEARSE_PORT=<port>: reuse the emulator there; VERBOSE=1: Terraform's and the runtime's output)
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { localStateDir } from '../paths.js';
import { rehearse } from './rehearsal.js';

const workDir = join(localStateDir, 'rehearsal');
const started = performance.now();
const step = (message: string) =>
  console.log(`[rehearse ${((performance.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}`);

mkdirSync(localStateDir, { recursive: true });
const logFile = join(localStateDir, 'rehearsal.log');
const log = createWriteStream(logFile);
try {
  step(`infra/envs/aws on the emulator: Terraform's and the runtime's output in ${logFile}`);
  const { checks, timings } = await rehearse({
    workDir,
    emulatorPort: process.env.REHEARSE_PORT ? Number(process.env.REHEARSE_PORT) : undefined,
    step,
    verbose: (chunk) => {
      log.write(chunk.endsWith('\n') ? chunk : `${chunk}\n`);
      if (process.env.VERBOSE === '1') process.stdout.write(chunk);
    },
  });
  const failed = checks.filter((c) => !c.ok);
  step(`stopped what the rehearsal started; phases (ms): ${JSON.stringify(timings)}`);
  console.log(`
${checks.map((c) => `${c.ok ? 'ok    ' : 'FAILED'} ${c.name}`).join('\n')}

rehearse: ${checks.length - failed.length} passed, ${failed.length} failed
The emulator stores the alarms but never evaluates them: on AWS the DLQ's alarm would go to ALARM and notify the alerts topic.`);
  process.exitCode = failed.length > 0 ? 1 : 0;
} catch (error) {
  console.error(`make rehearse failed: ${error instanceof Error ? error.message : String(error)} (see ${logFile})`);
  process.exitCode = 1;
} finally {
  log.end();
}
