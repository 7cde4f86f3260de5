// IAM's policy evaluation for one account, as AWS documents it ("Policy evaluation logic"): an
// explicit Deny in any policy wins; otherwise an Allow in the principal's identity-based policies or
// in the resource's own policy (for a principal of the same account, either is enough); otherwise the
// request is implicitly denied. Statements match on Action/NotAction, Resource/NotResource,
// Principal/NotPrincipal (resource policies) and Condition, with the condition operators below.
//
// Why not a library: @cloud-copilot/iam-simulate is AGPL-3.0 (refused by many companies that would
// copy this project), pbac (MIT) has not moved in years and calls itself "mostly compatible". This
// module implements only what the local gate needs, and fails loudly on anything else (an operator
// or a policy variable it does not know), so that it never allows by mistake.
import * as v from 'valibot';

const StringOrList = v.union([v.string(), v.array(v.string())]);

const StatementSchema = v.object({
  Sid: v.optional(v.string()),
  Effect: v.picklist(['Allow', 'Deny']),
  Action: v.optional(StringOrList),
  NotAction: v.optional(StringOrList),
  Resource: v.optional(StringOrList),
  NotResource: v.optional(StringOrList),
  Principal: v.optional(v.union([v.literal('*'), v.record(v.string(), StringOrList)])),
  NotPrincipal: v.optional(v.record(v.string(), StringOrList)),
  Condition: v.optional(v.record(v.string(), v.record(v.string(), v.union([StringOrList, v.boolean(), v.number()])))),
});
export type Statement = v.InferOutput<typeof StatementSchema>;

const PolicyDocumentSchema = v.object({
  Version: v.optional(v.string()),
  Id: v.optional(v.string()),
  Statement: v.union([StatementSchema, v.array(StatementSchema)]),
});

/** A policy as AWS keeps it (JSON, URL-encoded as IAM's API returns it, or already parsed), parsed into its statements. */
export function parsePolicy(document: string | object): Statement[] {
  const json =
    typeof document === 'string'
      ? JSON.parse(document.trimStart().startsWith('{') ? document : decodeURIComponent(document))
      : document;
  const { Statement } = v.parse(PolicyDocumentSchema, json);
  return Array.isArray(Statement) ? Statement : [Statement];
}

/** Who is asking: an assumed role's session (a function), or an AWS service principal (API Gateway invoking a function). */
export type Principal =
  | { kind: 'role'; sessionArn: string; roleArn: string; accountId: string }
  | { kind: 'service'; service: string };

export interface Authorization {
  /** "dynamodb:PutItem": service prefix and action, as a policy names them. */
  action: string;
  resource: string;
}

export interface EvaluationInput extends Authorization {
  principal: Principal;
  identityPolicy: Statement[];
  /** The resource's own policy (a queue's, a topic's, a function's), if it has one. */
  resourcePolicy?: Statement[];
  /** The request's condition keys (aws:SourceArn, aws:PrincipalArn, …): single values or lists. */
  context: Record<string, string | string[]>;
}

export type Decision =
  | { allowed: true; by: 'identity' | 'resource' }
  | { allowed: false; by: 'explicit-identity' | 'explicit-resource' | 'implicit' };

/** `*` matches any run of characters and `?` one, as IAM matches actions, resources and *Like conditions. */
export function globMatches(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern.includes('${')) throw new Error(`policy variables are not supported by the local IAM gate: ${pattern}`);
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function matchesAction(statement: Statement, action: string): boolean {
  if (statement.Action !== undefined) return list(statement.Action).some((a) => globMatches(a, action, true));
  if (statement.NotAction !== undefined) return !list(statement.NotAction).some((a) => globMatches(a, action, true));
  return false;
}

function matchesResource(statement: Statement, resource: string): boolean {
  if (statement.Resource !== undefined) return list(statement.Resource).some((r) => globMatches(r, resource));
  if (statement.NotResource !== undefined) return !list(statement.NotResource).some((r) => globMatches(r, resource));
  return false;
}

/** A Principal element's values for this principal: a role matches its ARN, its session's ARN, its account's root or id, and `*`. */
function principalMatches(principals: '*' | Record<string, string | string[]>, principal: Principal): boolean {
  if (principals === '*') return true;
  if (principal.kind === 'service') return list(principals.Service).includes(principal.service);
  const names = new Set([
    '*',
    principal.roleArn,
    principal.sessionArn,
    principal.accountId,
    `arn:aws:iam::${principal.accountId}:root`,
  ]);
  return list(principals.AWS).some((name) => names.has(name));
}

type Operator = (value: string, pattern: string) => boolean;

const number = (text: string): number => {
  const n = Number(text);
  if (Number.isNaN(n)) throw new Error(`not a number in a Numeric condition: ${text}`);
  return n;
};

/** The operators' positive forms; a `Not` form is true when the value matches none of the patterns. */
const OPERATORS: Record<string, Operator> = {
  StringEquals: (value, pattern) => value === pattern,
  StringEqualsIgnoreCase: (value, pattern) => value.toLowerCase() === pattern.toLowerCase(),
  StringLike: (value, pattern) => globMatches(pattern, value),
  ArnEquals: (value, pattern) => value === pattern,
  ArnLike: (value, pattern) => globMatches(pattern, value),
  NumericEquals: (value, pattern) => number(value) === number(pattern),
  NumericLessThan: (value, pattern) => number(value) < number(pattern),
  NumericLessThanEquals: (value, pattern) => number(value) <= number(pattern),
  NumericGreaterThan: (value, pattern) => number(value) > number(pattern),
  NumericGreaterThanEquals: (value, pattern) => number(value) >= number(pattern),
  Bool: (value, pattern) => value.toLowerCase() === pattern.toLowerCase(),
};
const NEGATED: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
  NumericNotEquals: 'NumericEquals',
};

/** One operator block ({ "ArnNotEquals": { "aws:PrincipalArn": [...] } }) against the request's context. */
function conditionHolds(
  operatorName: string,
  keys: Record<string, string | string[] | boolean | number>,
  context: EvaluationInput['context'],
): boolean {
  const [setPrefix, rest] = operatorName.includes(':') ? operatorName.split(':', 2) : [undefined, operatorName];
  const name = rest ?? operatorName;
  const ifExists = name.endsWith('IfExists');
  const base = ifExists ? name.slice(0, -'IfExists'.length) : name;
  return Object.entries(keys).every(([key, raw]) => {
    const patterns = (Array.isArray(raw) ? raw : [raw]).map(String);
    // Condition key names are case-insensitive (Lambda writes "AWS:SourceArn").
    const found = Object.keys(context).find((name) => name.toLowerCase() === key.toLowerCase());
    const present = found !== undefined;
    const values = present ? list(context[found]) : [];
    if (base === 'Null') return patterns.some((p) => (p.toLowerCase() === 'true') === !present);
    if (!present) return ifExists || base in NEGATED;
    const negated = NEGATED[base];
    const operator = OPERATORS[negated ?? base];
    if (operator === undefined)
      throw new Error(`condition operator ${operatorName} is not supported by the local IAM gate`);
    const one = (value: string): boolean => {
      const any = patterns.some((p) => operator(value, p));
      return negated === undefined ? any : !any;
    };
    if (setPrefix === 'ForAllValues') return values.every(one);
    if (setPrefix === 'ForAnyValue' || setPrefix === undefined) return values.some(one);
    throw new Error(`condition set operator ${setPrefix} is not supported by the local IAM gate`);
  });
}

function applies(statement: Statement, input: EvaluationInput, resourcePolicy: boolean): boolean {
  if (!matchesAction(statement, input.action) || !matchesResource(statement, input.resource)) return false;
  if (resourcePolicy) {
    if (statement.Principal !== undefined && !principalMatches(statement.Principal, input.principal)) return false;
    if (statement.NotPrincipal !== undefined && principalMatches(statement.NotPrincipal, input.principal)) return false;
    if (statement.Principal === undefined && statement.NotPrincipal === undefined) return false;
  }
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    conditionHolds(operator, keys, input.context),
  );
}

/** The decision AWS would make for one (action, resource) of a request by a principal of the resource's own account. */
export function evaluate(input: EvaluationInput): Decision {
  const identity = input.principal.kind === 'role' ? input.identityPolicy.filter((s) => applies(s, input, false)) : [];
  const resource = (input.resourcePolicy ?? []).filter((s) => applies(s, input, true));
  if (identity.some((s) => s.Effect === 'Deny')) return { allowed: false, by: 'explicit-identity' };
  if (resource.some((s) => s.Effect === 'Deny')) return { allowed: false, by: 'explicit-resource' };
  if (identity.some((s) => s.Effect === 'Allow')) return { allowed: true, by: 'identity' };
  if (resource.some((s) => s.Effect === 'Allow')) return { allowed: true, by: 'resource' };
  return { allowed: false, by: 'implicit' };
}

/** AWS's message for a denial, as the services word it today (the action spelled as the service spells it). */
export function denialMessage(callerArn: string, action: string, resource: string, by: Decision['by']): string {
  const why =
    by === 'explicit-identity'
      ? 'with an explicit deny in an identity-based policy'
      : by === 'explicit-resource'
        ? 'with an explicit deny in a resource-based policy'
        : `because no identity-based policy allows the ${action} action`;
  return `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
}
