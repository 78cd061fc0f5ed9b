// Sign-in by redirect: OpenID Connect authorization code flow with PKCE (S256).
//
// This tab makes the state, the nonce and the PKCE verifier, keeps them in its sessionStorage while it is away at
// the identity provider, and on its way back (/sso/callback) checks the state itself. The code, the verifier and the
// nonce then go to Sinergi's server, which exchanges the code and verifies the ID token (signature, issuer, audience,
// nonce): the page's CSP lets it talk to its own origin only, and a confidential client's secret stays on the server.
// See src/access/single-sign-on.ts. The API is then called with the bearer JWT, as with any token.
import { api, ApiError, session } from './api.js';

const PENDING_KEY = 'sinergi.sso.pending';
/** `{ expiresAt, idToken }` of the signed-in SSO session; absent for an API-token session. */
const SESSION_KEY = 'sinergi.sso.session';
/** Set before leaving for the identity provider's sign-out, read once on the way back. */
const SIGNED_OUT_KEY = 'sinergi.sso.signedOut';
export const CALLBACK_PATH = '/sso/callback';

/** Why a sign-in by redirect did not finish: an i18n key and its parameters. */
export class SsoProblem extends Error {
  constructor(key, params = {}) {
    super(key);
    this.key = key;
    this.params = params;
  }
}

let settings;
/** The identity provider's settings (from GET /auth/sso), or undefined when sign-in by redirect is off. */
export function ssoSettings() {
  settings ??= api('/auth/sso').then(
    (answer) => (answer.enabled ? answer : undefined),
    (error) => {
      settings = undefined; // asked again next time: the identity provider may be back
      throw error;
    },
  );
  return settings;
}

const base64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const randomText = () => base64url(crypto.getRandomValues(new Uint8Array(32)));
const read = (key) => JSON.parse(sessionStorage.getItem(key) ?? 'null');

/** Leaves for the identity provider's login page; `returnTo` is the hash route to land on when back. */
export async function startSsoSignIn(returnTo) {
  const config = await ssoSettings();
  if (!config) throw new SsoProblem('sso.unavailable');
  // The PKCE challenge needs WebCrypto, which browsers give to https:// pages (and localhost) only.
  if (!crypto.subtle) throw new SsoProblem('sso.needsHttps');
  const pending = { state: randomText(), nonce: randomText(), codeVerifier: randomText(), returnTo };
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(pending.codeVerifier))));
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(config.authorizationEndpoint);
  const params = {
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: config.scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  location.assign(url.href);
}

const PROBLEM_OF_RULE = {
  ssoCodeRefused: 'sso.codeRefused',
  ssoTokenRejected: 'sso.tokenRejected',
  ssoNotASinergiUser: 'sso.notASinergiUser',
  identityProviderUnavailable: 'sso.unavailable',
};

/**
 * On /sso/callback: checks the identity provider's answer against this tab's request, has the server exchange the
 * code, keeps the session and puts the view to open in the address bar; resolves true. Elsewhere resolves false at once. Throws an
 * {@link SsoProblem} saying why the sign-in did not finish.
 */
export async function finishSsoSignIn() {
  if (!location.pathname.endsWith(CALLBACK_PATH)) return false;
  const answer = new URLSearchParams(location.search);
  const pending = read(PENDING_KEY);
  // One answer per request, and the code leaves the address bar and the history at once.
  sessionStorage.removeItem(PENDING_KEY);
  history.replaceState(null, '', `/${pending?.returnTo ?? ''}`);
  // A state this tab did not make: an answer to someone else's request (or a forged link), never exchanged.
  if (!pending || answer.get('state') !== pending.state) throw new SsoProblem('sso.stateMismatch');
  if (answer.has('error')) {
    const description = answer.get('error_description');
    throw new SsoProblem('sso.idpError', { error: `${answer.get('error')}${description ? `: ${description}` : ''}` });
  }
  const code = answer.get('code');
  if (!code) throw new SsoProblem('sso.stateMismatch');
  let result;
  try {
    result = await api('/auth/sso/token', { method: 'POST', body: { code, codeVerifier: pending.codeVerifier, nonce: pending.nonce } });
  } catch (error) {
    throw new SsoProblem((error instanceof ApiError && PROBLEM_OF_RULE[error.rule]) || 'sso.failed', { message: error.message });
  }
  session.signIn(result.token);
  session.me = result.me;
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({ expiresAt: result.expiresAt, idToken: result.idToken }));
  history.replaceState(null, '', `/${pending.returnTo || (result.me.role === 'dinas-officer' ? '#/tugas' : '#/dasbor')}`);
  return true;
}

/** When the SSO session's token stops being accepted (ms since the epoch); undefined for an API-token session. */
export const ssoExpiresAt = () => {
  const kept = read(SESSION_KEY);
  return kept ? Date.parse(kept.expiresAt) : undefined;
};

/** An SSO session whose token has expired. */
export const ssoExpired = () => (ssoExpiresAt() ?? Infinity) <= Date.now();

let expiryTimer;
/** Calls `onExpired` when the SSO session's token expires (at once if it has); nothing for an API-token session. */
export function watchExpiry(onExpired) {
  clearTimeout(expiryTimer);
  const at = ssoExpiresAt();
  if (at !== undefined) expiryTimer = setTimeout(onExpired, Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1));
}

/** Forgets the SSO part of the session (the API token part is `session.signOut()`). */
export function forgetSsoSession() {
  clearTimeout(expiryTimer);
  sessionStorage.removeItem(SESSION_KEY);
}

/**
 * Signs out of Sinergi; an SSO session is also ended at the identity provider when it offers RP-initiated logout,
 * so the next person at this computer is asked for a password again. Resolves true when the browser is leaving
 * for the identity provider (it comes back to Sinergi's front page).
 */
export async function signOut() {
  const kept = read(SESSION_KEY);
  forgetSsoSession();
  session.signOut();
  if (!kept) return false;
  let config;
  try {
    config = await ssoSettings();
  } catch {
    return false;
  }
  if (!config?.endSessionEndpoint) return false;
  const url = new URL(config.endSessionEndpoint);
  url.searchParams.set('id_token_hint', kept.idToken);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('post_logout_redirect_uri', config.postLogoutRedirectUri);
  sessionStorage.setItem(SIGNED_OUT_KEY, '1');
  location.assign(url.href);
  return true;
}

/** True once after coming back from the identity provider's sign-out. */
export function justSignedOut() {
  const signedOut = sessionStorage.getItem(SIGNED_OUT_KEY) === '1';
  sessionStorage.removeItem(SIGNED_OUT_KEY);
  return signedOut;
}
