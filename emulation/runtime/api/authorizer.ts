// API Gateway's COGNITO_USER_POOLS authorizer, applied by the front door before a method's function
// runs: the token from the identity source header, verified with jose (RS256 signature against the
// pool's JWKS, issuer, expiry, audience and token_use), and its claims as API Gateway passes them in
// requestContext.authorizer.claims. Anything else is API Gateway's 401 {"message":"Unauthorized"}.
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

interface UserPool {
  id: string;
  /** https://cognito-idp.<region>.amazonaws.com/<poolId>: what the pool writes in iss. */
  issuer: string;
  /** The pool's app clients: an ID token's aud (an access token's client_id) must be one of them. */
  clientIds: readonly string[];
}

export interface DeployedAuthorizer {
  id: string;
  name: string;
  /** The header of the identity source (method.request.header.Authorization → Authorization). */
  identityHeader: string;
  /** The pools named by providerARNs. */
  userPools: UserPool[];
}

/** What a method asks of the authorizer: its id, and the OAuth scopes that make it take access tokens. */
export interface MethodAuthorization {
  authorizerId: string;
  scopes: readonly string[];
}

/** "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc" → the pool's id and issuer. */
export function userPoolFromArn(arn: string): { id: string; issuer: string } | undefined {
  const match = /^arn:aws[\w-]*:cognito-idp:([^:]+):\d*:userpool\/([^/]+)$/.exec(arn);
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  return { id: match[2], issuer: `https://cognito-idp.${match[1]}.amazonaws.com/${match[2]}` };
}

/** "method.request.header.Authorization" → "Authorization"; undefined for any other source. */
export function identityHeader(identitySource: string): string | undefined {
  return /^method\.request\.header\.(.+)$/.exec(identitySource.trim())?.[1];
}

/**
 * How API Gateway (REST) renders claims: every value a string; exp and iat as Java's Date#toString
 * in UTC ("Sun Dec 17 07:28:12 UTC 2017", as a real authorizer passes them), other numbers as
 * digits. Lists are joined with "," (read, not verified against AWS: our tokens carry none).
 */
export function apiGatewayClaims(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if ((name === 'exp' || name === 'iat') && typeof value === 'number')
      claims[name] = javaDate(new Date(value * 1000));
    else if (Array.isArray(value)) claims[name] = value.map(String).join(',');
    else claims[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return claims;
}

function javaDate(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number): string => String(n).padStart(2, '0');
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return `${days[date.getUTCDay()] ?? ''} ${months[date.getUTCMonth()] ?? ''} ${pad(date.getUTCDate())} ${time} UTC ${date.getUTCFullYear()}`;
}

export type Verdict = { ok: true; claims: Record<string, string> } | { ok: false; reason: string };

export interface VerifierOptions {
  /** Where a pool's public keys are (the emulator serves them at /{userPoolId}/.well-known/jwks.json). */
  jwksUrl: (userPoolId: string) => URL;
  /** For tests: the clock the expiry is checked against. */
  now?: () => Date;
}

/**
 * One authorizer's verification. Each pool's key set is created once (jose's remote JWKS: fetched on
 * first use, then cached and refetched only for an unknown kid or after its cache age), never per request.
 */
export class CognitoVerifier {
  private readonly keySets = new Map<string, JWTVerifyGetKey>();

  constructor(
    readonly authorizer: DeployedAuthorizer,
    private readonly options: VerifierOptions,
  ) {
    for (const pool of authorizer.userPools)
      this.keySets.set(pool.issuer, createRemoteJWKSet(options.jwksUrl(pool.id)));
  }

  /** The identity header's value (a "Bearer " prefix accepted) checked as API Gateway checks it for a method with these scopes. */
  async verify(header: string | undefined, scopes: readonly string[] = []): Promise<Verdict> {
    const token = header?.trim().replace(/^Bearer\s+/i, '');
    if (token === undefined || token === '')
      return { ok: false, reason: `no token in ${this.authorizer.identityHeader}` };
    let issuer: string | undefined;
    try {
      issuer = decodeJwt(token).iss; // only to choose the pool: jwtVerify below checks it against that pool
    } catch {
      return { ok: false, reason: 'not a JWT' };
    }
    const pool = this.authorizer.userPools.find((candidate) => candidate.issuer === issuer);
    const keySet = pool === undefined ? undefined : this.keySets.get(pool.issuer);
    if (pool === undefined || keySet === undefined)
      return { ok: false, reason: `issuer ${issuer ?? '(none)'} is not a pool of authorizer ${this.authorizer.name}` };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keySet, {
        issuer: pool.issuer,
        algorithms: ['RS256'],
        ...(this.options.now === undefined ? {} : { currentDate: this.options.now() }),
      }));
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
    // Without scopes on the method API Gateway takes ID tokens (aud = an app client); with scopes,
    // access tokens (client_id = an app client) that carry one of them.
    if (scopes.length === 0) {
      if (payload.token_use !== 'id')
        return { ok: false, reason: `token_use ${String(payload.token_use)}: an ID token is required` };
      const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
      if (!audiences.some((aud) => pool.clientIds.includes(aud)))
        return { ok: false, reason: `aud ${audiences.join(',')} is no app client of ${pool.id}` };
    } else {
      if (payload.token_use !== 'access')
        return { ok: false, reason: `token_use ${String(payload.token_use)}: an access token is required` };
      if (typeof payload.client_id !== 'string' || !pool.clientIds.includes(payload.client_id))
        return { ok: false, reason: `client_id ${String(payload.client_id)} is no app client of ${pool.id}` };
      const granted = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
      if (!scopes.some((scope) => granted.includes(scope)))
        return { ok: false, reason: `none of the scopes ${scopes.join(', ')}` };
    }
    return { ok: true, claims: apiGatewayClaims(payload) };
  }
}
