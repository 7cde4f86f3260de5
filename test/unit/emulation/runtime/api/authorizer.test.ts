// The COGNITO_USER_POOLS authorizer's token checks, with keys made by jose in the test and the key
// set served from a loopback server (counted: fetched once, not per request).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import {
  apiGatewayClaims,
  CognitoVerifier,
  identityHeader,
  userPoolFromArn,
  type DeployedAuthorizer,
} from '../../../../../emulation/runtime/api/authorizer.js';

const POOL_ID = 'us-east-1_pool1';
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`;
const CLIENT_ID = 'client-a';
const NOW = Math.floor(Date.UTC(2026, 11, 1, 12, 0, 0) / 1000);

let signingKey: CryptoKey;
let otherKey: CryptoKey;
let server: Server;
let jwksFetches = 0;
let jwksBase = '';

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  // As moto serves them: one key, kid "dummy".
  const jwks = JSON.stringify({
    keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'dummy', alg: 'RS256', use: 'sig' }],
  });
  server = createServer((request, response) => {
    jwksFetches += 1;
    if (request.url !== `/${POOL_ID}/.well-known/jwks.json`) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const authorizer: DeployedAuthorizer = {
  id: 'az1',
  name: 'customers',
  identityHeader: 'Authorization',
  userPools: [{ id: POOL_ID, issuer: ISSUER, clientIds: [CLIENT_ID] }],
};

const verifier = () =>
  new CognitoVerifier(authorizer, {
    jwksUrl: (id) => new URL(`/${id}/.well-known/jwks.json`, jwksBase),
    now: () => new Date(NOW * 1000),
  });

/** An ID token as Cognito (and moto) issue it; `claims` overrides any of them. */
function idToken(claims: JWTPayload = {}, key: CryptoKey = signingKey): Promise<string> {
  return new SignJWT({
    iss: ISSUER,
    sub: 'sub-1',
    aud: CLIENT_ID,
    token_use: 'id',
    iat: NOW - 60,
    auth_time: NOW - 60,
    exp: NOW + 3600,
    'cognito:username': 'jane',
    email: 'jane@example.com',
    email_verified: true,
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'dummy', typ: 'JWT' })
    .sign(key);
}

describe('CognitoVerifier', () => {
  it('accepts an ID token of the pool for one of its app clients, with its claims as API Gateway passes them', async () => {
    const verdict = await verifier().verify(await idToken());

    expect(verdict).toEqual({
      ok: true,
      claims: {
        iss: ISSUER,
        sub: 'sub-1',
        aud: CLIENT_ID,
        token_use: 'id',
        iat: 'Tue Dec 01 11:59:00 UTC 2026',
        auth_time: String(NOW - 60),
        exp: 'Tue Dec 01 13:00:00 UTC 2026',
        'cognito:username': 'jane',
        email: 'jane@example.com',
        email_verified: 'true',
      },
    });
  });

  it('accepts the token after a "Bearer " prefix', async () => {
    expect(await verifier().verify(`Bearer ${await idToken()}`)).toMatchObject({ ok: true, claims: { sub: 'sub-1' } });
  });

  it.each<[string, () => Promise<string | undefined>, RegExp]>([
    ['no header', async () => undefined, /no token/],
    ['an empty header', async () => '', /no token/],
    ['a header that is no JWT', async () => 'not-a-token', /not a JWT/],
    ['a wrong signature (another key, same kid)', () => idToken({}, otherKey), /signature verification failed/],
    [
      'a wrong issuer',
      () => idToken({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other' }),
      /is not a pool/,
    ],
    ['a wrong audience', () => idToken({ aud: 'client-of-another-pool' }), /no app client/],
    ['an expired token', () => idToken({ exp: NOW - 1 }), /"exp" claim timestamp check failed/],
    [
      'an access token where an ID token is required',
      () => idToken({ token_use: 'access', aud: undefined, client_id: CLIENT_ID }),
      /an ID token is required/,
    ],
    [
      'an unsigned token',
      async () =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: ISSUER, token_use: 'id', aud: CLIENT_ID })).toString('base64url')}.`,
      /alg/i,
    ],
  ])('refuses %s', async (_case, token, reason) => {
    const verdict = await verifier().verify(await token());

    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? '' : verdict.reason).toMatch(reason);
  });

  it('takes access tokens carrying one of the scopes on a method that asks for scopes, and refuses ID tokens there', async () => {
    const access = await idToken({
      token_use: 'access',
      aud: undefined,
      client_id: CLIENT_ID,
      scope: 'orders/read orders/write',
    });
    const v = verifier();

    expect(await v.verify(access, ['orders/write'])).toMatchObject({ ok: true });
    expect(await v.verify(access, ['admin'])).toEqual({
      ok: false,
      reason: expect.stringContaining('none of the scopes'),
    });
    expect(await v.verify(await idToken(), ['orders/write'])).toEqual({
      ok: false,
      reason: expect.stringContaining('an access token is required'),
    });
  });

  it("fetches the pool's key set once, not per request", async () => {
    const v = verifier();
    const before = jwksFetches;

    for (let i = 0; i < 5; i += 1) expect((await v.verify(await idToken())).ok).toBe(true);

    expect(jwksFetches - before).toBe(1);
  });
});

describe('authorizer helpers', () => {
  it("reads the pool's id and issuer from its ARN", () => {
    expect(userPoolFromArn('arn:aws:cognito-idp:eu-west-1:000000000000:userpool/eu-west-1_abc')).toEqual({
      id: 'eu-west-1_abc',
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc',
    });
    expect(userPoolFromArn('arn:aws:lambda:eu-west-1:000000000000:function:x')).toBeUndefined();
  });

  it('reads the header of a header identity source only', () => {
    expect(identityHeader('method.request.header.Authorization')).toBe('Authorization');
    expect(identityHeader('method.request.querystring.token')).toBeUndefined();
  });

  it('renders every claim as a string', () => {
    expect(apiGatewayClaims({ 'cognito:groups': ['a', 'b'], n: 3, t: true, exp: 0 })).toEqual({
      'cognito:groups': 'a,b',
      n: '3',
      t: 'true',
      exp: 'Thu Jan 01 00:00:00 UTC 1970',
    });
  });
});
