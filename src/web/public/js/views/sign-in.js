import { api, ApiError, session } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { SsoProblem, ssoSettings, startSsoSignIn } from '../sso.js';

// The hash routes a shared link may point at; the sign-in keeps them as its target.
const SHARED_ROUTE = /^#\/(dasbor|kesepakatan|tugas|audit|register)/;

/**
 * The sign-in page: "Masuk dengan SSO" when the deployment has single sign-on by redirect, and the API token (or a
 * pasted JWT) always. `refused` is the API's reason for refusing a token; `notice` a message already in words, shown as
 * a problem unless `tone` is 'good'.
 */
export async function renderSignIn(app, onSignedIn, { refused, notice, tone } = {}) {
  const token = h('textarea', { id: 'token', name: 'token', rows: 3, required: true, autocomplete: 'off', spellcheck: 'false' });
  const error = h('p', { class: 'form-error', role: 'alert' }, refused ? t('signin.refused', { message: refused }) : '');
  const ssoNotice = h('p', { class: tone === 'good' ? 'good' : 'form-error', role: 'alert', id: 'sso-problem' }, notice ?? '');
  const submit = h('button', { type: 'submit', class: 'btn primary' }, t('signin.submit'));
  const sso = h('div', { id: 'sso' });
  const form = h(
    'form',
    { class: 'card signin', id: 'signin' },
    h('h1', {}, t('signin.title')),
    ssoNotice,
    sso,
    h('p', {}, t('signin.lead')),
    h('div', { class: 'field' }, h('label', { for: 'token' }, t('signin.token')), token),
    error,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    session.signIn(token.value.trim());
    try {
      session.me = await api('/me');
    } catch (e) {
      session.signOut();
      error.textContent = t('signin.refused', { message: e instanceof ApiError ? e.message : String(e) });
      return;
    }
    // A shared link keeps its target; otherwise each role starts where its work is.
    if (SHARED_ROUTE.test(location.hash)) onSignedIn();
    else location.hash = session.me.role === 'dinas-officer' ? '#/tugas' : '#/dasbor';
  });
  replaceChildren(app, form);
  await drawSso(sso, ssoNotice, submit);
  document.body.dataset.drawn = 'sign-in';
}

/** The SSO button, once the server has said whether there is single sign-on and where it is. */
async function drawSso(container, notice, tokenSubmit) {
  let settings;
  try {
    settings = await ssoSettings();
  } catch {
    if (!notice.textContent) notice.textContent = t('sso.unavailable');
    return;
  }
  if (!settings) return;
  const button = h('button', { type: 'button', class: 'btn primary', id: 'sso-signin' }, t('sso.button'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    notice.textContent = '';
    notice.className = 'form-error';
    try {
      await startSsoSignIn(SHARED_ROUTE.test(location.hash) ? location.hash : '');
    } catch (e) {
      button.disabled = false;
      notice.textContent = e instanceof SsoProblem ? t(e.key, e.params) : t('sso.unavailable');
    }
  });
  // One primary way in: SSO, when there is one.
  tokenSubmit.classList.remove('primary');
  replaceChildren(container, h('p', {}, t('sso.lead')), h('p', {}, button), h('p', { class: 'muted' }, t('sso.or')));
}
