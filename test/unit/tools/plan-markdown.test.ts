import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  COMMENT_LIMIT,
  PLAN_MARKER,
  actionOf,
  pathText,
  planTextOnly,
  renderPlan,
} from '../../../tools/plan-markdown.js';

// Real `terraform show -json` / `terraform plan` output (test/fixtures/plans/generate.sh makes them).
const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'plans');
const fixture = (name: string) => ({
  json: JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as unknown,
  text: readFileSync(join(dir, `${name}.txt`), 'utf8'),
});
/** The table rows of the rendered markdown: address → [action, why]. */
const tableOf = (markdown: string) =>
  Object.fromEntries(
    markdown
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) => l.slice(2, -2).split(' | '))
      .map(([address = '', action = '', why = '']) => [address.replace(/`/g, '').replace(/\\\|/g, '|'), [action, why]]),
  );
/** Terraform's own summary line in the plan text. */
const terraformSummary = (text: string) => /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(text)?.slice(1);
const headline = (markdown: string) =>
  /\*\*Plan:\*\* (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(markdown)?.slice(1);

describe('renderPlan on real plans', () => {
  it.each(['create', 'update', 'replace', 'delete', 'large'])('%s: counts what Terraform itself counts', (name) => {
    const { json, text } = fixture(name);
    const summary = terraformSummary(text);
    expect(summary).toBeDefined();
    expect(headline(renderPlan(json, text))).toEqual(summary);
  });

  it('create only: one row per resource, the output change counted, the plan text whole and collapsed', () => {
    const { json, text } = fixture('create');
    const md = renderPlan(json, text, { title: 'infra/envs/aws' });

    expect(md.startsWith(`${PLAN_MARKER}\n### Terraform plan: \`infra/envs/aws\``)).toBe(true);
    expect(md).toContain('| + create | 3 |');
    expect(md).toContain('1 output change');
    expect(tableOf(md)).toEqual({
      'terraform_data.queue["billing"]': ['+ create', ''],
      'terraform_data.queue["inventory"]': ['+ create', ''],
      'terraform_data.topic': ['+ create', ''],
    });
    expect(md).toContain('<details><summary>Plan text');
    expect(md).toContain('# terraform_data.topic will be created');
    expect(md).not.toContain('Saved the plan to');
    expect(md).not.toContain('was cut');
  });

  it('update in place: the changed resource only (no-ops are left out)', () => {
    const { json, text } = fixture('update');
    const md = renderPlan(json, text);

    expect(md).toContain('| ~ update | 1 |');
    expect(tableOf(md)).toEqual({ 'terraform_data.queue': ['~ update', ''] });
  });

  it('replace: says why each is replaced, and which are created before destroyed', () => {
    const { json, text } = fixture('replace');
    const md = renderPlan(json, text);

    expect(md).toContain('| -/+ replace | 4 |');
    expect(tableOf(md)).toEqual({
      'terraform_data.alarm': ['-/+ replace', 'replacement requested (-replace)'],
      'terraform_data.function': ['-/+ replace (create first)', 'cannot update in place: `triggers_replace`'],
      'terraform_data.mapping': ['-/+ replace', 'replace_triggered_by'],
      'terraform_data.table': ['-/+ replace', 'cannot update in place: `triggers_replace`'],
    });
  });

  it('delete: says why each goes; the kept resource is not listed', () => {
    const { json, text } = fixture('delete');
    const md = renderPlan(json, text);

    expect(md).toContain('| - delete | 3 |');
    expect(tableOf(md)).toEqual({
      'terraform_data.legacy': ['- delete', 'removed from the configuration'],
      'terraform_data.queue[1]': ['- delete', 'count index out of range'],
      'terraform_data.queue[2]': ['- delete', 'count index out of range'],
    });
  });

  it('no changes: says so, with no table', () => {
    const { json, text } = fixture('no-changes');
    const md = renderPlan(json, text);

    expect(md).toContain('**No changes.**');
    expect(md).not.toContain('| address |');
    expect(tableOf(md)).toEqual({});
  });

  it('a plan longer than a comment: cut at a line end to fit, the fence closed, with a note', () => {
    const { json, text } = fixture('large');
    expect(text.length).toBeGreaterThan(COMMENT_LIMIT);

    const md = renderPlan(json, text);

    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(md.length).toBeGreaterThan(COMMENT_LIMIT - 2_000); // it uses the room it has
    expect(Object.keys(tableOf(md))).toHaveLength(200); // every row still listed
    expect(md).toMatch(/\*\*The plan text was cut:\*\* the first [\d,]+ of [\d,]+ characters are shown/);
    const shown = md.slice(md.indexOf('```text\n') + 8, md.lastIndexOf('\n…\n```'));
    expect(planTextOnly(text).startsWith(shown)).toBe(true);
    expect(planTextOnly(text)[shown.length]).toBe('\n');
    expect(md).toMatch(/\n```\n<\/details>\n/);
  });

  it('a table longer than the limit keeps whole rows and says how many are left out', () => {
    const { json, text } = fixture('large');
    const md = renderPlan(json, text, { limit: 8_000 });

    expect(md.length).toBeLessThanOrEqual(8_000);
    const rows = Object.keys(tableOf(md)).length;
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(200);
    expect(md).toContain(`_${200 - rows} more rows left out`);
  });

  it('plan text holding a code fence cannot close the collapsed block early', () => {
    const { json, text } = fixture('update');
    const md = renderPlan(json, text.replace('Terraform will perform', '```\nTerraform will perform'));

    expect(md).toContain('````text\n');
    expect(md).toMatch(/\n````\n<\/details>\n$/);
  });

  it('refuses what is not a JSON plan', () => {
    expect.assertions(1);
    expect(() => renderPlan({ format_version: '0.1', resource_changes: [] })).toThrow(
      /format_version|terraform_version/,
    );
  });
});

describe('the parts', () => {
  it.each([
    [['create'], 'create'],
    [['update'], 'update'],
    [['delete', 'create'], 'replace'],
    [['create', 'delete'], 'replace'],
    [['delete'], 'delete'],
    [['read'], 'read'],
    [['no-op'], undefined],
  ])('actionOf(%j) is %s', (actions, expected) => {
    expect(actionOf(actions)).toBe(expected);
  });

  it('names attribute paths as Terraform writes them', () => {
    expect(pathText(['ingress', 0, 'cidr_blocks'])).toBe('ingress[0].cidr_blocks');
    expect(pathText(['name'])).toBe('name');
  });
});
