// The pull request workflow's safety rules, read from the file (actionlint, in `make lint`, checks its syntax).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { PLAN_MARKER, renderPlan } from '../../../tools/plan-markdown.js';

const workflow = readFileSync(
  join(import.meta.dirname, '..', '..', '..', '.github', 'workflows', 'terraform.yml'),
  'utf8',
);
const job = (name: string) => workflow.slice(workflow.indexOf(`\n  ${name}:\n`)).split(/\n {2}[a-z-]+:\n/)[1] ?? '';

describe('.github/workflows/terraform.yml', () => {
  it('runs on pull_request only, never pull_request_target (which would run fork code with secrets)', () => {
    expect(workflow).toMatch(/\non:\n {2}pull_request:\n/);
    expect(workflow).not.toContain('pull_request_target');
  });

  it('grants nothing by default; only the plan job may write pull requests or ask for an OIDC token', () => {
    expect(workflow).toMatch(/\npermissions: \{\}\n/);
    expect(job('checks')).toMatch(/permissions:\n {6}contents: read\n {4}steps:/);
    expect(job('plan')).toMatch(/permissions:\n {6}contents: read\n {6}id-token: write.*\n {6}pull-requests: write/);
  });

  it('skips the plan without a role, and for forks', () => {
    expect(job('plan')).toContain(
      "if: vars.AWS_PLAN_ROLE_ARN != '' && github.event.pull_request.head.repo.full_name == github.repository",
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression under test, not a JavaScript template
    expect(job('plan')).toContain('role-to-assume: ${{ vars.AWS_PLAN_ROLE_ARN }}');
  });

  it('pins every action to a commit', () => {
    const uses = [...workflow.matchAll(/uses: (\S+)/g)].map((m) => m[1]);
    expect(uses.length).toBeGreaterThan(5);
    for (const ref of uses) expect(ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
  });

  it('finds its comment by the first line the renderer writes', () => {
    expect(renderPlan({ format_version: '1.2', terraform_version: '1.11.4' }).split('\n', 1)[0]).toBe(PLAN_MARKER);
    expect(job('plan')).toContain("const marker = body.split('\\n', 1)[0];");
    expect(job('plan')).toContain('tools/plan-markdown.ts');
  });
});
