// A customer's ID token from the stack's user pool: what every request to the API carries in
// Authorization. `make token`, the e2e tests and the benchmark all get their tokens here.
//
//   npx tsx local/stack/token.ts [--customer demo] [--email demo@example.com] [--state FILE]   → the ID token on stdout, nothing else
//   npx tsx local/stack/token.ts --user-pool-id <id> --client-id <id> [--customer …] [--email …]   (a pool named directly)
//
// The customer is created first if needed (AdminCreateUser, its email verified), given a fresh
// random password (AdminSetUserPassword, permanent) and signed in with it through a flow the app
// client allows: USER_PASSWORD_AUTH where enabled (envs/local), else SRP (envs/aws; srp.ts). No
// password is ever kept anywhere. On AWS (docs/aws.md): --user-pool-id and --client-id name the
// deployed pool, and the caller's credentials need cognito-idp:AdminCreateUser, AdminSetUserPassword
// and AdminUpdateUserAttributes on it.
// Runs for one customer at the same time each get a token (a sign-in refused because the other
// set its password in between is tried again with a fresh one).
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  ListUserPoolClientsCommand,
  paginateListUserPools,
  NotAuthorizedException,
  UsernameExistsException,
  type AuthenticationResultType,
  type CognitoIdentityProviderClientConfig,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { cognitoTimestamp, passwordAuthenticationKey, passwordClaimSignature, srpClient } from './srp.js';

export const DEMO_CUSTOMER = 'demo';
/** The names infra/modules/auth gives the pool and its client, after the stack's name prefix. */
export const USER_POOL_NAME = 'order-fanout-customers';
export const CLIENT_NAME = 'order-fanout-web';
/** "<prefix>order-fanout-customers" (the prefix empty, or letters, digits and "-", ending in "-"). */
const isStackPool = (name: string | undefined): boolean =>
  name === USER_POOL_NAME || (name?.endsWith(`-${USER_POOL_NAME}`) ?? false);

export interface UserPoolRef {
  userPoolId: string;
  clientId: string;
}

export interface CustomerToken {
  /** The ID token: send it as `Authorization: <token>`. */
  token: string;
  /** Its sub: the customerId order-api gives the customer's orders. */
  customerId: string;
  email: string;
}

/** Meets both Cognito's default policy and infra/modules/auth's (12+ characters, upper, lower, digit). */
const freshPassword = (): string => `${randomBytes(18).toString('base64url')}Aa1-`;

/** Sign-ins refused because another one set the password in between, before giving up. */
const SIGN_IN_ATTEMPTS = 8;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const defaultEmail = (customer: string): string => `${customer.replace(/[^A-Za-z0-9._+-]/g, '-')}@example.com`;

/** Signs a customer in, creating it first if it does not exist; an email given for an existing customer replaces its own. */
export async function customerToken(
  cognito: CognitoIdentityProviderClient,
  pool: UserPoolRef,
  customer: string,
  email?: string,
): Promise<CustomerToken> {
  const address = email ?? defaultEmail(customer);
  const attributes = [
    { Name: 'email', Value: address },
    // Verified as if the customer had confirmed it: order-api sends email only to verified addresses.
    { Name: 'email_verified', Value: 'true' },
  ];
  try {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: pool.userPoolId,
        Username: customer,
        UserAttributes: attributes,
        MessageAction: 'SUPPRESS',
      }),
    );
  } catch (error) {
    if (!(error instanceof UsernameExistsException)) throw error;
    if (email !== undefined)
      await cognito.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: pool.userPoolId,
          Username: customer,
          UserAttributes: attributes,
        }),
      );
  }
  // Another sign-in of the same customer at the same moment (two `make token` runs for a new
  // customer) may set its own password between this one's set and sign-in: this sign-in is then
  // refused ("Incorrect username or password"). Set a fresh one and sign in again, after a random
  // pause that lets the other finish; the other run's sign-in, done by then, stays valid.
  const flow = await signInFlow(cognito, pool);
  let AuthenticationResult: AuthenticationResultType | undefined;
  for (let attempt = 1; ; attempt += 1) {
    const password = freshPassword();
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: pool.userPoolId,
        Username: customer,
        Password: password,
        Permanent: true,
      }),
    );
    try {
      AuthenticationResult = await signIn(cognito, pool, flow, customer, password);
      break;
    } catch (error) {
      if (!(error instanceof NotAuthorizedException) || attempt >= SIGN_IN_ATTEMPTS) throw error;
      await pause(50 + Math.random() * 200 * attempt);
    }
  }
  const token = AuthenticationResult?.IdToken;
  if (token === undefined) throw new Error(`signing ${customer} in returned no ID token (a challenge instead?)`);
  const claims = decodeJwt(token); // our own pool's answer: read, not verified (the API verifies it)
  return { token, customerId: String(claims.sub), email: typeof claims.email === 'string' ? claims.email : address };
}

type SignInFlow = 'USER_PASSWORD_AUTH' | 'USER_SRP_AUTH';

/**
 * The flow the app client allows: USER_PASSWORD_AUTH where it is enabled (envs/local), else SRP
 * (envs/aws's client allows SRP and refresh tokens only).
 */
export async function signInFlow(cognito: CognitoIdentityProviderClient, pool: UserPoolRef): Promise<SignInFlow> {
  const { UserPoolClient } = await cognito.send(
    new DescribeUserPoolClientCommand({ UserPoolId: pool.userPoolId, ClientId: pool.clientId }),
  );
  const allowed = UserPoolClient?.ExplicitAuthFlows ?? [];
  if (allowed.includes('ALLOW_USER_PASSWORD_AUTH')) return 'USER_PASSWORD_AUTH';
  if (allowed.includes('ALLOW_USER_SRP_AUTH')) return 'USER_SRP_AUTH';
  throw new Error(
    `app client ${pool.clientId} allows neither USER_PASSWORD_AUTH nor USER_SRP_AUTH (${allowed.join(', ')})`,
  );
}

async function signIn(
  cognito: CognitoIdentityProviderClient,
  pool: UserPoolRef,
  flow: SignInFlow,
  username: string,
  password: string,
): Promise<AuthenticationResultType | undefined> {
  if (flow === 'USER_PASSWORD_AUTH') {
    const { AuthenticationResult } = await cognito.send(
      new InitiateAuthCommand({
        ClientId: pool.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    );
    return AuthenticationResult;
  }
  // SRP (local/stack/srp.ts): send A, answer the PASSWORD_VERIFIER challenge with the signed claim.
  const client = srpClient();
  const started = await cognito.send(
    new InitiateAuthCommand({
      ClientId: pool.clientId,
      AuthFlow: 'USER_SRP_AUTH',
      AuthParameters: { USERNAME: username, SRP_A: client.A.toString(16) },
    }),
  );
  const parameters = started.ChallengeParameters ?? {};
  const { USER_ID_FOR_SRP, SALT, SRP_B, SECRET_BLOCK } = parameters;
  if (started.ChallengeName !== 'PASSWORD_VERIFIER' || !USER_ID_FOR_SRP || !SALT || !SRP_B || !SECRET_BLOCK)
    throw new Error(
      `signing ${username} in with SRP: expected the PASSWORD_VERIFIER challenge, got ${started.ChallengeName}`,
    );
  const challenge = {
    userPoolId: pool.userPoolId,
    userIdForSrp: USER_ID_FOR_SRP,
    salt: SALT,
    srpB: SRP_B,
    secretBlock: SECRET_BLOCK,
  };
  const timestamp = cognitoTimestamp(new Date());
  const signature = passwordClaimSignature(
    passwordAuthenticationKey(client, challenge, password),
    challenge,
    timestamp,
  );
  const answered = await cognito.send(
    new RespondToAuthChallengeCommand({
      ClientId: pool.clientId,
      ChallengeName: 'PASSWORD_VERIFIER',
      Session: started.Session,
      ChallengeResponses: {
        USERNAME: parameters.USERNAME ?? USER_ID_FOR_SRP,
        PASSWORD_CLAIM_SECRET_BLOCK: SECRET_BLOCK,
        PASSWORD_CLAIM_SIGNATURE: signature,
        TIMESTAMP: timestamp,
      },
    }),
  );
  return answered.AuthenticationResult;
}

/**
 * "A token for customer X", once per customer for the life of the process (the tokens last an hour):
 * concurrent callers for one customer share one sign-in.
 */
export function customerTokens(
  cognito: CognitoIdentityProviderClient,
  pool: UserPoolRef,
): (customer: string, email?: string) => Promise<CustomerToken> {
  const cache = new Map<string, Promise<CustomerToken>>();
  return (customer, email) => {
    const key = `${customer}\n${email ?? ''}`;
    let pending = cache.get(key);
    if (pending === undefined) {
      pending = customerToken(cognito, pool, customer, email);
      pending.catch(() => cache.delete(key)); // a failed sign-in is tried again next time
      cache.set(key, pending);
    }
    return pending;
  };
}

/**
 * The pool and client by the names Terraform gives them, for a stack whose state is not at hand: the one
 * pool named <prefix>order-fanout-customers, whatever its prefix, and its <prefix>order-fanout-web client.
 */
export async function findUserPool(cognito: CognitoIdentityProviderClient): Promise<UserPoolRef> {
  const pools = [];
  for await (const page of paginateListUserPools({ client: cognito }, { MaxResults: 60 }))
    pools.push(...(page.UserPools ?? []).filter((pool) => isStackPool(pool.Name)));
  const [pool, ...others] = pools;
  if (pool?.Id === undefined) throw new Error(`no user pool ${USER_POOL_NAME}: is the stack up (make up)?`);
  if (others.length > 0)
    throw new Error(
      `${pools.length} user pools are named like ${USER_POOL_NAME} (${pools.map((p) => p.Name).join(', ')}): cannot tell which is the stack's`,
    );
  const prefix = (pool.Name ?? '').slice(0, -USER_POOL_NAME.length);
  const { UserPoolClients = [] } = await cognito.send(
    new ListUserPoolClientsCommand({ UserPoolId: pool.Id, MaxResults: 60 }),
  );
  const client = UserPoolClients.find((candidate) => candidate.ClientName === `${prefix}${CLIENT_NAME}`);
  if (client?.ClientId === undefined) throw new Error(`user pool ${pool.Id} has no app client ${prefix}${CLIENT_NAME}`);
  return { userPoolId: pool.Id, clientId: client.ClientId };
}

/** The Cognito client of the command line: the SDK's own chain (region, credentials, AWS_ENDPOINT_URL). */
export const cognitoClient = (config: CognitoIdentityProviderClientConfig = {}): CognitoIdentityProviderClient =>
  new CognitoIdentityProviderClient(config);

/** The pool of the stack whose Terraform state is at hand (--state FILE, or make up's), else found by name. */
async function stackPool(cognito: CognitoIdentityProviderClient, statePath: string | undefined): Promise<UserPoolRef> {
  const { findState, outputs } = await import('../state.js');
  const state = findState(statePath);
  if (statePath !== undefined && state === undefined) throw new Error(`no Terraform state at ${statePath}`);
  const out = state === undefined ? {} : await outputs(state);
  return typeof out.user_pool_id === 'string' && typeof out.user_pool_client_id === 'string'
    ? { userPoolId: out.user_pool_id, clientId: out.user_pool_client_id }
    : findUserPool(cognito);
}

// `make token`: the stack that `make up` (or `tflocal apply`) applied, found by its Terraform state's
// outputs (--state FILE for another state, as make status takes); without a state, by the pool's name.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      customer: { type: 'string', default: DEMO_CUSTOMER },
      email: { type: 'string' },
      state: { type: 'string' },
      'user-pool-id': { type: 'string' },
      'client-id': { type: 'string' },
    },
  });
  const customer = values.customer === '' ? DEMO_CUSTOMER : (values.customer ?? DEMO_CUSTOMER);
  const email = values.email === '' ? undefined : values.email;
  const cognito = cognitoClient();
  try {
    const named = values['user-pool-id'] !== undefined || values['client-id'] !== undefined;
    if (named && (!values['user-pool-id'] || !values['client-id']))
      throw new Error('--user-pool-id and --client-id go together');
    const pool = named
      ? { userPoolId: values['user-pool-id'] ?? '', clientId: values['client-id'] ?? '' }
      : await stackPool(cognito, values.state);
    process.stdout.write(`${(await customerToken(cognito, pool, customer, email)).token}\n`);
  } catch (error) {
    process.stderr.write(`make token failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  } finally {
    cognito.destroy();
  }
}
