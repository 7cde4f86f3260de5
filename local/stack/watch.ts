// `make watch` (beside a running `make up`): a saved source file under functions/ rebuilds the
// functions that bundle it (esbuild's incremental rebuild, build.mjs's settings and zip), deploys
// each whose zip changed to the emulator (UpdateFunctionCode, so the deployed CodeSha256 is the
// zip's and the runtime's check still holds), then asks the runtime to restart those functions'
// workers (POST /_runtime/reload on its front door). Batches and requests already running finish on
// the old code; nothing is cut off. Terraform's state still records the applied code: the next
// `make up` applies the current zips.
//   npx tsx local/stack/watch.ts [--state FILE]   (AWS_ENDPOINT_URL: the emulator; API_PORT: the runtime's front door)
// The deployed functions' names carry the stack's name prefix: the state's outputs say which.
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { watch } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import * as esbuild from 'esbuild';
import { functionNames, functionOptions, writeZip } from '../../build.mjs';
import { RELOAD_PATH, type Reloaded } from '../../emulation/runtime/api/control.js';
import { distDir as dist, repoRoot } from '../paths.js';
import { findState, outputs } from '../state.js';

export interface WatchOptions {
  endpoint: string;
  /** The runtime's front door, e.g. http://127.0.0.1:4567. */
  frontDoor: string;
  log?: (line: string) => void;
  /** Quiet time after the last file event before rebuilding (editors write a file in several steps). */
  debounceMs?: number;
  /** The stack's name prefix: functions/<name> is deployed as <namePrefix><name>. */
  namePrefix?: string;
}

export interface Watcher {
  /** Resolves once every function is built and the file watch is on. */
  ready: Promise<void>;
  close(): Promise<void>;
}

interface FunctionBuild {
  name: string;
  context: esbuild.BuildContext<{ metafile: true; write: true }>;
  /** Repository-relative paths of the sources in its bundle (from the last build's metafile). */
  inputs: Set<string>;
  /** The CodeSha256 the emulator holds. */
  deployed: string;
}

const functionsDir = join(repoRoot, 'functions');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64');
const ms = (since: number) => `${Math.round(performance.now() - since)} ms`;

export function startWatch(options: WatchOptions): Watcher {
  const log = options.log ?? ((line: string) => console.log(line));
  const lambda = new LambdaClient({ endpoint: options.endpoint });
  const deployedName = (name: string): string => `${options.namePrefix ?? ''}${name}`;
  const builds = new Map<string, FunctionBuild>();
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;
  let closeWatcher = () => {};

  /** Bundles one function (incrementally) and writes its zip as build.mjs does; returns the zip's bytes. */
  async function bundle(build: FunctionBuild): Promise<Buffer> {
    const result = await build.context.rebuild();
    build.inputs = new Set(Object.keys(result.metafile.inputs));
    const zip = join(dist, `${build.name}.zip`);
    const partial = join(dist, `.${build.name}.zip.partial`);
    await writeZip(join(dist, build.name, 'handler.mjs'), partial);
    await rename(partial, zip); // the runtime never reads a half-written zip
    return readFile(zip);
  }

  async function rebuild(changed: Set<string>, savedAt: number): Promise<void> {
    // A file no bundle used yet (a new module) may be imported by any: rebuild them all.
    const known = [...builds.values()].filter((b) => [...changed].some((file) => b.inputs.has(file)));
    const affected =
      known.length > 0 && [...changed].every((file) => known.some((b) => b.inputs.has(file)))
        ? known
        : [...builds.values()];
    const deployed: string[] = [];
    await Promise.all(
      affected.map(async (build) => {
        let zip: Buffer;
        try {
          zip = await bundle(build);
        } catch (error) {
          log(
            `[watch] ${build.name}: build failed, the running code is unchanged: ${error instanceof Error ? error.message : String(error)}`,
          );
          return;
        }
        const codeSha256 = sha256(zip);
        if (codeSha256 === build.deployed) return; // the same bytes (a comment, say): nothing to deploy
        const answer = await lambda.send(
          new UpdateFunctionCodeCommand({ FunctionName: deployedName(build.name), ZipFile: zip }),
        );
        if (answer.CodeSha256 !== codeSha256)
          throw new Error(
            `${build.name}: the emulator holds CodeSha256 ${String(answer.CodeSha256)} after the update, not ${codeSha256}`,
          );
        build.deployed = codeSha256;
        deployed.push(build.name);
      }),
    );
    if (deployed.length === 0) {
      log(`[watch] ${[...changed].join(', ')}: no function's code changed`);
      return;
    }
    const response = await fetch(new URL(RELOAD_PATH, options.frontDoor), { method: 'POST' });
    const body = (await response.json()) as { reloaded?: Reloaded[]; message?: string };
    if (!response.ok) throw new Error(`the runtime refused the reload (${response.status}): ${body.message ?? ''}`);
    log(
      `[watch] ${[...changed].join(', ')} → ${deployed.sort().join(', ')} rebuilt, deployed and reloaded ${ms(savedAt)} after the save`,
    );
  }

  const ready = (async () => {
    await mkdir(dist, { recursive: true });
    const started = performance.now();
    await Promise.all(
      functionNames().map(async (name) => {
        const context = await esbuild.context({
          ...functionOptions,
          absWorkingDir: repoRoot,
          entryPoints: [join(functionsDir, name, 'handler.ts')],
          outfile: join(dist, name, 'handler.mjs'),
          metafile: true,
          write: true,
        } as esbuild.BuildOptions & { metafile: true; write: true });
        const deployed =
          (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: deployedName(name) }))).CodeSha256 ??
          '';
        const build: FunctionBuild = { name, context, inputs: new Set(), deployed };
        builds.set(name, build);
        // The first build maps each function to its sources; it deploys nothing unless the sources changed since make up.
        if (sha256(await bundle(build)) !== deployed)
          log(`[watch] ${name}: the sources differ from the deployed code; the next save deploys them`);
      }),
    );
    const watcher = watch(functionsDir, { recursive: true }, (_event, file) => {
      if (closed || !file || !/\.(ts|mts|js|mjs|json)$/.test(file)) return;
      pending.add(relative(repoRoot, join(functionsDir, file.toString())));
      const savedAt = performance.now();
      clearTimeout(timer);
      timer = setTimeout(() => {
        const changed = pending;
        pending = new Set();
        // One rebuild at a time, in the order of the saves.
        running = running
          .then(() => rebuild(changed, savedAt))
          .catch((error: unknown) => log(`[watch] error: ${error instanceof Error ? error.message : String(error)}`));
      }, options.debounceMs ?? 30);
    });
    closeWatcher = () => watcher.close();
    log(
      `[watch] watching functions/ (${builds.size} functions built in ${ms(started)}); a saved file is rebuilt, deployed and reloaded`,
    );
  })();

  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      closeWatcher();
      await ready.catch(() => {});
      await running;
      await Promise.all([...builds.values()].map((b) => b.context.dispose()));
      lambda.destroy();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { state: { type: 'string' } } });
  const endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:4566';
  const frontDoor = `http://127.0.0.1:${process.env.API_PORT ?? '4567'}`;
  const state = findState(values.state);
  if (state === undefined) {
    console.error(
      `make watch failed: no Terraform state${values.state ? ` at ${values.state}` : ''} (is make up running?)`,
    );
    process.exit(1);
  }
  const { name_prefix: namePrefix } = await outputs(state);
  const watcher = startWatch({ endpoint, frontDoor, namePrefix: typeof namePrefix === 'string' ? namePrefix : '' });
  const stop = () => void watcher.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await watcher.ready;
  } catch (error) {
    console.error(
      `make watch failed: ${error instanceof Error ? error.message : String(error)} (is make up running? the emulator: ${endpoint})`,
    );
    process.exit(1);
  }
}
