// local/stack/srp.ts against the server's side of SRP-6a (test/fixtures/srp-server.ts, from the
// protocol's own definitions: v = g^x, B = kv + g^b, S = (A v^u)^b). The client's
// S = (B - k g^x)^(a + ux) is another formula: the two keys, and so the claim's signature, agree only
// when the client's arithmetic is right.
import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import {
  cognitoTimestamp,
  g,
  modPow,
  N,
  padHex,
  passwordAuthenticationKey,
  passwordClaimSignature,
  srpClient,
} from '../../../../local/stack/srp.js';
import { srpServer } from '../../../fixtures/srp-server.js';

const userPoolId = 'eu-west-1_Abc123XYZ';
const userIdForSrp = '2c6a1a9e-6f0b-4b54-9d1f-0f3f4c8f1e11';
const password = 'correct-Horse-battery-9';

describe('SRP with Cognito', () => {
  it("derives the server's key, and signs the claim as the server checks it", () => {
    const pool = srpServer(userPoolId, userIdForSrp, password);
    const client = srpClient();
    const secretBlock = randomBytes(64).toString('base64');
    const timestamp = 'Sat Sep 5 09:03:07 UTC 2026';
    const challenge = { userPoolId, userIdForSrp, salt: pool.salt, srpB: pool.srpB, secretBlock };

    const key = passwordAuthenticationKey(client, challenge, password);
    const signature = passwordClaimSignature(key, challenge, timestamp);

    expect(key.equals(pool.key(client.A))).toBe(true);
    expect(pool.verify(client.A.toString(16), secretBlock, timestamp, signature)).toBe(true);
    expect(pool.verify(client.A.toString(16), secretBlock, 'Sat Sep 5 09:03:08 UTC 2026', signature)).toBe(false);
  });

  it('a wrong password gives another key', () => {
    const pool = srpServer(userPoolId, userIdForSrp, password);
    const client = srpClient();

    const key = passwordAuthenticationKey(
      client,
      { userPoolId, userIdForSrp, salt: pool.salt, srpB: pool.srpB },
      `${password}!`,
    );

    expect(key.equals(pool.key(client.A))).toBe(false);
  });

  it('refuses a B that is 0 mod N', () => {
    expect(() =>
      passwordAuthenticationKey(srpClient(), { userPoolId, userIdForSrp, salt: '01', srpB: N.toString(16) }, password),
    ).toThrow(/B = 0 mod N/);
  });

  it('A is g^a mod N for a fresh a each time', () => {
    const [one, two] = [srpClient(), srpClient()];
    expect(one?.A).toBe(modPow(g, one.a, N));
    expect(one.a).not.toBe(two.a);
  });

  it.each([
    [0x7fn, '7f'],
    [0x80n, '0080'],
    [0xabcn, '0abc'],
    [0xf00n, '0f00'],
    [0x8000n, '008000'],
  ])('padHex(%s) is %s', (value, hex) => {
    expect(padHex(value)).toBe(hex);
  });

  it('formats the timestamp as Cognito does: day of the month unpadded, time padded', () => {
    expect(cognitoTimestamp(new Date(Date.UTC(2026, 8, 5, 9, 3, 7)))).toBe('Sat Sep 5 09:03:07 UTC 2026');
    expect(cognitoTimestamp(new Date(Date.UTC(2026, 11, 17, 23, 59, 0)))).toBe('Thu Dec 17 23:59:00 UTC 2026');
  });

  it('N is the 3072-bit group prime', () => {
    expect(N.toString(2).length).toBe(3072);
    expect(modPow(2n, N - 1n, N)).toBe(1n); // Fermat: holds for a prime
  });
});
