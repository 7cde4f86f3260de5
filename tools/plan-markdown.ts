// Renders `terraform show -json <plan>` as the markdown a pull request shows: counts per action, a
// table of every change with why a resource is replaced or deleted, and the plan's own text
// collapsed, cut to fit one GitHub comment. The PR workflow and `make plan` print the same thing.
//   npx tsx tools/plan-markdown.ts plan.json [plan.txt] [--title "envs/aws"]
import { readFileSync } from 'node:fs';
import * as z from 'zod';

/** GitHub refuses a comment (or a step summary section) longer than this. */
export const COMMENT_LIMIT = 65_535;
/** The hidden line the workflow finds its own comment by. */
export const PLAN_MARKER = '<!-- order-fanout:terraform-plan -->';

// Only the parts of Terraform's JSON plan format (format_version 1.x) the summary reads.
const Step = z.union([z.string(), z.number()]);
const ResourceChange = z.object({
  address: z.string(),
  mode: z.enum(['managed', 'data']),
  change: z.object({
    actions: z.array(z.enum(['no-op', 'create', 'read', 'update', 'delete', 'forget'])).min(1),
    replace_paths: z.array(z.array(Step)).optional(),
  }),
  action_reason: z.string().optional(),
});
export const PlanSchema = z.object({
  format_version: z.string().regex(/^1\./, 'a Terraform JSON plan of format 1.x'),
  terraform_version: z.string(),
  resource_changes: z.array(ResourceChange).default([]),
  output_changes: z.record(z.string(), z.object({ actions: z.array(z.string()) })).default({}),
  errored: z.boolean().default(false),
});
export type Plan = z.infer<typeof PlanSchema>;

export type Action = 'create' | 'update' | 'replace' | 'delete' | 'read' | 'forget';
const ACTIONS: readonly Action[] = ['create', 'update', 'replace', 'delete', 'read', 'forget'];
const SYMBOL: Record<Action, string> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-',
  read: '<=',
  forget: '.',
};

/** Terraform's action list → one action; undefined for no-op. */
export function actionOf(actions: readonly string[]): Action | undefined {
  const key = actions.join(',');
  switch (key) {
    case 'create':
    case 'update':
    case 'delete':
    case 'read':
    case 'forget':
      return key;
    case 'delete,create':
    case 'create,delete':
    case 'create,forget':
      return 'replace';
    case 'no-op':
      return undefined;
    default:
      throw new Error(`unknown plan actions [${key}]`);
  }
}

const REASONS: Record<string, string> = {
  replace_because_tainted: 'tainted',
  replace_by_request: 'replacement requested (-replace)',
  replace_by_triggers: 'replace_triggered_by',
  delete_because_no_resource_config: 'removed from the configuration',
  delete_because_no_module: 'its module was removed',
  delete_because_wrong_repetition: 'count / for_each added or removed',
  delete_because_count_index: 'count index out of range',
  delete_because_each_key: 'for_each key removed',
  delete_because_no_move_target: 'moved block target missing',
  read_because_config_unknown: 'configuration known only after apply',
  read_because_dependency_pending: 'a dependency has changes pending',
  read_because_check_nested: 'a check block reads it',
};

/** `["tags", "Name"]` → `tags.Name`, `["ingress", 0, "cidr"]` → `ingress[0].cidr`. */
export function pathText(path: readonly (string | number)[]): string {
  return path.map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? step : `.${step}`)).join('');
}

export interface Row {
  address: string;
  action: Action;
  /** Why it is replaced (or deleted, or read): empty for a plain create or update. */
  why: string;
  /** create_before_destroy: the replacement is created before the old one is destroyed. */
  createFirst: boolean;
}

export function rowsOf(plan: Plan): Row[] {
  return plan.resource_changes.flatMap((rc): Row[] => {
    const action = actionOf(rc.change.actions);
    if (!action) return [];
    const paths = rc.change.replace_paths?.map(pathText) ?? [];
    let why = rc.action_reason ? (REASONS[rc.action_reason] ?? rc.action_reason) : '';
    if (rc.action_reason === 'replace_because_cannot_update' || (action === 'replace' && !rc.action_reason)) {
      why =
        paths.length > 0
          ? `cannot update in place: ${paths.map((p) => `\`${p}\``).join(', ')}`
          : 'cannot update in place';
    }
    return [
      { address: rc.address, action, why, createFirst: rc.change.actions[0] === 'create' && action === 'replace' },
    ];
  });
}

export function countsOf(rows: readonly Row[]): Record<Action, number> {
  const counts = Object.fromEntries(ACTIONS.map((a) => [a, 0])) as Record<Action, number>;
  for (const row of rows) counts[row.action] += 1;
  return counts;
}

/** Drops the trailer `terraform plan -out` prints after the plan ("Saved the plan to: …"). */
export function planTextOnly(text: string): string {
  const saved = text.search(/^\s*─+\s*\n+Saved the plan to:/m);
  return (saved >= 0 ? text.slice(0, saved) : text).replace(/^\s*\n/, '').trimEnd();
}

// In a table cell: a `|` ends the cell even inside a code span unless escaped.
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** A fence longer than any run of backticks in the text, so the text cannot close it. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}

export interface RenderOptions {
  /** What was planned, shown in the heading (e.g. "infra/envs/aws"). */
  title?: string;
  /** A line under the heading: where the plan comes from. */
  note?: string;
  /** The characters the whole markdown may use (default: one GitHub comment). */
  limit?: number;
}

/** The markdown for one plan; `text` is the human-readable plan (`terraform plan` / `terraform show` output). */
export function renderPlan(input: unknown, text?: string, options: RenderOptions = {}): string {
  const plan = PlanSchema.parse(input);
  const limit = options.limit ?? COMMENT_LIMIT;
  const rows = rowsOf(plan);
  const counts = countsOf(rows);
  const outputs = Object.values(plan.output_changes).filter((o) => !o.actions.every((a) => a === 'no-op')).length;

  const head: string[] = [PLAN_MARKER, `### Terraform plan${options.title ? `: ${code(options.title)}` : ''}`, ''];
  if (options.note) head.push(options.note, '');
  if (plan.errored)
    head.push('> [!CAUTION]', '> The plan failed: the changes below are incomplete. See the plan text.', '');
  if (rows.length === 0) {
    head.push(
      `**No changes.** The infrastructure matches the configuration${outputs ? ` (${outputs} output${outputs === 1 ? '' : 's'} change)` : ''}.`,
    );
  } else {
    const add = counts.create + counts.replace;
    const destroy = counts.delete + counts.replace;
    head.push(
      `**Plan:** ${add} to add, ${counts.update} to change, ${destroy} to destroy${outputs ? `; ${outputs} output${outputs === 1 ? '' : 's'} change` : ''}.`,
      '',
    );
    head.push('| action | count |', '|---|--:|');
    for (const action of ACTIONS)
      if (counts[action] > 0) head.push(`| ${SYMBOL[action]} ${action} | ${counts[action]} |`);
  }
  head.push('', `<sub>Terraform ${plan.terraform_version}</sub>`);

  // Replacements and deletions first (what a reviewer must look at), then the rest, each by address.
  const weight: Record<Action, number> = { replace: 0, delete: 1, forget: 2, update: 3, create: 4, read: 5 };
  const ordered = [...rows].sort((a, b) => weight[a.action] - weight[b.action] || a.address.localeCompare(b.address));
  const tableLines = ordered.map(
    (r) =>
      `| ${cell(code(r.address))} | ${SYMBOL[r.action]} ${r.action}${r.createFirst ? ' (create first)' : ''} | ${cell(r.why)} |`,
  );

  const join = (parts: string[]) => `${parts.join('\n')}\n`;
  let markdown = join(head);
  const fits = (extra: string) => markdown.length + extra.length <= limit;

  if (tableLines.length > 0) {
    const tableHead = ['', '| address | action | why |', '|---|---|---|'];
    // Keep whole rows while they fit, leaving room for the note and the plan text's summary.
    const reserve = 400;
    const kept: string[] = [];
    let size = markdown.length + join(tableHead).length + reserve;
    for (const line of tableLines) {
      if (size + line.length + 1 > limit) break;
      kept.push(line);
      size += line.length + 1;
    }
    markdown += join([...tableHead, ...kept]);
    if (kept.length < tableLines.length) {
      markdown += `\n_${tableLines.length - kept.length} more rows left out to fit GitHub's ${limit.toLocaleString('en-US')}-character limit._\n`;
    }
  }

  if (text !== undefined) {
    const body = planTextOnly(text);
    const fence = fenceFor(body);
    const open = `\n<details><summary>Plan text (${body.length.toLocaleString('en-US')} characters)</summary>\n\n${fence}text\n`;
    const close = `\n${fence}\n</details>\n`;
    const full = open + body + close;
    if (fits(full)) {
      markdown += full;
    } else {
      const note = (kept: number) =>
        `\n**The plan text was cut:** the first ${kept.toLocaleString('en-US')} of ${body.length.toLocaleString('en-US')} characters are shown, to fit GitHub's ${limit.toLocaleString('en-US')}-character limit. Run \`make plan\` (or \`terraform show\` on the plan) for all of it.\n`;
      const room = limit - markdown.length - open.length - close.length - note(body.length).length - 16;
      if (room > 0) {
        // Cut at a line end so no line is half shown.
        let kept = body.slice(0, room);
        const lastNewline = kept.lastIndexOf('\n');
        if (lastNewline > 0) kept = kept.slice(0, lastNewline);
        markdown += `${open + kept}\n…${close}${note(kept.length)}`;
      } else {
        markdown += note(0);
      }
    }
  }
  return markdown;
}

// CLI: plan.json [plan.txt] [--title T] → markdown on stdout.
if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const titleAt = args.indexOf('--title');
  const title = titleAt >= 0 ? args.splice(titleAt, 2)[1] : undefined;
  const [jsonFile, textFile] = args;
  if (!jsonFile) {
    console.error('usage: plan-markdown.ts plan.json [plan.txt] [--title T]');
    process.exit(2);
  }
  const plan: unknown = JSON.parse(readFileSync(jsonFile, 'utf8'));
  process.stdout.write(renderPlan(plan, textFile ? readFileSync(textFile, 'utf8') : undefined, { title }));
}
