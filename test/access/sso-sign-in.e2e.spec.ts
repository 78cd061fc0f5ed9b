import { AccessConfig } from '../../src/access/access.config';
import type { SsoBrowserSettings, SsoSession } from '../../src/access/single-sign-on';
import { BANTEN, BENGKULU, bantenOffersBengkulu } from '../e2e/http-fixtures';
import { TestApp } from '../support/test-app';
import { type PendingSignIn, TestIdentityProvider, authorizationRequest, signInAtProvider } from './support/identity-provider';

const PUBLIC_URL = 'https://sinergi.bantenprov.go.id';
const REDIRECT_URI = `${PUBLIC_URL}/sso/callback`;
const API_RESOURCE = 'urn:sinergi:api';
const CONFIDENTIAL_SECRET = 'rahasia-klien-sinergi-yang-panjang-sekali-0123456789';

const accounts = {
  siti: { password: 'kata-sandi-siti', claims: { name: 'Siti Rahma', sinergi_role: 'coordinator', sinergi_region: BANTEN } },
  // Known to the identity provider, but nobody gave them a role in Sinergi.
  tamu: { password: 'kata-sandi-tamu', claims: { name: 'Tamu Pemprov' } },
};

/** The environment a deployment sets: the web app's client, and SINERGI_PUBLIC_URL for the redirect URI. */
const environment = (idp: TestIdentityProvider, client: Record<string, string>) => ({
  SINERGI_OIDC_ISSUER: idp.issuer,
  SINERGI_OIDC_JWKS_URL: idp.jwksUrl,
  SINERGI_PUBLIC_URL: PUBLIC_URL,
  SINERGI_OIDC_SCOPE: 'openid profile sinergi',
  SINERGI_AUTH_FAILURES_PER_MINUTE: '100',
  ...client,
});

describe('signing in by redirect through the regional identity provider', () => {
  let idp: TestIdentityProvider;
  let app: TestApp;
  let settings: SsoBrowserSettings;

  /** The browser's part: go to the provider, log in, come back with the code. */
  const codeFor = async (login: keyof typeof accounts, request: PendingSignIn = authorizationRequest(settings)) => {
    const back = await signInAtProvider(request.authorizationUrl, login, accounts[login].password);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
    expect(back.searchParams.get('state')).toBe(request.state);
    return { code: back.searchParams.get('code') as string, request };
  };
  const exchange = (target: TestApp, body: object) => target.anonymous().post('/auth/sso/token', body);

  beforeAll(async () => {
    idp = await TestIdentityProvider.start({
      accounts,
      clients: [
        // The web app as a public client: PKCE, no secret.
        { client_id: 'sinergi-web', token_endpoint_auth_method: 'none', redirect_uris: [REDIRECT_URI], post_logout_redirect_uris: [`${PUBLIC_URL}/`] },
        { client_id: 'sinergi-server', client_secret: CONFIDENTIAL_SECRET, token_endpoint_auth_method: 'client_secret_basic', redirect_uris: [REDIRECT_URI] },
        // A web app whose API is a resource of its own, with JWT access tokens.
        { client_id: 'sinergi-spa', token_endpoint_auth_method: 'none', redirect_uris: [REDIRECT_URI] },
      ],
      jwtAccessTokens: { resource: API_RESOURCE, clients: ['sinergi-spa'] },
    });
    const env = environment(idp, { SINERGI_OIDC_AUDIENCE: 'sinergi-web', SINERGI_OIDC_CLIENT_ID: 'sinergi-web' });
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z', access: AccessConfig.fromEnv(env) });
    settings = (await app.anonymous().get('/auth/sso').expect(200)).body;
  });
  afterAll(async () => {
    await app?.close();
    await idp?.close();
  });

  it('tells the web app where to send the browser, from the issuer’s discovery document, and no secret', () => {
    expect(settings).toEqual({
      enabled: true,
      authorizationEndpoint: `${idp.issuer}/auth`,
      clientId: 'sinergi-web',
      redirectUri: REDIRECT_URI,
      scope: 'openid profile sinergi',
      endSessionEndpoint: `${idp.issuer}/session/end`,
      postLogoutRedirectUri: `${PUBLIC_URL}/`,
    });
  });

  it('exchanges the code for a token the API serves as the Banten coordinator, under the same rules', async () => {
    const { code, request } = await codeFor('siti');
    const response = await exchange(app, { code, codeVerifier: request.codeVerifier, nonce: request.nonce }).expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const session: SsoSession = response.body;
    expect(session.me).toEqual({ userId: 'siti', name: 'Siti Rahma', role: 'coordinator', region: BANTEN, national: false, via: 'oidc' });
    // The ID token is the bearer token (the API's audience is the client id), and it lives as long as the provider says.
    expect(session.token).toBe(session.idToken);
    expect(Date.parse(session.expiresAt) - Date.now()).toBeGreaterThan(590_000);
    expect(Date.parse(session.expiresAt) - Date.now()).toBeLessThanOrEqual(600_000);

    expect((await app.withToken(session.token).get('/me').expect(200)).body).toEqual(session.me);
    const { body } = await app.withToken(session.token).post('/agreements', bantenOffersBengkulu).expect(201);
    const events = (await app.withToken(session.token).get(`/agreements/${body.agreementId}/events`).expect(200)).body;
    expect(events[0].metadata.actor).toEqual({ userId: 'siti', role: 'coordinator', region: BANTEN, via: 'sso' });
    const elsewhere = await app.withToken(session.token).get(`/regions/${BENGKULU}/portfolio`);
    expect([elsewhere.status, elsewhere.body.rule]).toEqual([403, 'RegionOutOfReach']);
  });

  it('refuses an ID token that was issued for another sign-in (the nonce of another tab)', async () => {
    const { code, request } = await codeFor('siti');
    const before = await app.eventCount();
    const { status, body } = await exchange(app, { code, codeVerifier: request.codeVerifier, nonce: authorizationRequest(settings).nonce });
    expect([status, body.rule]).toEqual([401, 'ssoTokenRejected']);
    expect(body.message).toContain('nonce');
    expect(body.token).toBeUndefined();
    expect(await app.eventCount()).toBe(before);
  });

  it('is refused by the provider without the PKCE verifier of the request that got the code', async () => {
    const { code, request } = await codeFor('siti');
    const { status, body } = await exchange(app, { code, codeVerifier: authorizationRequest(settings).codeVerifier, nonce: request.nonce });
    expect([status, body.rule]).toEqual([400, 'ssoCodeRefused']);
    expect(body.message).toContain('invalid_grant');
  });

  it('takes a code once', async () => {
    const { code, request } = await codeFor('siti');
    await exchange(app, { code, codeVerifier: request.codeVerifier, nonce: request.nonce }).expect(200);
    const again = await exchange(app, { code, codeVerifier: request.codeVerifier, nonce: request.nonce });
    expect([again.status, again.body.rule]).toEqual([400, 'ssoCodeRefused']);
  });

  it('says so when the provider knows the person but gives them no role or region in Sinergi', async () => {
    const { code, request } = await codeFor('tamu');
    const { status, body } = await exchange(app, { code, codeVerifier: request.codeVerifier, nonce: request.nonce });
    expect([status, body.rule]).toEqual([401, 'ssoNotASinergiUser']);
    expect(body.message).toContain('the role must be one of');
  });

  it('names the field of a malformed request', async () => {
    const { status, body } = await exchange(app, { code: 'x', codeVerifier: 'short', nonce: 'n'.repeat(20) });
    expect(status).toBe(400);
    expect(body.errors.map((e: { field: string }) => e.field)).toEqual(['codeVerifier']);
  });

  it('authenticates a confidential client with its secret, kept on the server', async () => {
    const env = environment(idp, { SINERGI_OIDC_AUDIENCE: 'sinergi-server', SINERGI_OIDC_CLIENT_ID: 'sinergi-server', SINERGI_OIDC_CLIENT_SECRET: CONFIDENTIAL_SECRET });
    const confidential = await TestApp.start({ access: AccessConfig.fromEnv(env) });
    try {
      const ownSettings: SsoBrowserSettings = (await confidential.anonymous().get('/auth/sso').expect(200)).body;
      expect(JSON.stringify(ownSettings)).not.toContain(CONFIDENTIAL_SECRET);
      const request = authorizationRequest(ownSettings);
      const { code } = await codeFor('siti', request);
      const { body } = await exchange(confidential, { code, codeVerifier: request.codeVerifier, nonce: request.nonce }).expect(200);
      expect(body.me).toMatchObject({ userId: 'siti', region: BANTEN });
    } finally {
      await confidential.close();
    }
  });

  it('uses the access token when the API’s audience is not the client id', async () => {
    const env = environment(idp, { SINERGI_OIDC_AUDIENCE: API_RESOURCE, SINERGI_OIDC_CLIENT_ID: 'sinergi-spa', SINERGI_OIDC_SCOPE: 'openid profile api' });
    const separate = await TestApp.start({ access: AccessConfig.fromEnv(env) });
    try {
      const request = authorizationRequest((await separate.anonymous().get('/auth/sso').expect(200)).body);
      const { code } = await codeFor('siti', request);
      const session: SsoSession = (await exchange(separate, { code, codeVerifier: request.codeVerifier, nonce: request.nonce }).expect(200)).body;
      expect(session.token).not.toBe(session.idToken);
      expect(session.me).toMatchObject({ userId: 'siti', role: 'coordinator', region: BANTEN, via: 'oidc' });
      expect((await separate.withToken(session.token).get('/me').expect(200)).body).toEqual(session.me);
      // The ID token is for the client, not for the API.
      expect((await separate.withToken(session.idToken).get('/me')).body.message).toBe("the token's aud claim is not accepted");
    } finally {
      await separate.close();
    }
  });

  it('explains an access token the API cannot use (opaque) when the audience is not the client id', async () => {
    const env = environment(idp, { SINERGI_OIDC_AUDIENCE: API_RESOURCE, SINERGI_OIDC_CLIENT_ID: 'sinergi-web' });
    const misconfigured = await TestApp.start({ access: AccessConfig.fromEnv(env), logger: [] });
    try {
      const request = authorizationRequest((await misconfigured.anonymous().get('/auth/sso').expect(200)).body);
      const { code } = await codeFor('siti', request);
      const { status, body } = await exchange(misconfigured, { code, codeVerifier: request.codeVerifier, nonce: request.nonce });
      expect([status, body.rule]).toEqual([401, 'ssoTokenRejected']);
      expect(body.message).toContain('set SINERGI_OIDC_AUDIENCE to the client id');
    } finally {
      await misconfigured.close();
    }
  });
});

describe('the web app’s single sign-on settings', () => {
  it('are off without a client id, and the exchange is not there', async () => {
    const app = await TestApp.start();
    try {
      expect((await app.anonymous().get('/auth/sso').expect(200)).body).toEqual({ enabled: false });
      const { status, body } = await app.anonymous().post('/auth/sso/token', { code: 'c', codeVerifier: 'v'.repeat(43), nonce: 'n'.repeat(16) });
      expect([status, body.rule]).toEqual([404, 'singleSignOnNotConfigured']);
    } finally {
      await app.close();
    }
  });

  it('answer 503 while the identity provider cannot be reached', async () => {
    const gone = await TestIdentityProvider.start({ accounts: {}, clients: [] });
    await gone.close();
    const app = await TestApp.start({
      access: AccessConfig.fromEnv({ SINERGI_OIDC_ISSUER: gone.issuer, SINERGI_OIDC_AUDIENCE: 'sinergi-web', SINERGI_OIDC_JWKS_URL: gone.jwksUrl, SINERGI_OIDC_CLIENT_ID: 'sinergi-web' }),
      logger: [],
    });
    try {
      const { status, body } = await app.anonymous().get('/auth/sso');
      expect([status, body.rule]).toEqual([503, 'identityProviderUnavailable']);
    } finally {
      await app.close();
    }
  });

  it('derive the redirect URI from SINERGI_PUBLIC_URL, and always ask for openid', () => {
    const base = { SINERGI_OIDC_ISSUER: 'https://sso.bantenprov.go.id', SINERGI_OIDC_AUDIENCE: 'sinergi', SINERGI_OIDC_JWKS_URL: 'https://sso.bantenprov.go.id/jwks' };
    expect(AccessConfig.fromEnv(base).oidc?.signIn).toBeUndefined();
    const signIn = AccessConfig.fromEnv({ ...base, SINERGI_OIDC_CLIENT_ID: 'sinergi', SINERGI_PUBLIC_URL: 'https://sinergi.bantenprov.go.id/', SINERGI_OIDC_SCOPE: 'profile sinergi' }).oidc?.signIn;
    expect(signIn).toEqual({
      clientId: 'sinergi',
      redirectUri: 'https://sinergi.bantenprov.go.id/sso/callback',
      postLogoutRedirectUri: 'https://sinergi.bantenprov.go.id/',
      scope: 'openid profile sinergi',
    });
    expect(AccessConfig.fromEnv({ ...base, SINERGI_OIDC_CLIENT_ID: 'sinergi', PORT: '8080' }).oidc?.signIn?.redirectUri).toBe('http://localhost:8080/sso/callback');
    expect(() => AccessConfig.fromEnv({ ...base, SINERGI_OIDC_CLIENT_SECRET: 'x' })).toThrow('need SINERGI_OIDC_CLIENT_ID');
  });
});
