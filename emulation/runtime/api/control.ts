// The runtime's control endpoint on the front door (which listens on 127.0.0.1 only):
//   POST /_runtime/reload  →  re-reads every function's CodeSha256 from the emulator and restarts
//                             the workers of each whose code changed (make watch calls it after
//                             UpdateFunctionCode); answers { reloaded: [{ name, codeSha256 }] }.
import type { HttpResponse } from './api-event.js';

export const RELOAD_PATH = '/_runtime/reload';

export interface Reloaded {
  name: string;
  codeSha256: string;
}

const json = (statusCode: number, value: unknown): HttpResponse => ({
  statusCode,
  headers: [['Content-Type', 'application/json']],
  body: Buffer.from(JSON.stringify(value)),
});

/** The front door's `control` hook: an answer for the runtime's own paths, undefined for the APIs'. */
export function controlRoutes(reload: () => Promise<Reloaded[]>) {
  return async (method: string, path: string): Promise<HttpResponse | undefined> => {
    if (path !== RELOAD_PATH) return undefined;
    if (method !== 'POST') return json(405, { message: `${RELOAD_PATH} takes POST` });
    try {
      return json(200, { reloaded: await reload() });
    } catch (error) {
      return json(500, { message: error instanceof Error ? error.message : String(error) });
    }
  };
}
