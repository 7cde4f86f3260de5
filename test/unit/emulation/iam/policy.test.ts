// IAM's evaluation logic on fixed policies: explicit deny first, then identity or resource policy,
// principals, and the condition operators the stack's policies use.
import { denialMessage, evaluate, globMatches, parsePolicy, type Principal } from '../../../../emulation/iam/policy.js';

const ACCOUNT = '123456789012';
const role: Principal = {
  kind: 'role',
  roleArn: `arn:aws:iam::${ACCOUNT}:role/staging-inventory-lambda`,
  sessionArn: `arn:aws:sts::${ACCOUNT}:assumed-role/staging-inventory-lambda/staging-inventory`,
  accountId: ACCOUNT,
};
const table = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/staging-inventory`;
const topic = `arn:aws:sns:us-east-1:${ACCOUNT}:staging-order-events`;
const context = { 'aws:PrincipalArn': role.kind === 'role' ? role.roleArn : '' };

const allowTable = parsePolicy({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: table }],
});

describe('evaluate', () => {
  it('allows what an identity statement allows, and nothing else (implicit deny)', () => {
    expect(
      evaluate({ action: 'dynamodb:GetItem', resource: table, principal: role, identityPolicy: allowTable, context }),
    ).toEqual({
      allowed: true,
      by: 'identity',
    });
    expect(
      evaluate({ action: 'dynamodb:PutItem', resource: table, principal: role, identityPolicy: allowTable, context }),
    ).toEqual({
      allowed: false,
      by: 'implicit',
    });
    expect(
      evaluate({
        action: 'dynamodb:GetItem',
        resource: `${table}-other`,
        principal: role,
        identityPolicy: allowTable,
        context,
      }),
    ).toEqual({ allowed: false, by: 'implicit' });
  });

  it('lets an explicit deny beat an allow, in the identity policy and in the resource policy', () => {
    const withDeny = [
      ...allowTable,
      ...parsePolicy({ Statement: { Effect: 'Deny', Action: 'dynamodb:*', Resource: '*' } }),
    ];
    expect(
      evaluate({ action: 'dynamodb:GetItem', resource: table, principal: role, identityPolicy: withDeny, context }),
    ).toEqual({
      allowed: false,
      by: 'explicit-identity',
    });
    const denyingResource = parsePolicy({
      Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'dynamodb:GetItem', Resource: table }],
    });
    expect(
      evaluate({
        action: 'dynamodb:GetItem',
        resource: table,
        principal: role,
        identityPolicy: allowTable,
        resourcePolicy: denyingResource,
        context,
      }),
    ).toEqual({ allowed: false, by: 'explicit-resource' });
  });

  it('applies the topic policy: only the publishers it names, everyone else denied by ArnNotEquals on aws:PrincipalArn', () => {
    const publisher = `arn:aws:iam::${ACCOUNT}:role/staging-billing-lambda`;
    const topicPolicy = parsePolicy({
      Statement: [
        { Sid: 'Publishers', Effect: 'Allow', Principal: { AWS: [publisher] }, Action: 'sns:Publish', Resource: topic },
        {
          Sid: 'NobodyElse',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'sns:Publish',
          Resource: topic,
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': [publisher] } },
        },
      ],
    });
    const mayPublish = parsePolicy({ Statement: { Effect: 'Allow', Action: 'sns:Publish', Resource: topic } });
    // inventory's own role allows the publish, but the topic names only billing.
    expect(
      evaluate({
        action: 'sns:Publish',
        resource: topic,
        principal: role,
        identityPolicy: mayPublish,
        resourcePolicy: topicPolicy,
        context,
      }),
    ).toEqual({ allowed: false, by: 'explicit-resource' });
    const billing: Principal = {
      kind: 'role',
      roleArn: publisher,
      sessionArn: `arn:aws:sts::${ACCOUNT}:assumed-role/staging-billing-lambda/staging-billing`,
      accountId: ACCOUNT,
    };
    // The topic's own Allow is enough for a principal of its account, with no identity grant at all.
    expect(
      evaluate({
        action: 'sns:Publish',
        resource: topic,
        principal: billing,
        identityPolicy: [],
        resourcePolicy: topicPolicy,
        context: { 'aws:PrincipalArn': publisher },
      }),
    ).toEqual({ allowed: true, by: 'resource' });
  });

  it('lets a service principal in through a resource policy with its source ARN (ArnLike, case-insensitive key)', () => {
    const fn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:staging-order-api`;
    const permission = parsePolicy(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'post',
            Effect: 'Allow',
            Principal: { Service: 'apigateway.amazonaws.com' },
            Action: 'lambda:InvokeFunction',
            Resource: fn,
            Condition: {
              ArnLike: { 'AWS:SourceArn': `arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123/*/POST/orders` },
            },
          },
        ],
      }),
    );
    const apigateway: Principal = { kind: 'service', service: 'apigateway.amazonaws.com' };
    const invoke = (sourceArn: string) =>
      evaluate({
        action: 'lambda:InvokeFunction',
        resource: fn,
        principal: apigateway,
        identityPolicy: [],
        resourcePolicy: permission,
        context: { 'aws:SourceArn': sourceArn },
      }).allowed;
    expect(invoke(`arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123/prod/POST/orders`)).toBe(true);
    expect(invoke(`arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123/prod/DELETE/orders`)).toBe(false);
    expect(invoke(`arn:aws:execute-api:us-east-1:${ACCOUNT}:other/prod/POST/orders`)).toBe(false);
  });

  it.each([
    ['StringEquals', { 'aws:SourceAccount': ACCOUNT }, { 'aws:SourceAccount': ACCOUNT }, true],
    ['StringEquals', { 'aws:SourceAccount': ACCOUNT }, { 'aws:SourceAccount': '999999999999' }, false],
    ['StringEquals', { 'aws:SourceAccount': ACCOUNT }, {}, false],
    ['StringNotEquals', { 'aws:SourceAccount': ACCOUNT }, {}, true],
    ['StringEqualsIfExists', { 'aws:SourceAccount': ACCOUNT }, {}, true],
    [
      'StringLike',
      { 'aws:PrincipalArn': 'arn:aws:iam::*:role/staging-*' },
      { 'aws:PrincipalArn': role.kind === 'role' ? role.roleArn : '' },
      true,
    ],
    ['Null', { 'aws:SourceArn': 'true' }, {}, true],
    ['Null', { 'aws:SourceArn': 'true' }, { 'aws:SourceArn': 'x' }, false],
    ['Bool', { 'aws:SecureTransport': 'true' }, { 'aws:SecureTransport': 'true' }, true],
    ['NumericLessThan', { 'aws:MultiFactorAuthAge': '3600' }, { 'aws:MultiFactorAuthAge': '60' }, true],
    ['ForAllValues:StringEquals', { 'aws:TagKeys': ['a', 'b'] }, { 'aws:TagKeys': ['a'] }, true],
    ['ForAnyValue:StringEquals', { 'aws:TagKeys': ['c'] }, { 'aws:TagKeys': ['a', 'b'] }, false],
  ])('%s %j against %j: %s', (operator, keys, requestContext, expected) => {
    const identityPolicy = parsePolicy({
      Statement: { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*', Condition: { [operator]: keys } },
    });
    expect(
      evaluate({
        action: 'dynamodb:GetItem',
        resource: table,
        principal: role,
        identityPolicy,
        context: requestContext,
      }).allowed,
    ).toBe(expected);
  });

  it('refuses to guess: an operator or a policy variable it does not know throws', () => {
    expect.assertions(2);
    const unknownOperator = parsePolicy({
      Statement: {
        Effect: 'Allow',
        Action: '*',
        Resource: '*',
        Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      },
    });
    expect(() =>
      evaluate({
        action: 'dynamodb:GetItem',
        resource: table,
        principal: role,
        identityPolicy: unknownOperator,
        context: { 'aws:SourceIp': '10.1.1.1' },
      }),
    ).toThrow(/IpAddress/);
    const variable = parsePolicy({
      Statement: { Effect: 'Allow', Action: '*', Resource: `arn:aws:s3:::${'$'}{aws:username}/*` },
    });
    expect(() =>
      evaluate({
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::a/b',
        principal: role,
        identityPolicy: variable,
        context,
      }),
    ).toThrow(/policy variables/);
  });

  it("reads IAM's URL-encoded documents", () => {
    const encoded = encodeURIComponent(
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] }),
    );
    expect(parsePolicy(encoded)).toEqual([{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }]);
  });
});

describe('globMatches', () => {
  it('matches actions case-insensitively and resources exactly, with * and ?', () => {
    expect(globMatches('dynamodb:Get*', 'dynamodb:getitem', true)).toBe(true);
    expect(globMatches('dynamodb:Get*', 'dynamodb:getitem')).toBe(false);
    expect(globMatches('arn:aws:sqs:*:*:q?', 'arn:aws:sqs:us-east-1:1:q1')).toBe(true);
    expect(globMatches('arn:aws:sqs:*:*:q?', 'arn:aws:sqs:us-east-1:1:q12')).toBe(false);
  });
});

describe('denialMessage', () => {
  it('words the denial as AWS does', () => {
    expect(denialMessage(role.kind === 'role' ? role.sessionArn : '', 'dynamodb:BatchGetItem', table, 'implicit')).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/staging-inventory-lambda/staging-inventory is not authorized to perform: dynamodb:BatchGetItem on resource: ${table} because no identity-based policy allows the dynamodb:BatchGetItem action`,
    );
    expect(denialMessage('u', 'SNS:Publish', topic, 'explicit-resource')).toMatch(
      /with an explicit deny in a resource-based policy$/,
    );
  });
});
