import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export default async function globalTeardown() {
  // What the IAM gate allowed and denied in this run, for the least-privilege check (make test's
  // lanes name the file: E2E_IAM_REPORT; tools/least-privilege.ts reads every lane's). destroy.test.ts
  // writes it before it destroys the stack: that one is kept.
  const report = globalThis.__E2E_STACK__?.iamReport?.();
  const file = process.env.E2E_IAM_REPORT;
  if (report !== undefined && file && !existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(report));
  }
  await globalThis.__E2E_STACK__?.stop();
  await globalThis.__E2E_TFLOCAL__?.stop();
}
