// Terraform pointed at an emulator without touching the repository: a copy of infra/ (the modules
// the envs load by relative path come along) and, in the env directory of the copy, override files
// of the kind tflocal writes. tflocal's localstack_providers_override.tf replaces the provider's
// credentials, skip flags, region and endpoints; a backend override keeps the state in a local file,
// so that an env with a remote backend (envs/aws's S3) contacts nothing. Used by the e2e tests'
// LocalStack path (test/e2e/support/tflocal.ts) and by make rehearse (local/stack/rehearsal.ts).
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localEnvDir, repoRoot } from '../paths.js';

/** The services infra/envs/local points at the emulator (its providers.tf): every service the stack uses. */
function providerServices(): string[] {
  const providers = readFileSync(join(localEnvDir, 'providers.tf'), 'utf8');
  const endpoints = /endpoints\s*\{([^}]*)\}/.exec(providers)?.[1] ?? '';
  return [...endpoints.matchAll(/^\s*(\w+)\s*=/gm)].map((m) => m[1] ?? '');
}

/** What tflocal writes as localstack_providers_override.tf, with `endpoint` for every service. */
export const providerOverride = (endpoint: string, region = 'us-east-1'): string => `provider "aws" {
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  region                      = "${region}"

  endpoints {
${providerServices()
  .map((service) => `    ${service} = "${endpoint}"`)
  .join('\n')}
  }
}
`;

/** A backend override: the state in a local file, whatever backend the configuration names. */
export const localBackendOverride = (statePath: string): string => `terraform {
  backend "local" {
    path = ${JSON.stringify(statePath)}
  }
}
`;

/** Copies infra/ into `work` (no Terraform data, no state): returns the copy's path. */
export function copyInfra(work: string): string {
  const copy = join(work, 'infra');
  cpSync(join(repoRoot, 'infra'), copy, {
    recursive: true,
    // Neither Terraform's data (.terraform, or make test-e2e's .terraform-<group>) nor any state or override.
    filter: (source) => !/\.terraform(-[\w-]+)?$|\.tfstate|_override\.tf$/.test(source),
  });
  return copy;
}

/** Writes an override file into a copied env directory. */
export function writeOverride(envDir: string, file: string, text: string): void {
  writeFileSync(join(envDir, file), text);
}
