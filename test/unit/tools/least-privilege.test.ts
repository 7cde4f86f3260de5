// The least-privilege verdict on fixed reports: denials fail it unless a test provoked them, a grant
// no tested path used fails it unless it is named with its reason, and lanes' reports add up.
import type { IamReport } from '../../../emulation/iam/gate.js';
import { leastPrivilege, mergeReports } from '../../../tools/least-privilege.js';

const role = 'arn:aws:iam::000000000000:role/local-inventory-lambda';
const table = 'arn:aws:dynamodb:us-east-1:000000000000:table/local-inventory';
const report = (over: Partial<IamReport> = {}): IamReport => ({
  observed: [{ role, action: 'dynamodb:UpdateItem', resource: table, allowed: 3, denied: 0 }],
  roles: {
    [role]: [
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: table },
      {
        Effect: 'Allow',
        Action: 'logs:PutLogEvents',
        Resource: 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/local-inventory:*',
      },
    ],
  },
  expectedDenials: [],
  ...over,
});
const logs = { function: '*', action: 'logs:PutLogEvents', why: 'Lambda writes the logs; the runtime prints them.' };

describe('leastPrivilege', () => {
  it('fails on a grant no tested path used, naming it', () => {
    const verdict = leastPrivilege(report(), [logs]);
    expect(verdict.problems).toEqual([expect.stringContaining(`unused grant: ${role} dynamodb:GetItem on ${table}`)]);
    expect(verdict.rows.find((r) => r.action === 'dynamodb:UpdateItem')?.used).toBe(3);
  });

  it('passes once every unused grant is named for that function, with its reason', () => {
    const getItem = {
      function: 'inventory',
      action: 'dynamodb:GetItem',
      why: 'the reservation read-back after a conflict',
    };
    expect(leastPrivilege(report(), [logs, getItem]).problems).toEqual([]);
    // Named for another function: still a problem.
    expect(leastPrivilege(report(), [logs, { ...getItem, function: 'billing' }]).problems).toHaveLength(1);
  });

  it('fails on a denial, unless a test provoked it on purpose', () => {
    const denied = report({
      observed: [{ role, action: 'dynamodb:UpdateItem', resource: table, allowed: 1, denied: 2 }],
    });
    const named = [logs, { function: '*', action: 'dynamodb:GetItem', why: 'x'.repeat(10) }];
    expect(leastPrivilege(denied, named).problems).toEqual([`denied 2×: ${role} dynamodb:UpdateItem on ${table}`]);
    const provoked = { ...denied, expectedDenials: [{ role, action: 'dynamodb:UpdateItem', resource: table }] };
    expect(leastPrivilege(provoked, named).problems).toEqual([]);
  });
});

describe('mergeReports', () => {
  it("adds up the lanes' observations of one pair", () => {
    const merged = mergeReports([report(), report()]);
    expect(merged.observed).toEqual([{ role, action: 'dynamodb:UpdateItem', resource: table, allowed: 6, denied: 0 }]);
  });
});
