// Cognito's Secure Remote Password sign-in (USER_SRP_AUTH, the flow every app client of envs/aws
// allows): the password never leaves this process, only a proof that we know it. Written with
// node:crypto and BigInt rather than taken from a package: the JavaScript SRP clients for Cognito
// either come inside the whole Amplify auth library or bring crypto-js, jsbn and a copy of the
// SDK, for what is a hundred lines here. The math is Cognito's (its SDKs' AuthenticationHelper):
// SRP-6a over RFC 5054's 3072-bit group with SHA-256, the session key through HKDF-SHA256 with
// info "Caldera Derived Key", and a claim that signs the pool, the user, the challenge's secret
// block and the time. test/unit/local/srp.test.ts plays the server's side to check it.
import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** RFC 3526's and RFC 5054's 3072-bit prime (2^3072 - 2^3008 - 1 + 2^64 * (floor(2^2942 pi) + 1690314)). */
export const N = BigInt(
  `0x${[
    'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74',
    '020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437',
    '4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED',
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05',
    '98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB',
    '9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B',
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718',
    '3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33',
    'A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7',
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864',
    'D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2',
    '08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
  ].join('')}`,
);
export const g = 2n;

/** (base ^ exponent) mod modulus, by squaring. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

/** The number as Cognito hashes it: even-length hex, with a 00 byte first when the top bit is set (a positive two's complement). */
export function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
}

const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex').padStart(64, '0');
/** SHA-256 of the bytes a hex string spells. */
export const hexHash = (hex: string): string => sha256Hex(Buffer.from(hex, 'hex'));
const big = (hex: string): bigint => BigInt(`0x${hex}`);

/** k = H(N | g), the multiplier of SRP-6a. */
export const k = big(hexHash(`${padHex(N)}${padHex(g)}`));

export interface SrpClient {
  /** The secret ephemeral a. */
  a: bigint;
  /** A = g^a mod N, sent as SRP_A (hex). */
  A: bigint;
}

/** A fresh client ephemeral (128 random bytes), A never 0 mod N. */
export function srpClient(random: (size: number) => Buffer = randomBytes): SrpClient {
  for (;;) {
    const a = big(random(128).toString('hex')) % N;
    const A = modPow(g, a, N);
    if (a !== 0n && A % N !== 0n) return { a, A };
  }
}

/** Cognito's TIMESTAMP: "Tue Sep 5 09:03:07 UTC 2026" (the day of the month not padded, the rest is). */
export function cognitoTimestamp(now: Date): string {
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][now.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][now.getUTCMonth()];
  const two = (n: number): string => String(n).padStart(2, '0');
  const time = `${two(now.getUTCHours())}:${two(now.getUTCMinutes())}:${two(now.getUTCSeconds())}`;
  return `${day} ${month} ${now.getUTCDate()} ${time} UTC ${now.getUTCFullYear()}`;
}

export interface PasswordVerifierChallenge {
  /** The pool's id: its part after the region's underscore names the pool in the proof. */
  userPoolId: string;
  /** USER_ID_FOR_SRP, SALT (hex), SRP_B (hex) and SECRET_BLOCK (base64) of the PASSWORD_VERIFIER challenge. */
  userIdForSrp: string;
  salt: string;
  srpB: string;
  secretBlock: string;
}

/** The 16-byte key both sides derive from the shared secret S. */
export function passwordAuthenticationKey(
  client: SrpClient,
  challenge: Pick<PasswordVerifierChallenge, 'userPoolId' | 'userIdForSrp' | 'salt' | 'srpB'>,
  password: string,
): Buffer {
  const B = big(challenge.srpB);
  if (B % N === 0n) throw new Error('SRP: the server sent B = 0 mod N');
  const u = big(hexHash(`${padHex(client.A)}${padHex(B)}`));
  if (u === 0n) throw new Error('SRP: u is 0');
  const poolName = challenge.userPoolId.split('_')[1] ?? '';
  const x = big(
    hexHash(`${padHex(big(challenge.salt))}${sha256Hex(`${poolName}${challenge.userIdForSrp}:${password}`)}`),
  );
  const base = (((B - k * modPow(g, x, N)) % N) + N) % N;
  const S = modPow(base, client.a + u * x, N);
  return Buffer.from(
    hkdfSync('sha256', Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'), 'Caldera Derived Key', 16),
  );
}

/** PASSWORD_CLAIM_SIGNATURE: HMAC-SHA256 under that key of the pool's name, the user, the secret block and the timestamp (base64). */
export function passwordClaimSignature(
  key: Buffer,
  challenge: Pick<PasswordVerifierChallenge, 'userPoolId' | 'userIdForSrp' | 'secretBlock'>,
  timestamp: string,
): string {
  const poolName = challenge.userPoolId.split('_')[1] ?? '';
  return createHmac('sha256', key)
    .update(
      Buffer.concat([
        Buffer.from(poolName, 'utf8'),
        Buffer.from(challenge.userIdForSrp, 'utf8'),
        Buffer.from(challenge.secretBlock, 'base64'),
        Buffer.from(timestamp, 'utf8'),
      ]),
    )
    .digest('base64');
}
