// The launcher's fixes (emulation/moto/fixes/<service>/<fix>.py): each is listed once in launcher.py's
// FIXES, so it is applied, in a known order; each says what moto does and what AWS does, and has an
// apply(). Read as text: nothing is started. What each fix does is proven in test/emulation/moto/fixes/.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { motoLauncher } from '../../../../emulation/moto/python.mjs';

const fixesDir = join(motoLauncher, '..', 'fixes');

/** Every fix module as "service.fix" (the packages' __init__.py excluded). */
function fixModules(): string[] {
  return readdirSync(fixesDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.py') && !file.endsWith('__init__.py'))
    .map((file) => file.replace(/\.py$/, '').split('/').join('.'))
    .sort();
}

/** launcher.py's FIXES, in its order. */
function listed(): string[] {
  const block = /^FIXES = \[\n([\s\S]*?)^\]/m.exec(readFileSync(motoLauncher, 'utf8'))?.[1] ?? '';
  return [...block.matchAll(/^\s*"([\w.]+)",/gm)].map((match) => match[1] ?? '');
}

describe('the launcher’s fixes', () => {
  it('lists every fix module exactly once, and nothing else', () => {
    const names = listed();

    expect(names.length).toBeGreaterThan(15);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(fixModules());
  });

  it.each(fixModules())('%s says what moto does and what AWS does, and has an apply()', (name) => {
    const source = readFileSync(join(fixesDir, `${name.split('.').join('/')}.py`), 'utf8');
    const docstring = /^"""([\s\S]*?)"""/.exec(source)?.[1] ?? '';

    expect(docstring).toMatch(/^What moto does: /m);
    expect(docstring).toMatch(/^What AWS does: /m);
    expect(docstring).toMatch(/^This fix\b/m);
    expect(source).toMatch(/^def apply\(/m);
  });

  it('applies each fix after the ones whose patches it wraps', () => {
    const names = listed();
    const appliedFirst = (a: string, b: string) => names.indexOf(a) < names.indexOf(b);

    expect(appliedFirst('dynamodb.item_level_rollback', 'dynamodb.transaction_isolation')).toBe(true);
    expect(appliedFirst('dynamodbstreams.no_mapping_delivery', 'dynamodbstreams.retention')).toBe(true);
    expect(appliedFirst('dynamodb.transaction_isolation', 'dynamodbstreams.retention')).toBe(true);
    expect(appliedFirst('dynamodbstreams.retention', 'dynamodbstreams.wait_for_record')).toBe(true);
    expect(appliedFirst('sqs.redrive_policy_compact', 'sqs.send_without_recount')).toBe(true);
  });
});
