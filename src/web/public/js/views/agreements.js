import { api, regions } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { actionForm, searchablePicker } from '../forms.js';
import { t } from '../i18n.js';
import { proposeAction } from '../rules.js';
import { badge, date, daysText, loading, markDrawn, regionName, table } from '../ui.js';

const STAGES = ['proposed', 'negotiating', 'awaiting-signatures', 'active', 'expired', 'terminated', 'declined', 'withdrawn'];
export const SORTS = ['-updated', 'title', 'validUntil', 'nextDeadline', '-offeredOn'];

export async function renderAgreements(app, me, filters = { page: 1 }) {
  replaceChildren(app, loading());
  const query = new URLSearchParams({ pageSize: '20', page: String(filters.page ?? 1) });
  for (const key of ['q', 'stage', 'field', 'region', 'sort']) if (filters[key]) query.set(key, filters[key]);
  // The next and previous pages by the links the list gives (a cursor): as fast however deep.
  const [page, names] = await Promise.all([api(filters.link ?? `/agreements?${query}`), regions()]);

  const q = h('input', { type: 'search', name: 'q', value: filters.q, placeholder: t('list.search'), 'aria-label': t('list.search') });
  const stage = h('select', { name: 'stage', 'aria-label': t('list.stage') }, h('option', { value: '' }, `${t('list.stage')}: ${t('list.all')}`), STAGES.map((s) => h('option', { value: s, selected: s === filters.stage }, t(`stage.${s}`))));
  // Urusan by label, and for an auditor who reads every region, a region by name: never a code to type.
  const field = await searchablePicker({ name: 'field', picker: 'field', free: true, value: filters.field ? [filters.field] : [], ariaLabel: t('list.field') });
  const region = me?.national ? await searchablePicker({ name: 'region', picker: 'region', value: filters.region ? [filters.region] : [], ariaLabel: t('list.region') }) : undefined;
  const sort = h('select', { name: 'sort', 'aria-label': t('list.sort') }, SORTS.map((s) => h('option', { value: s, selected: s === filters.sort }, t(`sort.${s}`))));
  const form = h('form', { class: 'filters', role: 'search' }, q, stage, field.control, region?.control, sort, h('button', { class: 'btn', type: 'submit' }, t('list.filter')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    renderAgreements(app, me, { q: q.value.trim(), stage: stage.value, field: await field.read(), region: region ? await region.read() : undefined, sort: sort.value, page: 1 });
  });

  const rows = page.items.map((a) =>
    h('tr', { dataset: { agreement: a.agreementId } },
      h('td', {}, h('a', { href: `#/kesepakatan/${a.agreementId}` }, a.title)),
      h('td', {}, a.parties.map((p) => regionName(names, p)).join(' – ')),
      h('td', {}, badge('stage', a.stage)),
      h('td', {}, date(a.dates.signed)),
      h('td', {}, date(a.dates.validUntil)),
      h('td', {}, String(a.pks.length)),
      h('td', {}, `${a.followUpCounts.open} / ${a.followUpCounts.overdue}`),
      h('td', {}, a.nextDeadline ? `${t(`deadline.${a.nextDeadline.kind}`)} · ${daysText(a.nextDeadline.daysLeft)}` : '–')),
  );
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const go = (link) => () => renderAgreements(app, me, { ...filters, link });
  replaceChildren(
    app,
    h('div', { class: 'title-row' }, h('h1', {}, t('list.title')), proposeAction(me) ? h('a', { class: 'btn primary', href: '#/kesepakatan/baru' }, t('list.propose')) : null),
    form,
    h('p', { class: 'muted', id: 'list-count' }, t('list.count', { total: page.total })),
    page.items.length
      ? table([t('col.title'), t('col.parties'), t('col.stage'), t('col.signed'), t('col.validUntil'), t('col.pks'), t('col.followUps'), t('col.next')], rows, { id: 'agreements' })
      : h('p', { class: 'muted' }, t('list.empty')),
    h('nav', { class: 'pager' },
      h('button', { class: 'btn', disabled: !page.links.prev, onclick: go(page.links.prev) }, t('list.prev')),
      h('span', {}, t('list.page', { page: page.page, pages })),
      h('button', { class: 'btn', disabled: !page.links.next, onclick: go(page.links.next) }, t('list.next'))),
  );
  markDrawn('agreements');
}

export async function renderProposal(app, me) {
  const action = proposeAction(me);
  if (!action) {
    location.replace('#/kesepakatan');
    return;
  }
  const form = await actionForm(action, {
    label: t('list.propose'),
    onDone: (result) => {
      location.hash = `#/kesepakatan/${result.agreementId}`;
    },
    onCancel: () => history.back(),
  });
  replaceChildren(app, h('section', { class: 'card narrow' }, form));
  markDrawn('proposal');
}
