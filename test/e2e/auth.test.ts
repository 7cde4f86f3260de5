// Customers sign in (issue 12, item 1): the front door applies the API's Cognito authorizer it
// discovered (a real user pool on the emulator, real ID tokens from InitiateAuth), and order-api
// takes the customer from the token's claims and shows an order to its owner only.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CognitoIdentityProviderClient, CreateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import { repoRoot } from '../../local/paths.js';
import { http, stack } from './support/stack.js';
import {
  db,
  finalOrder,
  getOrderResponse,
  orderRequest,
  placeOrder,
  sentNotifications,
  stockProduct,
  storedOrder,
  tables,
  tokenFor,
  uniqueId,
} from './support/orders.js';

const ordersStored = async (): Promise<number> =>
  (await db.send(new ScanCommand({ TableName: tables().orders, Select: 'COUNT', ConsistentRead: true }))).Count ?? 0;

/** The same claims as a real token of the pool, signed with a key of our own (same kid as the pool's). */
async function forged(token: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256'); // a real RSA key, just not the pool's
  return new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: 'RS256', kid: 'dummy', typ: 'JWT' }).sign(privateKey);
}

describe('the API takes only tokens of its user pool', () => {
  it.each<[string, () => Promise<Record<string, string>>]>([
    ['no token', async () => ({})],
    ['a header that is no token', async () => ({ Authorization: 'Bearer not-a-token' })],
    [
      "a token of the pool's claims signed with another key",
      async () => ({ Authorization: await forged((await tokenFor('e2e-forger')).token) }),
    ],
  ])('answers 401 {"message":"Unauthorized"} to an order with %s, and nothing is written', async (_case, headers) => {
    const product = await stockProduct(5);
    const before = await ordersStored();

    const response = await http<unknown>(
      'POST',
      '/orders',
      { items: [{ productId: product, quantity: 1 }] },
      await headers(),
    );

    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: 'Unauthorized' });
    expect(response.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
    expect(await ordersStored()).toBe(before);
  });

  it('accepts the token after a "Bearer " prefix too', async () => {
    const product = await stockProduct(5);
    const { token } = await tokenFor(uniqueId('c'));

    const response = await http<{ orderId: string }>(
      'POST',
      '/orders',
      { items: [{ productId: product, quantity: 1 }] },
      { Authorization: `Bearer ${token}` },
    );

    expect(response.status).toBe(202);
  });
});

describe("an order is its customer's", () => {
  it("carries the token's customer: sub as customerId, its email in the stored order and on the emails sent", async () => {
    const customer = uniqueId('c');
    const email = `${customer}@example.org`;
    const { customerId } = await tokenFor(customer, email);
    const product = await stockProduct(5);

    const placed = await placeOrder(orderRequest([{ productId: product, quantity: 1 }], 'tok_visa', customer));

    expect(placed.customerId).toBe(customerId);
    expect(await storedOrder(placed.orderId)).toMatchObject({ customerId, email });
    expect((await finalOrder(placed.orderId)).status).toBe('CONFIRMED');
    const notifications = await sentNotifications(placed.orderId, ['ORDER_RECEIVED', 'ORDER_CONFIRMED']);
    expect(notifications.map((n) => n.recipient)).toEqual([email, email]);
    const { messages } = (await (await fetch(`${stack().endpoint}/_aws/ses`)).json()) as {
      messages: { Subject: string; Destination: { ToAddresses: string[] } }[];
    };
    const sent = messages.filter((message) => message.Subject.includes(placed.orderId));
    expect(sent.map((message) => message.Destination.ToAddresses)).toEqual([[email], [email]]);
  });

  it('refuses a body that still names the customer (422), writing nothing', async () => {
    const product = await stockProduct(5);
    const before = await ordersStored();
    const { token } = await tokenFor(uniqueId('c'));

    const response = await http<{ errors: { field: string }[] }>(
      'POST',
      '/orders',
      { customerId: 'c-someone', email: 'someone@example.com', items: [{ productId: product, quantity: 1 }] },
      { Authorization: token },
    );

    expect(response.status).toBe(422);
    expect(response.body.errors.map((e) => e.field)).toEqual(['customerId', 'email']);
    expect(await ordersStored()).toBe(before);
  });

  it("answers another customer's GET exactly as an unknown id: 404, same body", async () => {
    const product = await stockProduct(5);
    const placed = await placeOrder(orderRequest([{ productId: product, quantity: 1 }]));

    const foreign = await getOrderResponse(placed.orderId, uniqueId('c'));
    const unknown = await getOrderResponse(randomUUID(), uniqueId('c'));

    expect(foreign.status).toBe(404);
    expect(foreign.headers.get('content-type')).toContain('application/problem+json');
    expect(foreign.body).toEqual(unknown.body);
    expect((await getOrderResponse(placed.orderId)).status).toBe(200); // its owner still sees it
  });
});

const cognitoAdmin = new CognitoIdentityProviderClient({
  endpoint: stack().endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
afterAll(() => cognitoAdmin.destroy());

const stateFile = (): string => join(stack().stateDir, 'terraform.tfstate');
/** make token's environment against the e2e stack's emulator. */
const tokenEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  AWS_ENDPOINT_URL: stack().endpoint,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

/** make token's command, as the Makefile runs it, to its end. */
const makeToken = (...args: string[]) =>
  spawnSync('npx', ['tsx', 'local/stack/token.ts', ...args], { cwd: repoRoot, encoding: 'utf8', env: tokenEnv() });

describe('make token', () => {
  it("prints only an ID token of the stack's pool, for a customer it creates with the email given, and the API takes it", async () => {
    const customer = uniqueId('c');
    const run = makeToken('--customer', customer, '--email', `${customer}@example.net`, '--state', stateFile());

    expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const token = run.stdout.trim();
    expect(decodeJwt(token)).toMatchObject({
      token_use: 'id',
      'cognito:username': customer,
      email: `${customer}@example.net`,
      aud: stack().outputs.user_pool_client_id,
    });
    const product = await stockProduct(5);
    const response = await http<{ customerId: string }>(
      'POST',
      '/orders',
      { items: [{ productId: product, quantity: 1 }] },
      { Authorization: token },
    );
    expect(response.status).toBe(202);
    expect(response.body.customerId).toBe(decodeJwt(token).sub);
  }, 60_000);

  it('signs in with SRP through an app client that allows SRP only, as envs/aws has (the pool named by --user-pool-id and --client-id)', async () => {
    // moto answers the SRP flow's shape (the challenge and its response), not its math: the unit tests check that.
    const { UserPoolClient } = await cognitoAdmin.send(
      new CreateUserPoolClientCommand({
        UserPoolId: stack().outputs.user_pool_id,
        ClientName: uniqueId('srp-only'),
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    const clientId = UserPoolClient?.ClientId ?? '';
    const customer = uniqueId('srp');

    const run = makeToken(
      '--customer',
      customer,
      '--user-pool-id',
      stack().outputs.user_pool_id,
      '--client-id',
      clientId,
    );

    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(decodeJwt(run.stdout.trim())).toMatchObject({
      'cognito:username': customer,
      token_use: 'id',
      aud: clientId,
    });
  }, 60_000);

  it('run twice at once for one new customer, both print a token the API takes', async () => {
    const customer = uniqueId('twice');
    const tokenRun = () =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn('npx', ['tsx', 'local/stack/token.ts', '--customer', customer, '--state', stateFile()], {
          cwd: repoRoot,
          env: tokenEnv(),
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('close', (code) => resolve({ code, stdout, stderr }));
      });

    const runs = await Promise.all([tokenRun(), tokenRun()]);

    for (const run of runs) {
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
      const token = run.stdout.trim();
      expect(decodeJwt(token)).toMatchObject({ 'cognito:username': customer, token_use: 'id' });
      // The authorizer took it: an unknown order's 404, not the 401 of a token it refuses.
      expect((await http('GET', `/orders/${randomUUID()}`, undefined, { Authorization: token })).status).toBe(404);
    }
  }, 60_000);
});

// CORS (issue 21): the e2e stack allows one origin (global-setup). The API routes OPTIONS to the
// function without the authorizer, and the front door serves it as API Gateway would.
describe('CORS for a browser', () => {
  const ORIGIN = 'http://localhost:5173';

  it("answers an allowed origin's preflight without a token, and no other origin's", async () => {
    const allowed = await http('OPTIONS', '/orders', undefined, {
      Origin: ORIGIN,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization, content-type',
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('Authorization');

    const other = await http('OPTIONS', '/orders', undefined, { Origin: 'https://elsewhere.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("marks an allowed origin's answers readable (a 404 as well as a 202)", async () => {
    const { token } = await tokenFor('cors-shopper');
    const missing = await http('GET', `/orders/${randomUUID()}`, undefined, { Authorization: token, Origin: ORIGIN });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });
});
