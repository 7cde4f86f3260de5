// The process a function's worker runs: imports the handler once (the cold start), then serves
// invocations sent over IPC one at a time, like one Lambda execution environment.
// argv: <module file (absolute)> <export name>. Its environment is the function's, set by the parent.
import { pathToFileURL } from 'node:url';

const [moduleFile, exportName] = process.argv.slice(2);
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024; // Lambda's synchronous response limit

const describe = (error) =>
  error instanceof Error
    ? { errorType: error.name, errorMessage: error.message, stack: (error.stack ?? '').split('\n') }
    : { errorType: typeof error, errorMessage: String(error), stack: [] };

let handler;
try {
  const module = await import(pathToFileURL(moduleFile).href);
  handler = module[exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${moduleFile} does not export a function named ${exportName}`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  process.send({ type: 'ready' });
} catch (error) {
  process.send({ type: 'init-error', error: describe(error) }, () => process.exit(1));
}

function run(event, context) {
  // Supports async handlers (middy) and callback-style handlers, whichever settles first.
  return new Promise((resolve, reject) => {
    const callback = (error, result) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
    } catch (error) {
      reject(error);
    }
  });
}

process.on('message', async (message) => {
  if (message?.type !== 'invoke') return;
  const { id, event, context: ctx } = message;
  const context = {
    ...ctx,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, ctx.deadlineMs - Date.now()),
  };
  delete context.deadlineMs;
  let reply;
  try {
    const result = await run(event, context);
    const payload = JSON.stringify(result === undefined ? null : result);
    reply =
      Buffer.byteLength(payload) > MAX_RESPONSE_BYTES
        ? {
            type: 'result',
            id,
            ok: false,
            error: {
              errorType: 'Function.ResponseSizeTooLarge',
              errorMessage: `response is ${Buffer.byteLength(payload)} bytes, more than Lambda's ${MAX_RESPONSE_BYTES}`,
              stack: [],
            },
          }
        : { type: 'result', id, ok: true, payload };
  } catch (error) {
    reply = { type: 'result', id, ok: false, error: describe(error) };
    // As Lambda's Node.js runtime logs a handler's error, stack included (source-mapped when the
    // function's NODE_OPTIONS has --enable-source-maps).
    console.error(`ERROR\tInvoke Error \t${JSON.stringify(reply.error)}`);
  }
  process.send(reply);
});
