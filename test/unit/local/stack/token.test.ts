// local/stack/token.ts against a mocked Cognito: create-if-needed, a fresh password per sign-in, one
// sign-in per customer per process.
import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  NotAuthorizedException,
  UsernameExistsException,
  type ExplicitAuthFlowsType,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { customerToken, customerTokens, findUserPool } from '../../../../local/stack/token.js';
import { srpServer, type SrpServer } from '../../../fixtures/srp-server.js';

const cognito = mockClient(CognitoIdentityProviderClient);
const client = () => new CognitoIdentityProviderClient({ region: 'us-east-1' });
const pool = { userPoolId: 'us-east-1_pool', clientId: 'client-a' };
/** An unsigned token with these claims: token.ts only reads it (the API verifies it). */
const idToken = (claims: Record<string, string>) =>
  `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

/** The app client's flows as Terraform sets them: envs/local's enables the password flow. */
const allowFlows = (...flows: ExplicitAuthFlowsType[]) =>
  cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: { ExplicitAuthFlows: flows } });

beforeEach(() => {
  cognito.reset();
  allowFlows('ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH');
  cognito
    .on(InitiateAuthCommand)
    .resolves({ AuthenticationResult: { IdToken: idToken({ sub: 'sub-1', email: 'jane@example.com' }) } });
});

describe('customerToken', () => {
  it('creates the customer with a verified email, sets a fresh permanent password and signs in with it', async () => {
    const result = await customerToken(client(), pool, 'jane', 'jane@example.com');

    expect(result).toEqual({ token: expect.any(String), customerId: 'sub-1', email: 'jane@example.com' });
    expect(cognito).toHaveReceivedCommandWith(AdminCreateUserCommand, {
      UserPoolId: 'us-east-1_pool',
      Username: 'jane',
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: 'jane@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
    });
    const password = cognito.commandCalls(AdminSetUserPasswordCommand)[0]?.args[0].input;
    expect(password).toMatchObject({ Username: 'jane', Permanent: true, Password: expect.stringMatching(/^.{12,}$/) });
    expect(cognito).toHaveReceivedCommandWith(InitiateAuthCommand, {
      ClientId: 'client-a',
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'jane', PASSWORD: password?.Password ?? '' },
    });
  });

  it('signs an existing customer in as it is, and replaces its email only when one is given', async () => {
    cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'exists', $metadata: {} }));

    await customerToken(client(), pool, 'jane');
    expect(cognito).toHaveReceivedCommandTimes(AdminUpdateUserAttributesCommand, 0);

    await customerToken(client(), pool, 'jane', 'new@example.com');
    expect(cognito).toHaveReceivedCommandWith(AdminUpdateUserAttributesCommand, {
      Username: 'jane',
      UserAttributes: expect.arrayContaining([{ Name: 'email', Value: 'new@example.com' }]),
    });
  });

  it('gives a customer without an email <name>@example.com', async () => {
    await customerToken(client(), pool, 'demo');
    expect(cognito).toHaveReceivedCommandWith(AdminCreateUserCommand, {
      UserAttributes: expect.arrayContaining([{ Name: 'email', Value: 'demo@example.com' }]),
    });
  });

  it('two sign-ins of one new customer at once both get a token, though each sets the password over the other', async () => {
    // A pool as Cognito keeps it: the last password set is the one a sign-in must give.
    let current: string | undefined;
    let created = false;
    cognito.on(AdminCreateUserCommand).callsFake(async () => {
      if (created) throw new UsernameExistsException({ message: 'exists', $metadata: {} });
      created = true;
      return {};
    });
    cognito.on(AdminSetUserPasswordCommand).callsFake(async (input: { Password?: string }) => {
      current = input.Password;
      return {};
    });
    cognito.on(InitiateAuthCommand).callsFake(async (input: { AuthParameters?: Record<string, string> }) => {
      if (input.AuthParameters?.PASSWORD !== current)
        throw new NotAuthorizedException({ message: 'Incorrect username or password.', $metadata: {} });
      return { AuthenticationResult: { IdToken: idToken({ sub: 'sub-1', email: 'jane@example.com' }) } };
    });

    // Both set their password before either signs in (the mock answers each call in turn), so one is refused first.
    const both = await Promise.all([customerToken(client(), pool, 'jane'), customerToken(client(), pool, 'jane')]);

    expect(both.map((t) => t.customerId)).toEqual(['sub-1', 'sub-1']);
    expect(cognito.commandCalls(InitiateAuthCommand).length).toBeGreaterThanOrEqual(3);
  });

  it("signs in with SRP where the app client allows SRP only (envs/aws), and the server's check of the claim passes", async () => {
    allowFlows('ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH');
    const userPoolId = 'eu-west-1_Pool42';
    let server: SrpServer | undefined;
    let srpA = '';
    cognito.on(AdminSetUserPasswordCommand).callsFake(async (input: { Password?: string }) => {
      server = srpServer(userPoolId, 'sub-1', input.Password ?? '');
      return {};
    });
    cognito.on(InitiateAuthCommand).callsFake(async (input: { AuthParameters?: Record<string, string> }) => {
      srpA = input.AuthParameters?.SRP_A ?? '';
      return {
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeParameters: {
          USERNAME: 'jane',
          USER_ID_FOR_SRP: 'sub-1',
          SALT: server?.salt ?? '',
          SRP_B: server?.srpB ?? '',
          SECRET_BLOCK: Buffer.from('the secret block').toString('base64'),
        },
      };
    });
    cognito
      .on(RespondToAuthChallengeCommand)
      .callsFake(async (input: { ChallengeResponses?: Record<string, string> }) => {
        const r = input.ChallengeResponses ?? {};
        if (
          !server?.verify(
            srpA,
            r.PASSWORD_CLAIM_SECRET_BLOCK ?? '',
            r.TIMESTAMP ?? '',
            r.PASSWORD_CLAIM_SIGNATURE ?? '',
          )
        )
          throw new NotAuthorizedException({ message: 'Incorrect username or password.', $metadata: {} });
        return { AuthenticationResult: { IdToken: idToken({ sub: 'sub-1', email: 'jane@example.com' }) } };
      });

    const result = await customerToken(client(), { userPoolId, clientId: 'client-a' }, 'jane');

    expect(result.customerId).toBe('sub-1');
    expect(cognito).toHaveReceivedCommandWith(InitiateAuthCommand, {
      AuthFlow: 'USER_SRP_AUTH',
      AuthParameters: { USERNAME: 'jane', SRP_A: expect.stringMatching(/^[0-9a-f]+$/) },
    });
    expect(cognito).toHaveReceivedCommandWith(RespondToAuthChallengeCommand, {
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeResponses: expect.objectContaining({
        USERNAME: 'jane',
        TIMESTAMP: expect.stringMatching(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d{2}:\d{2}:\d{2} UTC \d{4}$/),
      }),
    });
  });

  it('refuses an app client that allows neither flow', async () => {
    expect.assertions(1);
    allowFlows('ALLOW_REFRESH_TOKEN_AUTH');
    await expect(customerToken(client(), pool, 'jane')).rejects.toThrow(
      /allows neither USER_PASSWORD_AUTH nor USER_SRP_AUTH/,
    );
  });

  it('fails when the sign-in answers a challenge instead of tokens', async () => {
    expect.assertions(1);
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'NEW_PASSWORD_REQUIRED' });
    await expect(customerToken(client(), pool, 'jane')).rejects.toThrow(/no ID token/);
  });
});

describe('customerTokens', () => {
  it('signs each customer in once, however many callers ask at once', async () => {
    const tokenFor = customerTokens(client(), pool);

    const tokens = await Promise.all([tokenFor('jane'), tokenFor('jane'), tokenFor('kim')]);

    expect(tokens[0]).toBe(tokens[1]);
    expect(cognito).toHaveReceivedCommandTimes(InitiateAuthCommand, 2);
  });
});

describe('findUserPool', () => {
  it('finds the pool and its web client by the names Terraform gives them', async () => {
    cognito
      .on(ListUserPoolsCommand)
      .resolvesOnce({ UserPools: [{ Id: 'p-other', Name: 'other' }], NextToken: 'n' })
      .resolvesOnce({ UserPools: [{ Id: 'p-1', Name: 'order-fanout-customers' }] });
    cognito
      .on(ListUserPoolClientsCommand, { UserPoolId: 'p-1' })
      .resolves({ UserPoolClients: [{ ClientId: 'c-1', ClientName: 'order-fanout-web' }] });

    await expect(findUserPool(client())).resolves.toEqual({ userPoolId: 'p-1', clientId: 'c-1' });
  });

  it("finds a prefixed stack's pool and its prefixed client (the prefix make up gives every name)", async () => {
    cognito.on(ListUserPoolsCommand).resolves({
      UserPools: [
        { Id: 'p-x', Name: 'x-order-fanout-customers-old' },
        { Id: 'p-2', Name: 'local-order-fanout-customers' },
      ],
    });
    cognito.on(ListUserPoolClientsCommand, { UserPoolId: 'p-2' }).resolves({
      UserPoolClients: [
        { ClientId: 'c-bare', ClientName: 'order-fanout-web' },
        { ClientId: 'c-2', ClientName: 'local-order-fanout-web' },
      ],
    });

    await expect(findUserPool(client())).resolves.toEqual({ userPoolId: 'p-2', clientId: 'c-2' });
  });

  it("refuses to choose between two stacks' pools", async () => {
    expect.assertions(1);
    cognito.on(ListUserPoolsCommand).resolves({
      UserPools: [
        { Id: 'p-1', Name: 'local-order-fanout-customers' },
        { Id: 'p-2', Name: 'rehearsal-order-fanout-customers' },
      ],
    });
    await expect(findUserPool(client())).rejects.toThrow(/cannot tell which/);
  });

  it('says the stack is not up when there is no such pool', async () => {
    expect.assertions(1);
    cognito.on(ListUserPoolsCommand).resolves({ UserPools: [] });
    await expect(findUserPool(client())).rejects.toThrow(/make up/);
  });
});
