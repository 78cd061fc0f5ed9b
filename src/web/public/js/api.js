// Calls the JSON API with the signed-in user's bearer token; the token lives in sessionStorage only, so it ends
// with the browser tab and is never sent as a cookie.
const TOKEN_KEY = 'sinergi.token';
const ME_KEY = 'sinergi.me';

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ME_KEY);
  },
  /**
   * The principal of GET /me, kept with the token so that a reload draws at once; a token revoked meanwhile is
   * still caught, by the 401 of the view's first call.
   */
  get me() {
    const kept = sessionStorage.getItem(ME_KEY);
    return kept ? JSON.parse(kept) : undefined;
  },
  set me(principal) {
    if (principal) sessionStorage.setItem(ME_KEY, JSON.stringify(principal));
    else sessionStorage.removeItem(ME_KEY);
  },
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.rule = body?.rule;
    this.errors = Array.isArray(body?.errors) ? body.errors : [];
  }
}

let onSignedOut = () => undefined;
/** What to do when the API refuses the token (expired, revoked): back to the sign-in page. */
export const whenSignedOut = (handler) => {
  onSignedOut = handler;
};

export async function api(path, { method = 'GET', body, raw = false } = {}) {
  const headers = { Accept: 'application/json' };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    // A double click or a retry after a lost answer must not record the step twice.
    headers['Idempotency-Key'] = crypto.randomUUID();
  }
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (raw && response.ok) return response;
  const text = await response.text();
  const parsed = text ? safeJson(text) : undefined;
  if (!response.ok) {
    if (response.status === 401 && path !== '/me') {
      session.signOut();
      onSignedOut();
    }
    throw new ApiError(response.status, parsed);
  }
  return parsed;
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

let regionNames;
/** Region names by Kemendagri code (fetched once per page load). */
export async function regions() {
  regionNames ??= api('/regions').then((list) => new Map(list.map((r) => [r.code, r])));
  return regionNames;
}

let fieldList;
let fieldByName = new Map();
/** The fields of cooperation (urusan codes and themes) with their labels (fetched once per page load, before any view). */
export async function fieldsOfCooperation() {
  fieldList ??= api('/fields-of-cooperation').then((list) => {
    fieldByName = new Map(list.flatMap((field) => [field.id, ...(field.aliases ?? [])].map((name) => [name, field])));
    return { list };
  });
  return fieldList;
}

/** A field of cooperation by its label; a free text as it was written. */
export const fieldLabel = (id) => fieldByName.get(id)?.label ?? id;

/** How a region is written in forms: its name with its kind, and its code. */
export const regionLabel = (region) => `${region.level === 'province' ? 'Provinsi ' : ''}${region.name} (${region.code})`;
