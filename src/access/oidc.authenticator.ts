import { timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { OidcSettings } from './access.config';
import { Authenticator, IdentityProviderUnavailable, NotASinergiUser, TokenRejected } from './authenticator';
import { type Principal, principalProblem } from './principal';

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;
/** Asymmetric algorithms only: a JWKS publishes public keys, and `none` or HMAC with a public key must never pass. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** JSON Web Tokens of the deployment's single sign-on, verified against the keys its JWKS URL publishes. */
export class OidcAuthenticator extends Authenticator {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    private readonly settings: OidcSettings,
    private readonly isKnownRegion: (code: string) => boolean,
  ) {
    super();
    // jose caches the key set and fetches it again (at most every 30 s) when a token names a key it lacks.
    this.keys = createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5_000 });
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    if (!JWT_SHAPE.test(token)) return undefined;
    return (await this.verify(token)).principal;
  }

  /** The user a bearer token speaks for and when it stops being accepted; rejects as `authenticate` does. */
  async verify(token: string): Promise<{ principal: Principal; expiresAt: Date }> {
    if (!JWT_SHAPE.test(token)) throw new TokenRejected('the token is not a JWT');
    const payload = await this.verified(token, this.settings.audience, ['sub', 'exp']);
    return { principal: this.principalOf(payload), expiresAt: new Date((payload.exp as number) * 1000) };
  }

  /**
   * The claims of an ID token that ends a sign-in by redirect: issued by this provider for `clientId` (the only
   * audience, or the authorized party among several) and carrying the nonce of the browser tab that started it.
   */
  async verifyIdToken(idToken: string, clientId: string, nonce: string): Promise<JWTPayload> {
    if (!JWT_SHAPE.test(idToken)) throw new TokenRejected('the ID token is not a JWT');
    const payload = await this.verified(idToken, clientId, ['sub', 'exp', 'iat']);
    const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
    if (audiences.length > 1 && payload.azp !== clientId) throw new TokenRejected("the ID token's azp claim is not accepted");
    if (typeof payload.nonce !== 'string' || !constantTimeEqual(payload.nonce, nonce)) {
      throw new TokenRejected('the ID token was issued for another sign-in (its nonce does not match)');
    }
    return payload;
  }

  private async verified(token: string, audience: string, requiredClaims: string[]): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience,
        algorithms: ALGORITHMS,
        requiredClaims,
        clockTolerance: 30,
      });
      return payload;
    } catch (error) {
      throw refusalOf(error);
    }
  }

  private principalOf(payload: JWTPayload): Principal {
    const { claims } = this.settings;
    const text = (name: string): string | undefined => (typeof payload[name] === 'string' ? (payload[name] as string) : undefined);
    const role = payload[claims.role];
    const region = text(claims.region);
    const opd = text(claims.opd);
    const national = text(claims.scope) === 'national';
    const problem = principalProblem({ role, region, opd, national });
    if (problem) throw new NotASinergiUser(`the token does not say who you are in Sinergi: ${problem} (claims ${claims.role}, ${claims.region}, ${claims.opd}, ${claims.scope})`);
    if (!region || !this.isKnownRegion(region)) throw new NotASinergiUser(`the token's ${claims.region} is not an official Kemendagri region code`);
    const userId = payload.sub as string;
    return {
      userId,
      name: text('name') ?? text('preferred_username') ?? userId,
      role: role as Principal['role'],
      region,
      ...(opd ? { opd } : {}),
      national,
      via: 'oidc',
    };
  }
}

function refusalOf(error: unknown): Error {
  if (error instanceof errors.JWTExpired) return new TokenRejected('the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) return new TokenRejected(`the token's ${error.claim} claim is not accepted`);
  if (error instanceof errors.JWSSignatureVerificationFailed) return new TokenRejected('the token signature does not verify');
  if (error instanceof errors.JWKSNoMatchingKey) return new TokenRejected('the token is signed with a key the identity provider does not publish');
  if (error instanceof errors.JOSEAlgNotAllowed) return new TokenRejected('the token is signed with an algorithm that is not accepted');
  if (error instanceof errors.JOSEError && !isKeySetFailure(error)) return new TokenRejected('the token is not a valid signed JWT');
  // What is left is the key set itself: unreachable (fetch's TypeError), too slow, not JSON, or not a key set.
  return new IdentityProviderUnavailable('the identity provider keys could not be fetched');
}

function isKeySetFailure(error: errors.JOSEError): boolean {
  return error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || /JSON Web Key Set/.test(error.message);
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
