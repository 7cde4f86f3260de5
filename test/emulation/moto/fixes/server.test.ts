// emulation/moto/fixes/server/log_writer.py: the launcher keeps answering while nobody reads its
// output (plain moto_server stops answering once the pipe is full: every request logs its line before
// it answers, all through one locked handler). A launcher of its own, no Terraform.
import { expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { answersAws, freePort } from '../../../../emulation/emulator.js';
import { motoLauncher, pythonCommand } from '../../../../emulation/moto/python.mjs';

it('keeps answering while nobody reads its output (a request never waits for its log line)', async () => {
  // A launcher of its own, its output piped to this process and never read: as when the process
  // that started it is blocked (a spawnSync of a Terraform run, once seen to stall a destroy).
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(pythonCommand(), [motoLauncher, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const deadline = Date.now() + 30_000;
    while (!(await answersAws(url))) {
      if (Date.now() > deadline) throw new Error('the launcher did not answer within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // Each request logs its 8 KB request line: 60 of them are far more than the pipe and this process's read buffer hold.
    const pad = 'x'.repeat(8_000);
    // The same check as the stack's own, its URL padded (answersAws's trailing "/" lands in the padding); no answer within 5 s fails.
    const answers = (): Promise<boolean> => answersAws(`${url}/?pad=${pad}`, 5_000);
    let answered = 0;
    while (answered < 60 && (await answers())) answered += 1;
    expect(answered).toBe(60);
  } finally {
    // SIGKILL: a stalled moto_server does not exit on SIGTERM (its handler's sys.exit joins the request threads).
    child.kill('SIGKILL');
    await exited;
  }
}, 90_000);
