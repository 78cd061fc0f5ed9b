import { api, regions } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { actionBar } from '../forms.js';
import { t } from '../i18n.js';
import { followUpActions } from '../rules.js';
import { badge, date, daysText, loading, markDrawn, regionName, table } from '../ui.js';

const worklistPath = (me) => `/regions/${me.region}/worklist${me.role === 'dinas-officer' ? `?opd=${encodeURIComponent(me.opd)}` : ''}`;

/**
 * The worklist is a read model, updated a moment after the step is recorded: wait (briefly) until it shows the
 * step, so the officer never sees their task as it was before.
 */
async function refreshAfterStep(app, me, before) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const { items } = await api(worklistPath(me));
    const now = items.find((i) => i.agreementId === before.agreementId && i.followUpId === before.followUpId);
    if (!now || now.status !== before.status || now.percent !== before.percent) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return renderWorklist(app, me);
}

/** The OPD's open tasks by due date; each row carries the steps the officer can take on it, in a click or two. */
export async function renderWorklist(app, me) {
  replaceChildren(app, loading());
  const opd = me.role === 'dinas-officer' ? me.opd : undefined;
  const [worklist, names] = await Promise.all([api(worklistPath(me)), regions()]);
  const rows = worklist.items.map((item) =>
    h('tr', { class: item.overdueDays > 0 ? 'overdue' : null, dataset: { followUp: item.followUpId, agreement: item.agreementId, status: item.status } },
      h('td', {}, date(item.dueDate), h('br'), h('small', { class: item.overdueDays > 0 ? 'bad' : 'muted' }, daysText(item.daysLeft))),
      h('td', {}, h('strong', {}, item.action), h('br'), h('small', {}, h('a', { href: `#/kesepakatan/${item.agreementId}` }, item.agreementTitle), item.pksTitle ? ` · ${item.pksTitle}` : '')),
      h('td', {}, item.opd),
      h('td', {}, badge('fu', item.status)),
      h('td', {}, h('progress', { max: 100, value: item.percent }), ` ${item.percent}%`),
      h('td', {}, (() => {
        const actions = followUpActions(item.agreementId, item, me);
        return actions.length ? actionBar(actions, { onDone: () => refreshAfterStep(app, me, item), testScope: item.followUpId }) : null;
      })())),
  );
  replaceChildren(
    app,
    h('h1', {}, t('worklist.title', { opd: opd ?? regionName(names, me.region) })),
    h('p', { class: 'muted' }, t('worklist.lead')),
    worklist.opds.length && !opd ? h('p', {}, worklist.opds.map((o) => h('span', { class: 'chip' }, `${o.opd}: ${o.open} (${o.overdue})`))) : null,
    rows.length ? table([t('col.due'), t('col.action'), t('col.opd'), t('col.status'), t('col.progress'), ''], rows, { id: 'worklist' }) : h('p', { class: 'muted', id: 'worklist-empty' }, t('worklist.empty')),
  );
  markDrawn('worklist');
}
