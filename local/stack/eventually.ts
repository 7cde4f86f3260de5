// Polls a probe until it answers: the smoke checks of a stack just started (make rehearse) and the
// end-to-end tests wait on the pipeline's asynchronous outcome this one way.

/**
 * The probe's first answer other than undefined. A probe that throws counts as not yet; past the
 * deadline the last error is named in the timeout's message.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs = 60_000, intervalMs = 250, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
