import { describe, expect, it } from '@jest/globals';
import { createApplyProgress } from '../../../../local/stack/apply-progress.js';

// Lines shaped as `terraform apply -json` writes them (Terraform 1.11, trimmed to the fields read).
const at = (second: number) => `2026-12-01T14:42:${String(second).padStart(2, '0')}.000000Z`;
const hook = (type: string, addr: string, second: number, message: string) =>
  JSON.stringify({
    '@level': 'info',
    '@message': message,
    '@timestamp': at(second),
    hook: { resource: { addr }, action: 'create' },
    type,
  });
const DLQ = 'module.order_fanout.module.messaging.aws_sqs_queue.dlq';
const TABLE = 'module.order_fanout.module.tables.aws_dynamodb_table.this["orders"]';
const TOPIC = 'module.order_fanout.module.messaging.aws_sns_topic.this';
const lines = {
  version: JSON.stringify({ '@message': 'Terraform 1.11.4', '@timestamp': at(0), type: 'version' }),
  planned: JSON.stringify({
    '@message': 'Plan: 3 to add, 0 to change, 0 to destroy.',
    '@timestamp': at(8),
    changes: { add: 3, change: 0, import: 0, remove: 0, operation: 'plan' },
    type: 'change_summary',
  }),
  applied: JSON.stringify({
    '@message': 'Apply complete! Resources: 3 added, 0 changed, 0 destroyed.',
    '@timestamp': at(40),
    changes: { add: 3, change: 0, import: 0, remove: 0, operation: 'apply' },
    type: 'change_summary',
  }),
  dlqStart: hook('apply_start', DLQ, 10, `${DLQ}: Creating...`),
  tableStart: hook('apply_start', TABLE, 11, `${TABLE}: Creating...`),
  topicStart: hook('apply_start', TOPIC, 12, `${TOPIC}: Creating...`),
  dlqStill: hook('apply_progress', DLQ, 20, `${DLQ}: Still creating... [10s elapsed]`),
  tableDone: hook('apply_complete', TABLE, 13, `${TABLE}: Creation complete after 2s [id=orders]`),
  topicFailed: hook('apply_errored', TOPIC, 14, `${TOPIC}: Creation errored after 2s`),
  dlqDone: hook('apply_complete', DLQ, 35, `${DLQ}: Creation complete after 25s`),
};

describe('apply progress from terraform apply -json', () => {
  it("counts resources done of the plan's total and names the slowest still in flight", () => {
    const progress = createApplyProgress();
    for (const line of [lines.version, lines.planned, lines.dlqStart, lines.tableStart, lines.topicStart])
      progress.read(line);
    expect(progress.summary(Date.parse(at(18)))).toBe(`0/3 done; waiting on ${DLQ} (8 s) and 2 more`);

    progress.read(lines.tableDone);
    progress.read(lines.dlqStill);
    expect(progress.done).toBe(1);
    expect(progress.summary(Date.parse(at(30)))).toBe(`1/3 done; waiting on ${DLQ} (20 s) and 1 more`);

    progress.read(lines.topicFailed);
    progress.read(lines.dlqDone);
    progress.read(lines.applied); // the apply's own summary does not replace the plan's total
    expect(progress.summary(Date.parse(at(41)))).toBe('3/3 done');
  });

  it("returns each line's human-readable message, and text that is not JSON as it is", () => {
    const progress = createApplyProgress();
    expect(progress.read(lines.dlqStart)).toBe(`${DLQ}: Creating...`);
    expect(progress.read('panic: runtime error')).toBe('panic: runtime error');
    expect(progress.read('')).toBeUndefined();
  });

  it('says it is planning until the plan is summarised', () => {
    const progress = createApplyProgress();
    progress.read(lines.version);
    expect(progress.summary()).toBe('planning');
  });

  it('keeps the errors Terraform reports, with the resource they belong to', () => {
    const progress = createApplyProgress();
    progress.read(
      JSON.stringify({
        '@message': 'Warning: Deprecated flag: -state',
        type: 'diagnostic',
        diagnostic: { severity: 'warning', summary: 'Deprecated flag: -state' },
      }),
    );
    progress.read(
      JSON.stringify({
        '@message': 'Error: creating SQS Queue',
        type: 'diagnostic',
        diagnostic: {
          severity: 'error',
          summary: 'creating SQS Queue (inventory-queue)',
          detail: 'InvalidParameterValue: RedrivePolicy',
          address: 'aws_sqs_queue.this["inventory-queue"]',
        },
      }),
    );
    expect(progress.errors()).toEqual([
      'aws_sqs_queue.this["inventory-queue"]: creating SQS Queue (inventory-queue): InvalidParameterValue: RedrivePolicy',
    ]);
  });
});

describe('planned', () => {
  it('turns true when the plan reports its change summary, and stays so', () => {
    const progress = createApplyProgress();
    progress.read(lines.version);
    expect(progress.planned).toBe(false);
    progress.read(lines.planned);
    expect(progress.planned).toBe(true);
    progress.read(lines.dlqStart);
    expect(progress.planned).toBe(true);
  });
});
