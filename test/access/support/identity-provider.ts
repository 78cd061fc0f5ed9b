import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClientMetadata, type Configuration, type JWK, errors } from 'oidc-provider';

/** A person known to the identity provider: what they type at its login page, and the claims it vouches for. */
export interface TestAccount {
  password: string;
  claims: Record<string, unknown>;
}

export interface IdentityProviderOptions {
  /** By login name (the account id, the ID token's `sub`). */
  accounts: Record<string, TestAccount>;
  clients: ClientMetadata[];
  /**
   * An API these clients get JWT access tokens for (resource indicators, RFC 8707): audience `resource`, scope `api`,
   * with the Sinergi claims. Other clients get the provider's default opaque access tokens.
   */
  jwtAccessTokens?: { resource: string; clients: string[] };
}

const SINERGI_CLAIMS = ['sinergi_role', 'sinergi_region', 'sinergi_opd', 'sinergi_scope'];

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="id"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

async function formOf(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * A real OpenID provider (panva's certified oidc-provider, 9.x: ESM, transformed for jest by jest.config.js; it warns
 * that it prefers Node 22 but runs on Node 20.19+) on a local port, with its own login and consent pages,
 * as a regional government's SSO would run it: authorization code flow, PKCE required of public clients, discovery,
 * JWKS, RP-initiated logout. The Sinergi claims ride in the ID token (`conformIdTokenClaims: false`, as an
 * identity provider's "add to ID token" mapper does) under the `sinergi` scope.
 */
export class TestIdentityProvider {
  /** Lifetime of the ID tokens it issues from now on; a test shortens it to watch a session expire. */
  idTokenSeconds = 600;

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
    private readonly provider: Provider,
  ) {}

  static async start(options: IdentityProviderOptions): Promise<TestIdentityProvider> {
    let handle: (request: IncomingMessage, response: ServerResponse) => void = (_q, response) => response.writeHead(503).end();
    const server = createServer((request, response) => handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    let idp: TestIdentityProvider | undefined;
    const api = options.jwtAccessTokens;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const configuration: Configuration = {
      clients: options.clients,
      jwks: { keys: [{ ...(privateKey.export({ format: 'jwk' }) as JWK), kid: 'sso-test-1', use: 'sig', alg: 'RS256' }] },
      cookies: { keys: ['sinergi-test-idp-cookie-key'] },
      claims: { openid: ['sub'], profile: ['name', 'preferred_username'], sinergi: SINERGI_CLAIMS },
      conformIdTokenClaims: false,
      pkce: { required: () => true },
      features: {
        devInteractions: { enabled: false },
        resourceIndicators: {
          enabled: true,
          defaultResource: async (_ctx, client, oneOf) => oneOf ?? (api?.clients.includes(client.clientId) ? api.resource : undefined),
          useGrantedResource: async () => true,
          getResourceServerInfo: async (_ctx, resource) => {
            if (resource !== api?.resource) throw new errors.InvalidTarget();
            return { scope: 'api', audience: api.resource, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
          },
        },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: async (ctx, form) => {
            ctx.body = page('Keluar dari SSO?', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Ya, keluar</button>`);
          },
          postLogoutSuccessSource: async (ctx) => {
            ctx.body = page('Anda sudah keluar', '');
          },
        },
      },
      extraTokenClaims: async (_ctx, token) => {
        const account = token.kind === 'AccessToken' && token.accountId ? options.accounts[token.accountId] : undefined;
        return account ? Object.fromEntries(Object.entries(account.claims).filter(([name]) => name === 'name' || SINERGI_CLAIMS.includes(name))) : undefined;
      },
      ttl: { IdToken: () => idp?.idTokenSeconds ?? 600, AccessToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
      findAccount: (_ctx, id) => {
        const account = options.accounts[id];
        return account ? { accountId: id, claims: () => ({ sub: id, preferred_username: id, ...account.claims }) } : undefined;
      },
      renderError: async (ctx, out) => {
        ctx.type = 'html';
        ctx.body = page('Kesalahan SSO', `<pre>${escapeHtml(JSON.stringify(out))}</pre>`);
      },
    };
    const provider = new Provider(issuer, configuration);
    idp = new TestIdentityProvider(server, issuer, provider);
    const callback = provider.callback();
    const instance = idp;
    handle = (request, response) => {
      if (!request.url?.startsWith('/interaction/')) return void callback(request, response);
      instance.interaction(request, response, options.accounts).catch((error: Error) => {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(error.message);
      });
    };
    return idp;
  }

  get discoveryUrl(): string {
    return `${this.issuer}/.well-known/openid-configuration`;
  }

  get jwksUrl(): string {
    return `${this.issuer}/jwks`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The login page (with a cancel link that ends the sign-in with `access_denied`), the consent page, and their answers. */
  private async interaction(request: IncomingMessage, response: ServerResponse, accounts: Record<string, TestAccount>): Promise<void> {
    const [, , uid, action] = (request.url ?? '').split('?')[0].split('/');
    const details = await this.provider.interactionDetails(request, response);
    const html = (body: string, status = 200): void => {
      response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    };

    if (request.method === 'GET' && action === undefined) {
      if (details.prompt.name === 'login') {
        return html(
          page(
            'SSO Pemerintah Daerah (uji)',
            `<form method="post" action="/interaction/${uid}/login" data-prompt="login">
               <label>Nama pengguna <input name="login" autocomplete="username"></label>
               <label>Kata sandi <input name="password" type="password" autocomplete="current-password"></label>
               <button type="submit">Masuk</button>
             </form>
             <a id="abort" href="/interaction/${uid}/abort">Batal</a>`,
          ),
        );
      }
      return html(
        page(
          `Izinkan ${escapeHtml(String(details.params.client_id))}?`,
          `<form method="post" action="/interaction/${uid}/confirm" data-prompt="consent"><button type="submit">Izinkan</button></form>`,
        ),
      );
    }
    if (request.method === 'POST' && action === 'login') {
      const form = await formOf(request);
      const login = form.get('login') ?? '';
      const account = accounts[login];
      if (!account || account.password !== form.get('password')) return html(page('Nama pengguna atau kata sandi salah', ''), 401);
      return this.provider.interactionFinished(request, response, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    }
    if (request.method === 'POST' && action === 'confirm') {
      const { prompt, params, session } = details;
      const grant = details.grantId
        ? await this.provider.Grant.find(details.grantId)
        : new this.provider.Grant({ accountId: session?.accountId, clientId: String(params.client_id) });
      if (!grant) throw new Error('the grant of this interaction is gone');
      const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
      const grantId = await grant.save();
      return this.provider.interactionFinished(request, response, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
    }
    if (request.method === 'GET' && action === 'abort') {
      return this.provider.interactionFinished(
        request,
        response,
        { error: 'access_denied', error_description: 'End-User aborted interaction' },
        { mergeWithLastSubmission: false },
      );
    }
    html(page('Tidak dikenal', ''), 404);
  }
}

/**
 * Sinergi's public address in front of the app, as a deployment's reverse proxy is: its URL is known before the app
 * listens, so the app can be configured with it (SINERGI_PUBLIC_URL) and the identity provider can register the
 * redirect URI under it.
 */
export class FrontProxy {
  private target?: string;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FrontProxy> {
    let proxy: FrontProxy | undefined;
    const server = createServer((request, response) => {
      const target = proxy?.target;
      if (!target) return void response.writeHead(503).end('no upstream yet');
      const upstream = forward(`${target}${request.url}`, { method: request.method, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      upstream.on('error', () => response.writeHead(502).end());
      request.pipe(upstream);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new FrontProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return proxy;
  }

  forwardTo(target: string): void {
    this.target = target;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** What the web app keeps in its tab while the browser is at the identity provider. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  authorizationUrl: string;
}

/** An authorization request as the web app makes it, from the settings GET /auth/sso gives it. */
export function authorizationRequest(settings: { authorizationEndpoint: string; clientId: string; redirectUri: string; scope: string }): PendingSignIn {
  const random = () => randomBytes(32).toString('base64url');
  const [state, nonce, codeVerifier] = [random(), random(), random()];
  const url = new URL(settings.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: settings.redirectUri,
    scope: settings.scope,
    state,
    nonce,
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  return { state, nonce, codeVerifier, authorizationUrl: url.href };
}

/**
 * Follows an authorization request through the provider as a browser without scripts would (redirects, cookies,
 * the login and consent forms) and returns where the provider sends it back: the redirect URI with its parameters.
 */
export async function signInAtProvider(authorizationUrl: string, login: string, password: string): Promise<URL> {
  const providerOrigin = new URL(authorizationUrl).origin;
  const cookies = new Map<string, string>();
  let url = authorizationUrl;
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) cookies.delete(name);
      else cookies.set(name, value);
    }
    init = {};
    if (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.get('location') ?? '', url);
      if (next.origin !== providerOrigin) return next;
      url = next.href;
      continue;
    }
    const html = await response.text();
    const form = /<form method="post" action="([^"]+)" data-prompt="(\w+)"/.exec(html);
    if (!form) throw new Error(`the identity provider answered ${response.status}: ${html.slice(0, 500)}`);
    url = new URL(form[1], url).href;
    const body = form[2] === 'login' ? new URLSearchParams({ login, password }).toString() : '';
    init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body };
  }
  throw new Error('the identity provider kept redirecting');
}
