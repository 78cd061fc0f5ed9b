import { api, ApiError, fieldsOfCooperation, regions, session, whenSignedOut } from './api.js';
import { h, replaceChildren, useClockOf } from './dom.js';
import { lang, setLang, t } from './i18n.js';
import { renderAgreement } from './views/agreement.js';
import { renderAgreements, renderProposal } from './views/agreements.js';
import { renderAudit } from './views/audit.js';
import { renderDashboard } from './views/dashboard.js';
import { renderImport } from './views/import.js';
import { renderRegister } from './views/register.js';
import { renderReports } from './views/reports.js';
import { renderSignIn } from './views/sign-in.js';
import { CALLBACK_PATH, finishSsoSignIn, forgetSsoSession, justSignedOut, signOut, SsoProblem, ssoExpired, watchExpiry } from './sso.js';
import { renderWorklist } from './views/worklist.js';

const app = document.getElementById('app');

// Hash routes: the server serves one page, so a reload or a shared link lands on the same view.
const routes = [
  [/^#\/dasbor$/, (m, me) => renderDashboard(app, me)],
  [/^#\/kesepakatan$/, (m, me) => renderAgreements(app, me)],
  [/^#\/kesepakatan\/baru$/, (m, me) => renderProposal(app, me)],
  [/^#\/kesepakatan\/([0-9a-f-]{36})$/, (m, me) => renderAgreement(app, me, m[1])],
  [/^#\/tugas$/, (m, me) => renderWorklist(app, me)],
  [/^#\/audit\/([0-9a-f-]{36})$/, (m, me) => renderAudit(app, me, m[1])],
  [/^#\/register$/, (m, me) => renderRegister(app, me)],
  [/^#\/laporan(\?.*)?$/, (m, me) => renderReports(app, me, location.hash)],
  [/^#\/impor$/, (m, me) => renderImport(app, me)],
];

const homeOf = (me) => (me.role === 'dinas-officer' ? '#/tugas' : '#/dasbor');

function drawShell(me) {
  document.documentElement.lang = lang();
  document.title = t('app.title');
  document.getElementById('lang').textContent = t('lang.switch');
  const signOut = document.getElementById('signout');
  signOut.hidden = !me;
  signOut.textContent = t('nav.signout');
  document.getElementById('who').textContent = me ? `${me.name} · ${t(`role.${me.role}`)}${me.opd ? ` · ${me.opd}` : ''} · ${me.region}` : '';
  const links = me
    ? [
        ['#/dasbor', 'nav.dashboard'],
        ['#/kesepakatan', 'nav.agreements'],
        ['#/tugas', 'nav.worklist'],
        ['#/register', 'nav.register'],
        ['#/laporan', 'nav.reports'],
        ...(me.role === 'coordinator' || me.role === 'admin' ? [['#/impor', 'nav.import']] : []),
      ]
    : [];
  replaceChildren(
    document.getElementById('nav'),
    links.map(([href, key]) => h('a', { href, class: location.hash.startsWith(href) ? 'active' : null }, t(key))),
  );
}

function signInPage(options) {
  drawShell(undefined);
  return renderSignIn(app, () => route(), options);
}

/** The SSO session's token has expired: signed out here, with the way back in. */
function expired() {
  forgetSsoSession();
  session.signOut();
  return signInPage({ notice: t('sso.expired') });
}

async function route() {
  if (!session.token()) return signInPage(justSignedOut() ? { notice: t('sso.signedOut'), tone: 'good' } : {});
  if (ssoExpired()) return expired();
  try {
    const labels = fieldsOfCooperation();
    if (!session.me) session.me = await api('/me');
    await labels;
  } catch (error) {
    session.signOut();
    forgetSsoSession();
    return signInPage({ refused: error instanceof ApiError ? error.message : String(error) });
  }
  watchExpiry(expired);
  const me = session.me;
  if (!routes.some(([pattern]) => pattern.test(location.hash))) {
    location.replace(homeOf(me));
    return;
  }
  drawShell(me);
  // The user's region's clock, until a view of an agreement takes its proposer's.
  useClockOf((await regions()).get(me.region));
  const [pattern, render] = routes.find(([p]) => p.test(location.hash));
  delete document.body.dataset.drawn;
  try {
    await render(location.hash.match(pattern), me);
  } catch (error) {
    replaceChildren(app, h('p', { class: 'form-error', role: 'alert' }, error instanceof ApiError && error.status === 403 ? t('error.forbidden', { message: error.message }) : t('error.generic', { message: error.message })));
    document.body.dataset.drawn = 'error';
  }
}

// The API refused the token (revoked, expired): back to the sign-in page, saying why when an SSO session ran out.
whenSignedOut(() => {
  if (ssoExpired()) return expired();
  forgetSsoSession();
  return route();
});
window.addEventListener('hashchange', route);
document.getElementById('lang').addEventListener('click', () => {
  setLang(lang() === 'id' ? 'en' : 'id');
  route();
});
document.getElementById('signout').addEventListener('click', async () => {
  // An SSO session is ended at the identity provider too, which sends the browser back to the front page.
  if (await signOut()) return;
  location.hash = '#/masuk';
  route();
});

/** Back from the identity provider with a code (or an error): finish the sign-in, then draw as usual. */
async function start() {
  if (location.pathname.endsWith(CALLBACK_PATH)) replaceChildren(app, h('p', { class: 'muted' }, t('loading')));
  try {
    await finishSsoSignIn();
  } catch (error) {
    return signInPage({ notice: error instanceof SsoProblem ? t(error.key, error.params) : t('sso.failed', { message: String(error) }) });
  }
  return route();
}
start();
