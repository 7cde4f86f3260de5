// `make test`'s first step: are the programs it needs beyond Node here? Chromium (the console's
// end-to-end test drives it), Terraform 1.11+, and the moto emulation/moto/requirements.txt pins. Every one
// missing is named with how to install it, and make test stops before it has run anything (npm ci
// included): plain JavaScript with no dependency.
//   node tools/prereqs.mjs      → exit 0 silently, or 1 with what is missing on stderr
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { checkMoto, pinnedMoto, pythonCommand } from '../emulation/moto/python.mjs';

/** @param {string} file */
const isExecutable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The browser the console's end-to-end test drives: CHROMIUM when set (a Chromium or Chrome binary),
 * else `chromium` or `chromium-browser` from PATH; undefined when there is none.
 * @param {Record<string, string | undefined>} env
 * @returns {string | undefined}
 */
export function chromiumPath(env = process.env) {
  const chosen = env.CHROMIUM?.trim();
  if (chosen !== undefined && chosen !== '') return chosen;
  for (const dir of (env.PATH ?? '').split(delimiter).filter((d) => d !== ''))
    for (const name of ['chromium', 'chromium-browser']) if (isExecutable(join(dir, name))) return join(dir, name);
  return undefined;
}

/** @param {string} text */
const terraformVersion = (text) => /"terraform_version"\s*:\s*"(\d+)\.(\d+)\.\d+/.exec(text);

/**
 * What is missing, one line each with how to install it; empty when everything is here.
 * @param {Record<string, string | undefined>} env
 * @returns {string[]}
 */
export function missingPrerequisites(env = process.env) {
  const missing = [];
  const chromium = chromiumPath(env);
  if (chromium === undefined || !isExecutable(chromium))
    missing.push(
      `Chromium (the console's end-to-end test drives it): ${chromium === undefined ? 'no chromium on PATH' : `CHROMIUM=${chromium} is not an executable file`}. ` +
        'Install it (Debian: apt-get install chromium), or name a Chromium or Chrome binary with CHROMIUM=/path/to/chromium',
    );
  const terraform = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8', env: { ...process.env, ...env } });
  const version = terraform.error === undefined ? terraformVersion(terraform.stdout) : null;
  if (version === null)
    missing.push('Terraform 1.11 or later: terraform is not on PATH. Install it (see README: Prerequisites)');
  else if (Number(version[1]) !== 1 || Number(version[2]) < 11)
    missing.push(`Terraform 1.11 or later in 1.x: this terraform is ${version[1]}.${version[2]}. Install another`);
  const python = pythonCommand(env);
  const moto = checkMoto(python);
  if (!moto.ok)
    missing.push(`moto ${pinnedMoto()} with its server extra (the emulator): ${moto.detail.split('\n').at(-1)}`);
  return missing;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    process.stderr.write(
      `make test needs what is missing here; nothing has run:\n${missing.map((line) => `  - ${line}\n`).join('')}`,
    );
    process.exit(1);
  }
}
