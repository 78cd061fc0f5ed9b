import { api, fieldLabel, regions } from '../api.js';
import { h, replaceChildren, today } from '../dom.js';
import { t } from '../i18n.js';
import { barChart, date, daysText, deadlineText, loading, markDrawn, regionName } from '../ui.js';

const IN_PROCESS = ['proposed', 'negotiating', 'awaiting-signatures'];
const STAGES = ['proposed', 'negotiating', 'awaiting-signatures', 'active', 'expired', 'terminated', 'declined', 'withdrawn'];

/** Every agreement of the region (the list is paged by 100). */
export async function allAgreementsOf(region) {
  const first = await api(`/agreements?region=${encodeURIComponent(region)}&pageSize=100&sort=title`);
  const pages = Math.ceil(first.total / 100);
  const rest = await Promise.all(Array.from({ length: pages - 1 }, (_, i) => api(`/agreements?region=${encodeURIComponent(region)}&pageSize=100&sort=title&page=${i + 2}`)));
  return [first, ...rest].flatMap((page) => page.items);
}

const kpi = (id, label, value, tone) => h('div', { class: ['card', 'kpi', tone], dataset: { kpi: id } }, h('span', { class: 'kpi-value' }, String(value)), h('span', { class: 'kpi-label' }, label));

export async function renderDashboard(app, me) {
  replaceChildren(app, loading());
  const region = me.region;
  const [portfolio, worklist, deadlines, agreements, names] = await Promise.all([
    api(`/regions/${region}/portfolio`),
    api(`/regions/${region}/worklist`),
    api(`/regions/${region}/deadlines?to=${addDays(today(), 30)}&limit=50`),
    allAgreementsOf(region),
    regions(),
  ]);
  const byStage = portfolio.byStage;
  const overdue = worklist.opds.reduce((sum, o) => sum + o.overdue, 0);
  const reminders = kpi('reminders', t('dash.reminders'), '…');
  const cards = h(
    'section',
    { class: 'kpis' },
    kpi('total', t('dash.total'), portfolio.total),
    kpi('active', t('dash.active'), byStage.active ?? 0, 'good'),
    kpi('in-process', t('dash.inProcess'), IN_PROCESS.reduce((sum, s) => sum + (byStage[s] ?? 0), 0)),
    kpi('ending-90', t('dash.ending90'), portfolio.endingWithin.days90, portfolio.endingWithin.days90 ? 'warn' : null),
    kpi('overdue', t('dash.overdue'), overdue, overdue ? 'bad' : null),
    reminders,
  );
  const years = new Map();
  for (const a of agreements) {
    const year = (a.dates.signed ?? a.dates.offered).slice(0, 4);
    years.set(year, (years.get(year) ?? 0) + 1);
  }
  const charts = h(
    'section',
    { class: 'charts' },
    barChart(t('dash.byCategory'), ['regency-same-province', 'province', 'regency-other-province'].map((c) => ({ label: t(`cat.${c}`), value: portfolio.byCounterpartCategory[c] ?? 0 })), { id: 'category' }),
    barChart(t('dash.byStage'), STAGES.filter((s) => byStage[s]).map((s) => ({ label: t(`stage.${s}`), value: byStage[s], className: `stage-${s}` })), { id: 'stage' }),
    barChart(t('dash.byField'), portfolio.byField.slice(0, 10).map((f) => ({ label: fieldLabel(f.field), value: f.agreements })), { id: 'field' }),
    barChart(t('dash.byYear'), [...years.entries()].sort().map(([year, value]) => ({ label: year, value })), { id: 'year' }),
  );
  const needsAction = deadlines.items.map((d) =>
    h('li', { class: ['need', d.daysLeft < 0 && 'overdue'], dataset: { kind: d.kind } },
      h('a', { href: `#/kesepakatan/${d.agreementId}` }, d.agreementTitle),
      h('span', { class: 'muted' }, ` · ${deadlineText(d, names)}`),
      h('span', { class: 'due' }, `${date(d.dueOn)} (${daysText(d.daysLeft)})`)),
  );
  replaceChildren(
    app,
    h('h1', {}, t('dash.title', { region: regionName(names, region) })),
    cards,
    charts,
    h('section', { class: 'card' }, h('h2', {}, t('dash.needsAction')), needsAction.length ? h('ul', { class: 'needs', id: 'needs-action' }, needsAction) : h('p', { class: 'muted' }, t('dash.nothing'))),
  );
  markDrawn('dashboard');
  // After the first paint: the server counts them over the reminder streams of every agreement of the region.
  const shown = reminders.querySelector('.kpi-value');
  api(`/regions/${region}/reminders/sent`).then(
    (week) => (shown.textContent = String(week.sent)),
    () => (shown.textContent = '–'),
  );
}

const addDays = (iso, days) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
