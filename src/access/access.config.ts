/** Where the claims of an OpenID Connect token say who the user is. */
export interface OidcClaimNames {
  role: string;
  region: string;
  opd: string;
  /** `national` for an auditor with national scope. */
  scope: string;
}

export interface OidcSettings {
  issuer: string;
  audience: string;
  jwksUrl: string;
  claims: OidcClaimNames;
}

export const DEFAULT_CLAIM_NAMES: OidcClaimNames = {
  role: 'sinergi_role',
  region: 'sinergi_region',
  opd: 'sinergi_opd',
  scope: 'sinergi_scope',
};

/** Who may reach the API and how: single sign-on, the brake on guessed tokens, browser origins. */
export class AccessConfig {
  constructor(
    /** Absent: only the built-in API tokens are accepted. */
    readonly oidc: OidcSettings | undefined,
    /** Refused tokens from one address within a minute before it is answered 429. */
    readonly authFailuresPerMinute = 10,
    /** Browser origins allowed to call the API; none (CORS closed) by default. */
    readonly corsOrigins: readonly string[] = [],
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): AccessConfig {
    const failures = Number(env.SINERGI_AUTH_FAILURES_PER_MINUTE ?? 10);
    if (!Number.isInteger(failures) || failures < 1) {
      throw new Error(`SINERGI_AUTH_FAILURES_PER_MINUTE must be a whole number of at least 1, got "${env.SINERGI_AUTH_FAILURES_PER_MINUTE}"`);
    }
    const corsOrigins = (env.SINERGI_CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
    return new AccessConfig(oidcFromEnv(env), failures, corsOrigins);
  }
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
  };
}
