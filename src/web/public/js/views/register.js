import { api, fieldLabel, regions } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { badge, date, daysText, loading, markDrawn, regionName, table } from '../ui.js';
import { allAgreementsOf } from './dashboard.js';

/** The register of the region's agreements and the expiry watch, laid out for paper (the browser prints to PDF). */
export async function renderRegister(app, me) {
  replaceChildren(app, loading());
  const [agreements, portfolio, names] = await Promise.all([allAgreementsOf(me.region), api(`/regions/${me.region}/portfolio`), regions()]);
  agreements.sort((a, b) => (a.dates.signed ?? a.dates.offered).localeCompare(b.dates.signed ?? b.dates.offered));
  const rows = agreements.map((a, i) =>
    h('tr', {},
      h('td', {}, String(i + 1)),
      h('td', {}, a.title),
      h('td', {}, a.parties.map((p) => regionName(names, p)).join(' – ')),
      h('td', {}, a.fields.map(fieldLabel).join(', ')),
      h('td', {}, badge('stage', a.stage)),
      h('td', {}, date(a.dates.signed)),
      h('td', {}, date(a.dates.validUntil)),
      h('td', {}, String(a.pks.length))),
  );
  const watch = portfolio.endingWithin.agreements.map((a) =>
    h('tr', { class: a.daysLeft <= 30 ? 'overdue' : null }, h('td', {}, h('a', { href: `#/kesepakatan/${a.agreementId}` }, a.title)), h('td', {}, date(a.validUntil)), h('td', {}, daysText(a.daysLeft))),
  );
  const printButton = h('button', { class: 'btn primary no-print', type: 'button' }, t('register.print'));
  printButton.addEventListener('click', () => window.print());
  replaceChildren(
    app,
    h('div', { class: 'title-row' }, h('h1', {}, t('register.title', { region: regionName(names, me.region) })), printButton),
    h('p', { class: 'muted' }, t('register.printed', { date: date(portfolio.asOf) })),
    table([t('col.no'), t('col.title'), t('col.parties'), t('col.fields'), t('col.stage'), t('col.signed'), t('col.validUntil'), t('col.pks')], rows, { id: 'register' }),
    h('h2', {}, t('register.watch')),
    watch.length ? table([t('col.title'), t('col.validUntil'), t('col.daysLeft')], watch, { id: 'expiry-watch' }) : h('p', { class: 'muted' }, t('register.none')),
  );
  markDrawn('register');
}
