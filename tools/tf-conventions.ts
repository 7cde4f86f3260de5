// The TFLint rules .tflint.hcl enables (the terraform ruleset as terraform-aws-modules runs it),
// checked offline: TFLint cannot be installed everywhere `make test` runs, so this parses every
// Terraform directory under infra/ with @cdktf/hcl2json and reports the same findings. The pull
// request workflow runs TFLint itself. Like `tflint --recursive`, every directory with .tf files is
// checked as a module of its own. `# tflint-ignore-file: <rule>` at the top of a file is honoured.
//   npx tsx tools/tf-conventions.ts [dir]   (default: infra; exit 1 on findings)
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from '@cdktf/hcl2json';

export interface Finding {
  rule: string;
  /** The file the finding is about (for a missing file: the file that should exist). */
  file: string;
  message: string;
}

/** One Terraform module: its directory and its .tf files' sources, by file name. */
export interface ModuleSource {
  dir: string;
  files: Record<string, string>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** hcl2json gives each labelled block as `{ label: [body, …] }`. */
const bodies = (v: Json | undefined): Obj[] => (Array.isArray(v) ? v.filter(isObj) : isObj(v) ? [v] : []);
const entries = (v: Json | undefined): [string, Json][] => (isObj(v) ? Object.entries(v) : []);

// TFLint's default naming format: snake_case.
const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const REQUIRED_FILES = ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf'];

/** Every string in a parsed file that holds an expression (`${…}`), except under the keys skipped. */
function expressions(value: Json, skip: (path: string[]) => boolean, path: string[] = []): string[] {
  if (skip(path)) return [];
  if (typeof value === 'string') return value.includes('${') ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => expressions(v, skip, path));
  if (isObj(value)) return Object.entries(value).flatMap(([k, v]) => expressions(v, skip, [...path, k]));
  return [];
}

/** An expression without its quoted string literals (so "a.0" in a format string is not an index). */
const withoutLiterals = (expression: string) => expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');

interface Parsed {
  file: string;
  source: string;
  json: Obj;
}

export async function checkModule(module: ModuleSource): Promise<Finding[]> {
  const parsed: Parsed[] = [];
  for (const [file, source] of Object.entries(module.files).sort()) {
    parsed.push({ file, source, json: (await parse(file, source)) as Obj });
  }
  const findings: Finding[] = [];
  const add = (rule: string, file: string, message: string) =>
    findings.push({ rule, file: join(module.dir, file), message });

  // terraform_standard_module_structure (+ versions.tf, the layout STYLE.md and DESIGN.md ask for).
  // As TFLint: variables.tf / outputs.tf may be missing only where the variables / outputs sit
  // elsewhere, which is its own finding.
  const declares = (kind: string) => parsed.some(({ json }) => entries(json[kind]).length > 0);
  for (const file of REQUIRED_FILES) {
    const elsewhere =
      (file === 'variables.tf' && declares('variable')) || (file === 'outputs.tf' && declares('output'));
    if (!(file in module.files) && !elsewhere)
      add('terraform_standard_module_structure', file, `the module has no ${file}`);
  }

  const variables: { name: string; file: string; body: Obj }[] = [];
  const locals: { name: string; file: string }[] = [];
  const data: { address: string; file: string }[] = [];
  const providersUsed = new Map<string, string>(); // provider name → a file that uses it
  let requiredVersion = false;
  const requiredProviders = new Map<string, Json>();

  for (const { file, json } of parsed) {
    for (const [name, list] of entries(json.variable)) {
      for (const body of bodies(list)) {
        variables.push({ name, file, body });
        if (file !== 'variables.tf')
          add('terraform_standard_module_structure', file, `variable "${name}" belongs in variables.tf`);
        if (!('type' in body)) add('terraform_typed_variables', file, `variable "${name}" has no type`);
        if (typeof body.description !== 'string' || body.description.trim() === '')
          add('terraform_documented_variables', file, `variable "${name}" has no description`);
        if (!SNAKE_CASE.test(name)) add('terraform_naming_convention', file, `variable "${name}" is not snake_case`);
      }
    }
    for (const [name, list] of entries(json.output)) {
      for (const body of bodies(list)) {
        if (file !== 'outputs.tf')
          add('terraform_standard_module_structure', file, `output "${name}" belongs in outputs.tf`);
        if (typeof body.description !== 'string' || body.description.trim() === '')
          add('terraform_documented_outputs', file, `output "${name}" has no description`);
        if (!SNAKE_CASE.test(name)) add('terraform_naming_convention', file, `output "${name}" is not snake_case`);
      }
    }
    for (const block of bodies(json.locals)) {
      for (const name of Object.keys(block)) {
        locals.push({ name, file });
        if (!SNAKE_CASE.test(name)) add('terraform_naming_convention', file, `local "${name}" is not snake_case`);
      }
    }
    for (const [kind, label] of [
      ['resource', 'resource'],
      ['data', 'data'],
    ] as const) {
      for (const [type, named] of entries(json[kind])) {
        const provider = type.split('_')[0] ?? type;
        for (const [name, list] of entries(named)) {
          const explicit = bodies(list)
            .map((b) => b.provider)
            .find((p) => typeof p === 'string');
          const providerName =
            typeof explicit === 'string' ? (explicit.replace(/^\$\{|\}$/g, '').split('.')[0] ?? provider) : provider;
          if (providerName !== 'terraform' && !providersUsed.has(providerName)) providersUsed.set(providerName, file);
          if (kind === 'data') data.push({ address: `data.${type}.${name}`, file });
          if (!SNAKE_CASE.test(name))
            add('terraform_naming_convention', file, `${label} "${type}" "${name}" is not snake_case`);
        }
      }
    }
    for (const [name] of entries(json.module)) {
      if (!SNAKE_CASE.test(name)) add('terraform_naming_convention', file, `module "${name}" is not snake_case`);
    }
    for (const [name] of entries(json.provider)) if (!providersUsed.has(name)) providersUsed.set(name, file);
    for (const block of bodies(json.terraform)) {
      if (typeof block.required_version === 'string') requiredVersion = true;
      for (const rp of bodies(block.required_providers))
        for (const [name, spec] of Object.entries(rp)) requiredProviders.set(name, spec);
    }
  }

  // terraform_required_version / terraform_required_providers
  if (!requiredVersion) add('terraform_required_version', 'versions.tf', 'no terraform { required_version } is set');
  for (const [provider, file] of providersUsed) {
    const spec = requiredProviders.get(provider);
    if (spec === undefined)
      add('terraform_required_providers', file, `provider "${provider}" is used but not in required_providers`);
    else if (!isObj(spec) || typeof spec.source !== 'string' || typeof spec.version !== 'string')
      add(
        'terraform_required_providers',
        file,
        `required_providers "${provider}" needs a source and a version constraint`,
      );
  }
  // terraform_unused_declarations: references anywhere in the module, except a variable's own validation.
  const isOwnValidation = (name: string) => (path: string[]) =>
    path[0] === 'variable' && path[1] === name && path.includes('validation');
  for (const v of variables) {
    const pattern = new RegExp(`\\bvar\\.${v.name}\\b`);
    const used = parsed.some(({ json }) => expressions(json, isOwnValidation(v.name)).some((e) => pattern.test(e)));
    if (!used) add('terraform_unused_declarations', v.file, `variable "${v.name}" is declared but not used`);
  }
  const allExpressions = parsed.flatMap(({ json }) => expressions(json, () => false));
  for (const l of locals) {
    const pattern = new RegExp(`\\blocal\\.${l.name}\\b`);
    if (!allExpressions.some((e) => pattern.test(e)))
      add('terraform_unused_declarations', l.file, `local.${l.name} is declared but not used`);
  }
  for (const d of data) {
    const pattern = new RegExp(`\\b${d.address.replace(/\./g, '\\.')}\\b`);
    if (!allExpressions.some((e) => pattern.test(e)))
      add('terraform_unused_declarations', d.file, `${d.address} is declared but not used`);
  }

  for (const { file, source, json } of parsed) {
    // terraform_deprecated_interpolation: a string that is nothing but one interpolation ("${var.x}").
    source.split('\n').forEach((line, i) => {
      const code = line.replace(/(^|\s)#.*$/, '');
      if (/"\$\{[^"{}]*\}"/.test(code))
        add(
          'terraform_deprecated_interpolation',
          file,
          `line ${i + 1}: interpolation-only string ${code.trim()}: use the expression itself`,
        );
      // terraform_comment_syntax: # comments, not //
      if (/^\s*\/\//.test(line)) add('terraform_comment_syntax', file, `line ${i + 1}: use # for comments, not //`);
    });
    // terraform_deprecated_index: legacy index (a.0.b) and legacy splat (a.*.b)
    for (const expression of expressions(json, () => false)) {
      const code = withoutLiterals(expression);
      const legacy = /[A-Za-z_][\w-]*(\.\d+|\.\*)(?=[.\s)\]},]|$)/.exec(code);
      if (legacy) add('terraform_deprecated_index', file, `legacy index ${legacy[0]}: use [${legacy[1]?.slice(1)}]`);
    }
  }

  // Honour tflint-ignore-file annotations, as TFLint does.
  const ignored = (f: Finding) => {
    const source = module.files[f.file.slice(module.dir.length + 1)];
    const match = source ? /^\s*#\s*tflint-ignore-file:\s*([\w, ]+)/m.exec(source) : null;
    return (
      match?.[1]
        ?.split(',')
        .map((r) => r.trim())
        .includes(f.rule) ?? false
    );
  };
  return findings.filter((f) => !ignored(f));
}

/** Every directory under root holding .tf files, read as a module. */
export function readModules(root: string): ModuleSource[] {
  const modules: ModuleSource[] = [];
  const walk = (dir: string) => {
    const listing = readdirSync(dir, { withFileTypes: true });
    const tf = listing.filter((e) => e.isFile() && e.name.endsWith('.tf') && !e.name.endsWith('_override.tf'));
    if (tf.length > 0)
      modules.push({
        dir,
        files: Object.fromEntries(tf.map((e) => [e.name, readFileSync(join(dir, e.name), 'utf8')])),
      });
    for (const e of listing) if (e.isDirectory() && !e.name.startsWith('.')) walk(join(dir, e.name));
  };
  walk(root);
  return modules;
}

export async function checkTree(root: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const module of readModules(root)) findings.push(...(await checkModule(module)));
  return findings;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] ?? 'infra';
  const modules = readModules(root);
  const findings = await checkTree(root);
  for (const f of findings) console.log(`${relative(process.cwd(), f.file)}: ${f.message} (${f.rule})`);
  console.log(
    findings.length === 0
      ? `${modules.length} Terraform directories under ${root}/ keep the TFLint rules of .tflint.hcl.`
      : `${findings.length} findings.`,
  );
  process.exit(findings.length === 0 ? 0 : 1);
}
