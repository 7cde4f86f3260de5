// Least privilege, derived: after the e2e run, compare for each function's role the (action,
// resource) pairs the IAM gate allowed with what the role grants. It fails when
// - a call was denied on a tested path (other than the denials a test provoked on purpose), or
// - a grant was used by no tested path and is not named, with the path that needs it, in
//   infra/grants-outside-local-tests.json (the one place for grants the local stack cannot exercise).
//   npx tsx tools/least-privilege.ts <report.json>…   (make test writes one report per e2e lane)
import { readFileSync, writeFileSync } from 'node:fs';
import * as v from 'valibot';
import type { IamReport, ObservedAuthorization } from '../emulation/iam/gate.js';
import { globMatches, type Statement } from '../emulation/iam/policy.js';

const NamedGrantsSchema = v.array(
  v.object({
    /** The function (without the environment's name prefix), or "*" for every function. */
    function: v.string(),
    action: v.string(),
    /** The path that needs the grant, and why no local test exercises it. */
    why: v.pipe(v.string(), v.minLength(10)),
  }),
);
export type NamedGrant = v.InferOutput<typeof NamedGrantsSchema>[number];

export interface GrantRow {
  role: string;
  action: string;
  resource: string;
  /** Calls the gate allowed through this grant. */
  used: number;
  /** Why it stays though no tested path used it. */
  named?: string;
}

export interface Verdict {
  rows: GrantRow[];
  problems: string[];
}

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** staging-order-api-lambda → order-api, given the functions named in the exceptions. */
const functionOf = (role: string): string => (role.split('/').pop() ?? role).replace(/-lambda$/, '');
const namesFunction = (grant: NamedGrant, fn: string): boolean =>
  grant.function === '*' || fn === grant.function || fn.endsWith(`-${grant.function}`);

/** Merges the lanes' reports: the same pair observed in two lanes adds up. */
export function mergeReports(reports: IamReport[]): IamReport {
  const observed = new Map<string, ObservedAuthorization>();
  for (const { role, action, resource, allowed, denied } of reports.flatMap((r) => r.observed)) {
    const key = `${role}\t${action}\t${resource}`;
    const entry = observed.get(key) ?? { role, action, resource, allowed: 0, denied: 0 };
    observed.set(key, { ...entry, allowed: entry.allowed + allowed, denied: entry.denied + denied });
  }
  return {
    observed: [...observed.values()],
    roles: Object.assign({}, ...reports.map((r) => r.roles)) as Record<string, Statement[]>,
    expectedDenials: reports.flatMap((r) => r.expectedDenials),
  };
}

export function leastPrivilege(report: IamReport, named: NamedGrant[]): Verdict {
  const problems: string[] = [];
  for (const o of report.observed) {
    if (o.denied === 0) continue;
    const expected = report.expectedDenials.some(
      (e) => e.role === o.role && e.action === o.action && e.resource === o.resource,
    );
    if (!expected) problems.push(`denied ${o.denied}×: ${o.role} ${o.action} on ${o.resource}`);
  }
  const rows: GrantRow[] = [];
  for (const [role, statements] of Object.entries(report.roles)) {
    const fn = functionOf(role);
    for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
      for (const action of list(statement.Action)) {
        for (const resource of list(statement.Resource)) {
          const used = report.observed
            .filter((o) => o.role === role && globMatches(action, o.action, true) && globMatches(resource, o.resource))
            .reduce((sum, o) => sum + o.allowed, 0);
          const why = named.find((g) => namesFunction(g, fn) && g.action.toLowerCase() === action.toLowerCase())?.why;
          rows.push({ role, action, resource, used, ...(why === undefined ? {} : { named: why }) });
          if (used === 0 && why === undefined)
            problems.push(
              `unused grant: ${role} ${action} on ${resource} (no tested path used it; remove it, test the path, or name it in infra/grants-outside-local-tests.json)`,
            );
        }
      }
    }
  }
  return { rows, problems };
}

export function renderVerdict({ rows, problems }: Verdict): string {
  const lines = ['| role | action | resource | calls allowed | kept because |', '|---|---|---|---:|---|'];
  for (const r of rows)
    lines.push(
      `| ${r.role.split('/').pop()} | ${r.action} | ${r.resource} | ${r.used} | ${r.used > 0 ? '' : (r.named ?? '**nothing**')} |`,
    );
  lines.push(
    '',
    problems.length === 0
      ? 'least privilege: every call allowed, every grant used or named'
      : 'least privilege: FAILED',
    ...problems.map((p) => `- ${p}`),
  );
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: npx tsx tools/least-privilege.ts <report.json>…');
    process.exit(2);
  }
  const report = mergeReports(files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as IamReport));
  const named = v.parse(NamedGrantsSchema, JSON.parse(readFileSync('infra/grants-outside-local-tests.json', 'utf8')));
  const verdict = leastPrivilege(report, named);
  const text = renderVerdict(verdict);
  writeFileSync('.local/least-privilege.md', `${text}\n`);
  console.log(text);
  process.exit(verdict.problems.length === 0 ? 0 : 1);
}
