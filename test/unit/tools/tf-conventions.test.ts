import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from '@cdktf/hcl2json';
import { checkModule, type ModuleSource } from '../../../tools/tf-conventions.js';

const root = join(import.meta.dirname, '..', '..', '..');

// A module that keeps every rule; each case below breaks one.
const good: Record<string, string> = {
  'main.tf': `
locals {
  queue_name = "\${var.name_prefix}-queue"
}

data "aws_region" "current" {}

resource "aws_sqs_queue" "this" {
  name = local.queue_name
  tags = { Region = data.aws_region.current.name }
}
`,
  'variables.tf': `
variable "name_prefix" {
  type        = string
  description = "Prefix of every name."
  default     = "dev"

  validation {
    condition     = length(var.name_prefix) > 0
    error_message = "name_prefix must not be empty."
  }
}
`,
  'outputs.tf': `
output "queue_url" {
  description = "URL of the queue."
  value       = aws_sqs_queue.this.url
}
`,
  // The modules' own: every one of them declares the same requirements.
  'versions.tf': readFileSync(join(root, 'infra', 'modules', 'tables', 'versions.tf'), 'utf8'),
};
// biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's interpolation, written as Terraform writes it
const INTERPOLATION_ONLY = 'name = "${local.queue_name}"';
// biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's interpolation, written as Terraform writes it
const TEMPLATE = '"${local.queue_name}-${var.name_prefix}"';

const module = (changes: Record<string, string | undefined>): ModuleSource => {
  const files = { ...good, ...changes };
  return {
    dir: 'm',
    files: Object.fromEntries(Object.entries(files).filter((e): e is [string, string] => e[1] !== undefined)),
  };
};
const rulesOf = async (changes: Record<string, string | undefined>) =>
  (await checkModule(module(changes))).map((f) => `${f.rule}: ${f.message}`);

describe('checkModule: each TFLint rule of .tflint.hcl, offline', () => {
  it('finds nothing in a module that keeps them', async () => {
    expect(await rulesOf({})).toEqual([]);
  });

  it.each([
    [
      'terraform_typed_variables',
      'variable "name_prefix" has no type',
      { 'variables.tf': good['variables.tf']?.replace('type        = string\n', '') },
    ],
    [
      'terraform_documented_variables',
      'variable "name_prefix" has no description',
      { 'variables.tf': good['variables.tf']?.replace('description = "Prefix of every name."', 'description = ""') },
    ],
    [
      'terraform_documented_outputs',
      'output "queue_url" has no description',
      { 'outputs.tf': 'output "queue_url" {\n  value = aws_sqs_queue.this.url\n}\n' },
    ],
    [
      'terraform_naming_convention',
      'resource "aws_sqs_queue" "thisQueue" is not snake_case',
      {
        'main.tf': good['main.tf']
          ?.replace('"aws_sqs_queue" "this"', '"aws_sqs_queue" "thisQueue"')
          .replace('aws_sqs_queue.this.url', 'x'),
        'outputs.tf': good['outputs.tf']?.replace('aws_sqs_queue.this.url', 'aws_sqs_queue.thisQueue.url'),
      },
    ],
    [
      'terraform_naming_convention',
      'output "queue-url" is not snake_case',
      { 'outputs.tf': good['outputs.tf']?.replace('"queue_url"', '"queue-url"') },
    ],
    ['terraform_standard_module_structure', 'the module has no outputs.tf', { 'outputs.tf': undefined }],
    [
      'terraform_standard_module_structure',
      'output "arn" belongs in outputs.tf',
      {
        'main.tf': `${good['main.tf']}\noutput "arn" {\n  description = "ARN."\n  value = aws_sqs_queue.this.arn\n}\n`,
      },
    ],
    [
      'terraform_standard_module_structure',
      'the module has no versions.tf',
      { 'versions.tf': undefined, 'main.tf': `${good['main.tf']}${good['versions.tf']}` },
    ],
    [
      'terraform_required_version',
      'no terraform { required_version } is set',
      { 'versions.tf': good['versions.tf']?.replace('required_version = ">= 1.9"', '') },
    ],
    [
      'terraform_required_providers',
      'provider "aws" is used but not in required_providers',
      { 'versions.tf': 'terraform {\n  required_version = ">= 1.9"\n}\n' },
    ],
    [
      'terraform_required_providers',
      'required_providers "aws" needs a source and a version constraint',
      { 'versions.tf': good['versions.tf']?.replace('      version = ">= 5.0"\n', '') },
    ],
    [
      'terraform_unused_declarations',
      'variable "unused" is declared but not used',
      {
        'variables.tf': `${good['variables.tf']}\nvariable "unused" {\n  type        = string\n  description = "Nobody reads it."\n}\n`,
      },
    ],
    [
      'terraform_unused_declarations',
      'local.spare is declared but not used',
      { 'main.tf': good['main.tf']?.replace('locals {', 'locals {\n  spare = 1') },
    ],
    [
      'terraform_unused_declarations',
      'data.aws_caller_identity.current is declared but not used',
      {
        'main.tf': good['main.tf']?.replace(
          'data "aws_region" "current" {}',
          'data "aws_region" "current" {}\ndata "aws_caller_identity" "current" {}',
        ),
      },
    ],
    [
      'terraform_deprecated_interpolation',
      `line 9: interpolation-only string ${INTERPOLATION_ONLY}: use the expression itself`,
      { 'main.tf': good['main.tf']?.replace('name = local.queue_name', INTERPOLATION_ONLY) },
    ],
    [
      'terraform_deprecated_index',
      'legacy index this.0: use [0]',
      { 'outputs.tf': good['outputs.tf']?.replace('aws_sqs_queue.this.url', 'aws_sqs_queue.this.0.url') },
    ],
    [
      'terraform_deprecated_index',
      'legacy index this.*: use [*]',
      { 'outputs.tf': good['outputs.tf']?.replace('aws_sqs_queue.this.url', 'aws_sqs_queue.this.*.url') },
    ],
    [
      'terraform_comment_syntax',
      'line 1: use # for comments, not //',
      { 'main.tf': `// a C++ comment\n${good['main.tf']}` },
    ],
  ])('%s fires: %s', async (rule, message, changes) => {
    expect(await rulesOf(changes)).toEqual([`${rule}: ${message}`]);
  });

  it('a variable read only by its own validation is unused (as TFLint sees it)', async () => {
    const variables = `${good['variables.tf']}\nvariable "retention" {\n  type        = number\n  description = "Days."\n  default     = 1\n\n  validation {\n    condition     = var.retention > 0\n    error_message = "Positive."\n  }\n}\n`;
    expect(await rulesOf({ 'variables.tf': variables })).toEqual([
      'terraform_unused_declarations: variable "retention" is declared but not used',
    ]);
  });

  it('a quoted "a.0" inside an expression is not a legacy index, and a template with more than one part is fine', async () => {
    const main = good['main.tf']?.replace('name = local.queue_name', `name = format("%s.0", ${TEMPLATE})`);
    expect(await rulesOf({ 'main.tf': main })).toEqual([]);
  });

  it('honours # tflint-ignore-file: <rule>', async () => {
    const outputs = `# tflint-ignore-file: terraform_documented_outputs\noutput "queue_url" {\n  value = aws_sqs_queue.this.url\n}\n`;
    expect(await rulesOf({ 'outputs.tf': outputs })).toEqual([]);
  });
});

describe('.tflint.hcl', () => {
  // What TFLint (0.54 and later) loads: tflint/config.go's schema. "module" was removed in 0.54
  // (a file with it no longer loads: use call_module_type).
  const CONFIG_ATTRIBUTES = [
    'call_module_type',
    'force',
    'ignore_module',
    'varfile',
    'variables',
    'disabled_by_default',
    'plugin_dir',
    'format',
  ];
  const BLOCKS = ['tflint', 'config', 'plugin', 'rule'];
  const PLUGIN_ATTRIBUTES = ['enabled', 'version', 'source', 'signature', 'signing_key', 'preset'];

  /** Why TFLint would refuse this config, or [] when it loads. */
  async function refusals(source: string): Promise<string[]> {
    const json = (await parse('.tflint.hcl', source)) as Record<string, unknown>;
    const problems: string[] = [];
    for (const key of Object.keys(json)) if (!BLOCKS.includes(key)) problems.push(`unknown block "${key}"`);
    for (const config of (json.config as Record<string, unknown>[] | undefined) ?? []) {
      for (const key of Object.keys(config)) {
        if (key === 'module') problems.push('"module" was removed in TFLint 0.54: use call_module_type');
        else if (!CONFIG_ATTRIBUTES.includes(key)) problems.push(`config has no attribute "${key}"`);
      }
    }
    for (const [name, [plugin] = []] of Object.entries(
      (json.plugin as Record<string, Record<string, unknown>[]>) ?? {},
    )) {
      for (const key of Object.keys(plugin ?? {}))
        if (!PLUGIN_ATTRIBUTES.includes(key)) problems.push(`plugin "${name}" has no attribute "${key}"`);
      if (plugin && 'version' in plugin !== 'source' in plugin)
        problems.push(`plugin "${name}": version and source go together`);
    }
    for (const [name, [rule] = []] of Object.entries((json.rule as Record<string, Record<string, unknown>[]>) ?? {})) {
      if (typeof rule?.enabled !== 'boolean') problems.push(`rule "${name}" needs enabled`);
    }
    return problems;
  }

  const config = readFileSync(join(root, '.tflint.hcl'), 'utf8');

  it('loads in current TFLint', async () => {
    expect(await refusals(config)).toEqual([]);
  });

  it('the check refuses the removed `module` attribute and unknown keys', async () => {
    expect(await refusals('config {\n  module = true\n}\n')).toEqual([
      '"module" was removed in TFLint 0.54: use call_module_type',
    ]);
    expect(
      await refusals('config {\n  deep_check = true\n}\nplugin "aws" {\n  enabled = true\n  version = "0.48.0"\n}\n'),
    ).toEqual(['config has no attribute "deep_check"', 'plugin "aws": version and source go together']);
  });

  it('calls local modules, pins the AWS ruleset and enables the rules the offline check mirrors', async () => {
    const json = (await parse('.tflint.hcl', config)) as {
      config: { call_module_type: string }[];
      plugin: Record<string, { version?: string; source?: string }[]>;
      rule: Record<string, { enabled: boolean }[]>;
    };
    expect(json.config[0]?.call_module_type).toBe('local');
    expect(json.plugin.aws?.[0]).toMatchObject({
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      source: 'github.com/terraform-linters/tflint-ruleset-aws',
    });
    const checked = readFileSync(join(root, 'tools', 'tf-conventions.ts'), 'utf8').match(/terraform_[a-z_]+/g) ?? [];
    for (const rule of new Set(checked)) expect(json.rule[rule]?.[0]?.enabled).toBe(true);
  });
});
