import { api, ApiError, session } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';

export function renderSignIn(app, onSignedIn, problem) {
  const token = h('textarea', { id: 'token', name: 'token', rows: 3, required: true, autocomplete: 'off', spellcheck: 'false' });
  const error = h('p', { class: 'form-error', role: 'alert' }, problem ? t('signin.refused', { message: problem }) : '');
  const form = h(
    'form',
    { class: 'card signin', id: 'signin' },
    h('h1', {}, t('signin.title')),
    h('p', {}, t('signin.lead')),
    h('div', { class: 'field' }, h('label', { for: 'token' }, t('signin.token')), token),
    error,
    h('button', { type: 'submit', class: 'btn primary' }, t('signin.submit')),
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
    if (/^#\/(dasbor|kesepakatan|tugas|audit|register)/.test(location.hash)) onSignedIn();
    else location.hash = session.me.role === 'dinas-officer' ? '#/tugas' : '#/dasbor';
  });
  replaceChildren(app, form);
  document.body.dataset.drawn = 'sign-in';
}
