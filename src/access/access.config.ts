/** Where the claims of an OpenID Connect token say who the user is. */
export interface OidcClaimNames {
  role: string;
  region: string;
  opd: string;
  /** `national` for an auditor with national scope. */
  scope: string;
}

/**
 * Sign-in by redirect from the web app: OpenID Connect authorization code flow with PKCE. The endpoints come from the
 * issuer's discovery document; the code is exchanged by Sinergi's server (see `single-sign-on.ts`).
 */
export interface OidcSignInSettings {
  /** The client registered for Sinergi at the identity provider. */
  clientId: string;
  /** Only for a confidential client; a public client relies on PKCE alone. */
  clientSecret?: string;
  /** Where the identity provider sends the browser back with the code: `<public URL>/sso/callback` by default. */
  redirectUri: string;
  /** Where the identity provider sends the browser after signing out: `<public URL>/` by default. */
  postLogoutRedirectUri: string;
  /** Space-separated scopes to ask for; `openid` is always among them. */
  scope: string;
}

export interface OidcSettings {
  issuer: string;
  audience: string;
  jwksUrl: string;
  claims: OidcClaimNames;
  /** Absent: tokens of the identity provider are accepted, but the web app offers no "sign in with SSO" button. */
  signIn?: OidcSignInSettings;
}

/** The path of the web app that receives the identity provider's answer (the redirect URI's path by default). */
export const SSO_CALLBACK_PATH = '/sso/callback';

export const DEFAULT_CLAIM_NAMES: OidcClaimNames = {
  role: 'sinergi_role',
  region: 'sinergi_region',
  opd: 'sinergi_opd',
  scope: 'sinergi_scope',
};

/**
 * Which proxies in front of Sinergi are believed about the client's address (`X-Forwarded-For`), as Express's
 * `trust proxy` takes it: `false` (none: the address is the connection's), a number of hops, or addresses and
 * networks (`loopback`, `10.0.0.0/8`, ...). Never `true`: then every client could name its own address.
 */
export type TrustedProxies = false | number | string;

/** Who may reach the API and how: single sign-on, the brakes on refused tokens and on writes, browser origins, proxies. */
export class AccessConfig {
  constructor(
    /** Absent: only the built-in API tokens are accepted. */
    readonly oidc: OidcSettings | undefined,
    /** Times one token may be refused from one address within a minute before it is answered 429 (ten times that for the address). */
    readonly authFailuresPerMinute = 10,
    /** Browser origins allowed to call the API; none (CORS closed) by default. */
    readonly corsOrigins: readonly string[] = [],
    readonly trustProxy: TrustedProxies = false,
    /** Writes (POST, PUT, PATCH, DELETE) one user may make within a minute before being answered 429. */
    readonly writesPerMinute = 600,
    /**
     * The regions whose built-in users this deployment admits (a code admits its kabupaten/kota too); every region
     * when empty. A province's own deployment names itself, so nobody creates a built-in user of another region there.
     */
    readonly builtInUserRegions: readonly string[] = [],
  ) {}

  /** Whether a built-in user of this region may exist here (see {@link builtInUserRegions}). */
  admitsBuiltInUserOf(region: string): boolean {
    return this.builtInUserRegions.length === 0 || this.builtInUserRegions.some((code) => region === code || region.startsWith(`${code}.`));
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): AccessConfig {
    const failures = Number(env.SINERGI_AUTH_FAILURES_PER_MINUTE ?? 10);
    if (!Number.isInteger(failures) || failures < 1) {
      throw new Error(`SINERGI_AUTH_FAILURES_PER_MINUTE must be a whole number of at least 1, got "${env.SINERGI_AUTH_FAILURES_PER_MINUTE}"`);
    }
    const corsOrigins = (env.SINERGI_CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
    const writes = Number(env.SINERGI_WRITES_PER_MINUTE ?? 600);
    if (!Number.isInteger(writes) || writes < 1) {
      throw new Error(`SINERGI_WRITES_PER_MINUTE must be a whole number of at least 1, got "${env.SINERGI_WRITES_PER_MINUTE}"`);
    }
    const builtInUserRegions = (env.SINERGI_BUILT_IN_USER_REGIONS ?? '')
      .split(',')
      .map((code) => code.trim())
      .filter(Boolean);
    return new AccessConfig(oidcFromEnv(env), failures, corsOrigins, trustedProxiesFromEnv(env.SINERGI_TRUST_PROXY), writes, builtInUserRegions);
  }
}

function trustedProxiesFromEnv(value: string | undefined): TrustedProxies {
  const setting = (value ?? '').trim();
  if (setting === '' || setting === 'false') return false;
  if (/^\d+$/.test(setting)) return Number(setting);
  if (setting === 'true') {
    throw new Error('SINERGI_TRUST_PROXY=true would let every client name its own address: give the number of proxies (1) or their addresses (loopback, 10.0.0.0/8)');
  }
  return setting;
}

function oidcFromEnv(env: NodeJS.ProcessEnv): OidcSettings | undefined {
  const issuer = env.SINERGI_OIDC_ISSUER;
  const audience = env.SINERGI_OIDC_AUDIENCE;
  const jwksUrl = env.SINERGI_OIDC_JWKS_URL;
  if (!issuer && !audience && !jwksUrl) return undefined;
  if (!issuer || !audience || !jwksUrl) {
    throw new Error('single sign-on needs all of SINERGI_OIDC_ISSUER, SINERGI_OIDC_AUDIENCE and SINERGI_OIDC_JWKS_URL');
  }
  try {
    new URL(jwksUrl);
  } catch {
    throw new Error(`SINERGI_OIDC_JWKS_URL must be a URL, got "${jwksUrl}"`);
  }
  const signIn = signInFromEnv(env);
  return {
    issuer,
    audience,
    jwksUrl,
    claims: {
      role: env.SINERGI_OIDC_ROLE_CLAIM ?? DEFAULT_CLAIM_NAMES.role,
      region: env.SINERGI_OIDC_REGION_CLAIM ?? DEFAULT_CLAIM_NAMES.region,
      opd: env.SINERGI_OIDC_OPD_CLAIM ?? DEFAULT_CLAIM_NAMES.opd,
      scope: env.SINERGI_OIDC_SCOPE_CLAIM ?? DEFAULT_CLAIM_NAMES.scope,
    },
    ...(signIn ? { signIn } : {}),
  };
}

/** The web app's sign-in by redirect: on when SINERGI_OIDC_CLIENT_ID is set. */
function signInFromEnv(env: NodeJS.ProcessEnv): OidcSignInSettings | undefined {
  const clientId = env.SINERGI_OIDC_CLIENT_ID;
  if (!clientId) {
    if (env.SINERGI_OIDC_CLIENT_SECRET || env.SINERGI_OIDC_REDIRECT_URI) throw new Error('SINERGI_OIDC_CLIENT_SECRET and SINERGI_OIDC_REDIRECT_URI need SINERGI_OIDC_CLIENT_ID');
    return undefined;
  }
  // The same default as the links in reminders: the address people reach Sinergi at.
  const publicUrl = (env.SINERGI_PUBLIC_URL ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/+$/, '');
  const redirectUri = env.SINERGI_OIDC_REDIRECT_URI ?? `${publicUrl}${SSO_CALLBACK_PATH}`;
  const postLogoutRedirectUri = `${publicUrl}/`;
  for (const [name, url] of [['SINERGI_OIDC_REDIRECT_URI', redirectUri], ['SINERGI_PUBLIC_URL', postLogoutRedirectUri]]) {
    if (!URL.canParse(url)) throw new Error(`${name} must be a URL, got "${url}"`);
  }
  const scopes = new Set(['openid', ...(env.SINERGI_OIDC_SCOPE ?? 'openid profile').split(/\s+/).filter(Boolean)]);
  return {
    clientId,
    ...(env.SINERGI_OIDC_CLIENT_SECRET ? { clientSecret: env.SINERGI_OIDC_CLIENT_SECRET } : {}),
    redirectUri,
    postLogoutRedirectUri,
    scope: [...scopes].join(' '),
  };
}
