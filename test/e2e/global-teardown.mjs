export default async function globalTeardown() {
  await globalThis.__E2E_STACK__?.stop();
  await globalThis.__E2E_TFLOCAL__?.stop();
}
