// Lambda's event filtering (FilterCriteria), the EventBridge pattern syntax Lambda accepts, applied
// to a record as the function would receive it (pure). AWS "Control which events Lambda sends to
// your function": a record passes when it matches any of the mapping's filters (at most 5); a pattern
// matches when every key matches (AND); a key's list matches when any entry matches (OR); an event
// list matches when any of its elements does. Entries: a string, number, boolean or null (equality),
// {prefix}, {suffix}, {equals-ignore-case}, {anything-but: value | list | {prefix} | {suffix}},
// {numeric: [op, n, (op, n)]}, {exists: boolean}, {cidr}; and {"$or": [pattern, …]} at any level.
// A pattern Lambda would refuse at CreateEventSourceMapping throws FilterPatternError.

export class FilterPatternError extends Error {
  override name = 'FilterPatternError';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Leaf = null | boolean | number | string;
type Matcher = (value: Leaf) => boolean;
/** Compiled pattern: every field must hold; `$or` alternatives are patterns of their own. */
interface Pattern {
  fields: { path: string; node: Pattern | Field }[];
  or: Pattern[][];
}
interface Field {
  matchers: Matcher[];
  /** {exists: false} entries match a missing key; any other entry needs the key present. */
  matchesMissing: boolean;
  exists: boolean;
}

const MAX_FILTERS = 5;
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isLeaf = (value: unknown): value is Leaf =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

const NUMERIC_OPS: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function numeric(spec: unknown, where: string): Matcher {
  if (!Array.isArray(spec) || spec.length === 0 || spec.length % 2 !== 0 || spec.length > 4) {
    throw new FilterPatternError(`${where}: numeric takes [op, number] or [op, number, op, number]`);
  }
  const checks: ((value: number) => boolean)[] = [];
  for (let i = 0; i < spec.length; i += 2) {
    const [op, bound] = [spec[i], spec[i + 1]];
    const compare = typeof op === 'string' ? NUMERIC_OPS[op] : undefined;
    if (compare === undefined || typeof bound !== 'number')
      throw new FilterPatternError(
        `${where}: numeric ${JSON.stringify(spec)} is not [op, number, …] with op one of = < <= > >=`,
      );
    checks.push((value) => compare(value, bound));
  }
  return (value) => typeof value === 'number' && checks.every((check) => check(value));
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return undefined;
  return parts.reduce((sum, part) => sum * 256 + Number(part), 0);
}

function cidr(spec: unknown, where: string): Matcher {
  const match = typeof spec === 'string' ? /^([\d.]+)\/(\d{1,2})$/.exec(spec) : null;
  const base = match?.[1] === undefined ? undefined : ipv4(match[1]);
  const bits = Number(match?.[2]);
  if (base === undefined || bits > 32)
    throw new FilterPatternError(`${where}: cidr ${JSON.stringify(spec)} is not an IPv4 block such as 10.0.0.0/24`);
  const size = 2 ** (32 - bits);
  const start = Math.floor(base / size) * size;
  return (value) => {
    const address = typeof value === 'string' ? ipv4(value) : undefined;
    return address !== undefined && address >= start && address < start + size;
  };
}

function stringOperand(spec: unknown, operator: string, where: string): string {
  if (typeof spec !== 'string')
    throw new FilterPatternError(`${where}: ${operator} takes a string, got ${JSON.stringify(spec)}`);
  return spec;
}

function anythingBut(spec: unknown, where: string): Matcher {
  if (isLeaf(spec)) return (value) => value !== spec;
  if (Array.isArray(spec)) {
    if (!spec.every((entry) => isLeaf(entry)))
      throw new FilterPatternError(`${where}: anything-but lists only strings and numbers`);
    const excluded = new Set<unknown>(spec);
    return (value) => !excluded.has(value);
  }
  if (isObject(spec) && Object.keys(spec).length === 1) {
    const [operator, operand] = Object.entries(spec)[0] ?? [];
    if (operator === 'prefix') {
      const prefix = stringOperand(operand, 'anything-but prefix', where);
      return (value) => typeof value === 'string' && !value.startsWith(prefix);
    }
    if (operator === 'suffix') {
      const suffix = stringOperand(operand, 'anything-but suffix', where);
      return (value) => typeof value === 'string' && !value.endsWith(suffix);
    }
    if (operator === 'equals-ignore-case') {
      const excluded = (Array.isArray(operand) ? operand : [operand]).map((entry) =>
        stringOperand(entry, 'anything-but equals-ignore-case', where).toLowerCase(),
      );
      return (value) => typeof value === 'string' && !excluded.includes(value.toLowerCase());
    }
  }
  throw new FilterPatternError(
    `${where}: anything-but takes a value, a list, or {prefix | suffix | equals-ignore-case}`,
  );
}

function compileField(entries: unknown[], where: string): Field {
  if (entries.length === 0) throw new FilterPatternError(`${where}: an empty list matches nothing`);
  const field: Field = { matchers: [], matchesMissing: false, exists: false };
  for (const entry of entries) {
    if (isLeaf(entry)) {
      field.matchers.push((value) => value === entry);
      continue;
    }
    if (!isObject(entry) || Object.keys(entry).length !== 1)
      throw new FilterPatternError(`${where}: ${JSON.stringify(entry)} is not a value or a one-key operator object`);
    const [operator, operand] = Object.entries(entry)[0] ?? [];
    switch (operator) {
      case 'prefix': {
        const prefix = stringOperand(isObject(operand) ? operand['equals-ignore-case'] : operand, 'prefix', where);
        const ignoreCase = isObject(operand);
        field.matchers.push(
          (value) =>
            typeof value === 'string' &&
            (ignoreCase ? value.toLowerCase().startsWith(prefix.toLowerCase()) : value.startsWith(prefix)),
        );
        break;
      }
      case 'suffix': {
        const suffix = stringOperand(isObject(operand) ? operand['equals-ignore-case'] : operand, 'suffix', where);
        const ignoreCase = isObject(operand);
        field.matchers.push(
          (value) =>
            typeof value === 'string' &&
            (ignoreCase ? value.toLowerCase().endsWith(suffix.toLowerCase()) : value.endsWith(suffix)),
        );
        break;
      }
      case 'equals-ignore-case': {
        const expected = stringOperand(operand, 'equals-ignore-case', where).toLowerCase();
        field.matchers.push((value) => typeof value === 'string' && value.toLowerCase() === expected);
        break;
      }
      case 'anything-but':
        field.matchers.push(anythingBut(operand, where));
        break;
      case 'numeric':
        field.matchers.push(numeric(operand, where));
        break;
      case 'cidr':
        field.matchers.push(cidr(operand, where));
        break;
      case 'exists':
        if (typeof operand !== 'boolean') throw new FilterPatternError(`${where}: exists takes true or false`);
        if (operand) field.exists = true;
        else field.matchesMissing = true;
        break;
      default:
        throw new FilterPatternError(`${where}: unknown operator ${String(operator)}`);
    }
  }
  return field;
}

function compile(pattern: unknown, where: string): Pattern {
  if (!isObject(pattern)) throw new FilterPatternError(`${where}: a pattern is a JSON object`);
  const compiled: Pattern = { fields: [], or: [] };
  for (const [key, value] of Object.entries(pattern)) {
    const path = where === '' ? key : `${where}.${key}`;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2)
        throw new FilterPatternError(`${path}: $or takes a list of at least two patterns`);
      compiled.or.push(value.map((alternative, i) => compile(alternative, `${path}[${i}]`)));
    } else if (Array.isArray(value)) {
      compiled.fields.push({ path: key, node: compileField(value, path) });
    } else if (isObject(value)) {
      compiled.fields.push({ path: key, node: compile(value, path) });
    } else {
      throw new FilterPatternError(
        `${path}: a value in a pattern must be a list or an object, got ${JSON.stringify(value)}`,
      );
    }
  }
  if (compiled.fields.length === 0 && compiled.or.length === 0)
    throw new FilterPatternError(`${where || 'pattern'}: an empty pattern`);
  return compiled;
}

const isPattern = (node: Pattern | Field): node is Pattern => 'fields' in node;

function matchesField(field: Field, value: Json | undefined): boolean {
  if (value === undefined) return field.matchesMissing;
  // An object is not a leaf: only {exists: true} would name it, and EventBridge matches leaves only.
  const leaves = (Array.isArray(value) ? value : [value]).filter((entry): entry is Leaf => isLeaf(entry));
  if (field.exists && leaves.length > 0) return true;
  return leaves.some((leaf) => field.matchers.some((matcher) => matcher(leaf)));
}

function matches(pattern: Pattern, event: Json | undefined): boolean {
  const object = isObject(event) ? event : undefined;
  for (const { path, node } of pattern.fields) {
    const value = object?.[path] as Json | undefined;
    if (isPattern(node)) {
      // An event list of objects matches when one of them does.
      const candidates = Array.isArray(value) ? value : [value];
      if (!candidates.some((candidate) => matches(node, candidate))) return false;
    } else if (!matchesField(node, value)) {
      return false;
    }
  }
  return pattern.or.every((alternatives) => alternatives.some((alternative) => matches(alternative, event)));
}

export interface EventFilter {
  /** True when the record passes (no filters: everything passes). */
  (record: unknown): boolean;
  readonly patterns: number;
}

/** FilterCriteria.Filters[].Pattern (JSON text) → one predicate; throws FilterPatternError for a pattern Lambda refuses. */
export function compileFilters(filters: readonly { Pattern?: string | undefined }[] | undefined): EventFilter {
  const list = filters ?? [];
  if (list.length > MAX_FILTERS) throw new FilterPatternError(`at most ${MAX_FILTERS} filters, got ${list.length}`);
  const compiled = list.map(({ Pattern: text }, i) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text ?? '');
    } catch {
      throw new FilterPatternError(`filter ${i}: pattern is not JSON: ${text ?? '(none)'}`);
    }
    return compile(parsed, '');
  });
  const filter = (record: unknown): boolean =>
    compiled.length === 0 || compiled.some((pattern) => matches(pattern, record as Json));
  return Object.assign(filter, { patterns: compiled.length });
}
