import type { OidcSettings, OidcSignInSettings } from './access.config';
import { IdentityProviderUnavailable, TokenRejected } from './authenticator';
import type { OidcAuthenticator } from './oidc.authenticator';
import type { Principal } from './principal';

/** What the web app needs to send the browser to the identity provider: never a secret. */
export interface SsoBrowserSettings {
  enabled: true;
  authorizationEndpoint: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  /** RP-initiated logout, when the identity provider offers it. */
  endSessionEndpoint?: string;
  postLogoutRedirectUri: string;
}

/** A finished sign-in: the bearer token the API accepts, and what the web app needs to sign out again. */
export interface SsoSession {
  /** Sent as `Authorization: Bearer` on every API call, verified there like every other token of the identity provider. */
  token: string;
  /** The ID token, as the `id_token_hint` of the sign-out at the identity provider. */
  idToken: string;
  /** When the bearer token stops being accepted (its `exp`): the web app signs out then. */
  expiresAt: string;
  me: Principal;
}

/** The identity provider's token endpoint refused the code (used, expired, wrong verifier, unknown client). */
export class CodeRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CodeRefused';
  }
}

interface Discovered {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  endSessionEndpoint?: string;
  tokenEndpointAuthMethods?: string[];
}

/** The discovery document is fetched again after this long, so a changed endpoint is picked up without a restart. */
const DISCOVERY_TTL_MS = 60 * 60 * 1000;
const TIMEOUT_MS = 5_000;

/**
 * Sign-in by redirect: OpenID Connect authorization code flow with PKCE (S256).
 *
 * The browser starts it: it makes the `state`, the `nonce` and the PKCE verifier, keeps them in its tab's
 * sessionStorage, and goes to the authorization endpoint; back on `/sso/callback`, it checks `state` itself and
 * sends the code, the verifier and the nonce here. This server, not the browser, exchanges the code, because:
 * - the web app's Content-Security-Policy lets it connect to its own origin only (`connect-src 'self'`), and many
 *   identity providers do not answer CORS requests on their token endpoint;
 * - a deployment may register Sinergi as a confidential client, whose secret must stay on the server;
 * - the ID token is verified here, with jose against the identity provider's JWKS (signature, issuer, audience,
 *   expiry, and the nonce of the tab that started the sign-in), before the browser keeps anything.
 * PKCE still binds the code to that tab: without its verifier the code is worth nothing to whoever intercepts it.
 *
 * The browser then calls the API exactly as with a pasted JWT: the bearer token is the ID token when the API's
 * audience is the client id (the usual single-application setup), otherwise the access token, which must then be
 * a JWT for that audience. Either way it goes through the same authenticator, claims and rules.
 */
export class SingleSignOn {
  private discovered?: { at: number; value: Promise<Discovered> };

  constructor(
    private readonly settings: OidcSettings | undefined,
    private readonly oidc: OidcAuthenticator | undefined,
  ) {}

  get enabled(): boolean {
    return this.signIn !== undefined;
  }

  /** The web app's settings; `undefined` when sign-in by redirect is not configured. */
  async browserSettings(): Promise<SsoBrowserSettings | undefined> {
    const signIn = this.signIn;
    if (!signIn) return undefined;
    const { authorizationEndpoint, endSessionEndpoint } = await this.discovery();
    return {
      enabled: true,
      authorizationEndpoint,
      clientId: signIn.clientId,
      redirectUri: signIn.redirectUri,
      scope: signIn.scope,
      ...(endSessionEndpoint ? { endSessionEndpoint } : {}),
      postLogoutRedirectUri: signIn.postLogoutRedirectUri,
    };
  }

  /** Exchanges the code at the token endpoint and verifies what comes back; rejects with the reason it fails. */
  async exchange(code: string, codeVerifier: string, nonce: string): Promise<SsoSession> {
    const signIn = this.signIn;
    const settings = this.settings;
    const oidc = this.oidc;
    if (!signIn || !settings || !oidc) throw new Error('single sign-on by redirect is not configured');
    const { tokenEndpoint, tokenEndpointAuthMethods } = await this.discovery();

    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: signIn.redirectUri, code_verifier: codeVerifier });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (!signIn.clientSecret) {
      form.set('client_id', signIn.clientId);
    } else if (tokenEndpointAuthMethods && !tokenEndpointAuthMethods.includes('client_secret_basic') && tokenEndpointAuthMethods.includes('client_secret_post')) {
      form.set('client_id', signIn.clientId);
      form.set('client_secret', signIn.clientSecret);
    } else {
      // RFC 6749 §2.3.1: both parts form-encoded before the Basic encoding.
      const credentials = `${encodeURIComponent(signIn.clientId)}:${encodeURIComponent(signIn.clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }

    let response: Response;
    try {
      response = await fetch(tokenEndpoint, { method: 'POST', headers, body: form, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch {
      throw new IdentityProviderUnavailable('the identity provider token endpoint could not be reached');
    }
    const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (!response.ok) {
      if (response.status >= 500 || typeof body?.error !== 'string') {
        throw new IdentityProviderUnavailable(`the identity provider token endpoint answered HTTP ${response.status}`);
      }
      const description = typeof body.error_description === 'string' ? `: ${body.error_description.slice(0, 200)}` : '';
      throw new CodeRefused(`the identity provider refused the code (${body.error.slice(0, 60)}${description})`);
    }
    const idToken = body?.id_token;
    if (typeof idToken !== 'string') throw new TokenRejected('the identity provider answered without an ID token: is the openid scope allowed for this client?');
    await oidc.verifyIdToken(idToken, signIn.clientId, nonce);

    const usesIdToken = settings.audience === signIn.clientId;
    const token = usesIdToken ? idToken : body?.access_token;
    if (typeof token !== 'string' || token.split('.').length !== 3) {
      throw new TokenRejected(
        `the access token is not a JWT for audience ${settings.audience}: set SINERGI_OIDC_AUDIENCE to the client id to use the ID token, or have the identity provider issue JWT access tokens`,
      );
    }
    const { principal, expiresAt } = await oidc.verify(token);
    return { token, idToken, expiresAt: expiresAt.toISOString(), me: principal };
  }

  private get signIn(): OidcSignInSettings | undefined {
    return this.oidc ? this.settings?.signIn : undefined;
  }

  private discovery(): Promise<Discovered> {
    const now = Date.now();
    if (!this.discovered || now - this.discovered.at > DISCOVERY_TTL_MS) {
      const value = this.discover();
      this.discovered = { at: now, value };
      // A failure is not kept: the next sign-in asks again.
      value.catch(() => {
        if (this.discovered?.value === value) this.discovered = undefined;
      });
    }
    return this.discovered.value;
  }

  private async discover(): Promise<Discovered> {
    const issuer = (this.settings as OidcSettings).issuer;
    const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    let document: Record<string, unknown>;
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      document = (await response.json()) as Record<string, unknown>;
    } catch (error) {
      throw new IdentityProviderUnavailable(`the identity provider discovery document (${url}) could not be fetched: ${(error as Error).message}`);
    }
    // OpenID Connect Discovery §4.3: the document must be the configured issuer's own.
    if (document.issuer !== issuer) throw new IdentityProviderUnavailable(`the discovery document at ${url} names the issuer ${String(document.issuer)}, not ${issuer}`);
    const endpoint = (name: string): string | undefined => {
      const value = document[name];
      return typeof value === 'string' && URL.canParse(value) ? value : undefined;
    };
    const authorizationEndpoint = endpoint('authorization_endpoint');
    const tokenEndpoint = endpoint('token_endpoint');
    if (!authorizationEndpoint || !tokenEndpoint) throw new IdentityProviderUnavailable(`the discovery document at ${url} names no authorization or token endpoint`);
    const challengeMethods = document.code_challenge_methods_supported;
    if (Array.isArray(challengeMethods) && !challengeMethods.includes('S256')) {
      throw new IdentityProviderUnavailable('the identity provider does not support PKCE with S256 (code_challenge_methods_supported)');
    }
    const authMethods = document.token_endpoint_auth_methods_supported;
    const endSessionEndpoint = endpoint('end_session_endpoint');
    return {
      authorizationEndpoint,
      tokenEndpoint,
      ...(endSessionEndpoint ? { endSessionEndpoint } : {}),
      ...(Array.isArray(authMethods) ? { tokenEndpointAuthMethods: authMethods.filter((m): m is string => typeof m === 'string') } : {}),
    };
  }
}
