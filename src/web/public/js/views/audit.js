import { api, regions } from '../api.js';
import { h, replaceChildren, today, useClockOf } from '../dom.js';
import { t } from '../i18n.js';
import { agreementBody, eventLabel, historyTable } from './agreement.js';
import { date, loading, markDrawn, table } from '../ui.js';

const show = (value) => (value === undefined ? '–' : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** Downloads an export through the API (the bearer token is not in a link, so the file is fetched, then saved). */
async function download(agreementId, format) {
  const response = await api(`/audit/agreements/${agreementId}/export?format=${format}`, { raw: true });
  const url = URL.createObjectURL(await response.blob());
  const link = h('a', { href: url, download: `kesepakatan-${agreementId}.${format}` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function renderAudit(app, me, agreementId) {
  replaceChildren(app, loading());
  const [current, trail, names] = await Promise.all([api(`/agreements/${agreementId}`), api(`/audit/agreements/${agreementId}/history`), regions()]);
  useClockOf(names.get(current.state.proposer));
  const day = today();

  const asOfDate = h('input', { type: 'date', id: 'as-of-date', value: day });
  const asOfResult = h('div', { id: 'as-of' });
  const asOfForm = h('form', { class: 'inline' }, h('label', { for: 'as-of-date' }, t('audit.asOf')), asOfDate, h('button', { class: 'btn primary', type: 'submit' }, t('audit.show')));
  const drawAsOf = async () => {
    const asOf = await api(`/audit/agreements/${agreementId}/as-of?date=${asOfDate.value}`);
    replaceChildren(
      asOfResult,
      h('p', { class: 'muted', id: 'as-of-lead' }, t('audit.asOfLead', { date: date(asOfDate.value), n: asOf.eventsApplied })),
      asOf.state.stage === 'none' ? h('p', {}, t('audit.notYet')) : agreementBody(asOf.state, me, names, { readOnly: true }),
    );
    asOfResult.dataset.date = asOfDate.value;
  };
  asOfForm.addEventListener('submit', (event) => {
    event.preventDefault();
    drawAsOf();
  });

  const from = h('input', { type: 'date', id: 'diff-from', value: trail.entries[0]?.occurredAt.slice(0, 10) });
  const to = h('input', { type: 'date', id: 'diff-to', value: day });
  const diffResult = h('div', { id: 'diff' });
  const diffForm = h('form', { class: 'inline' }, h('label', { for: 'diff-from' }, t('audit.from')), from, h('label', { for: 'diff-to' }, t('audit.to')), to, h('button', { class: 'btn', type: 'submit' }, t('audit.compare')));
  diffForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const diff = await api(`/audit/agreements/${agreementId}/diff?from=${from.value}&to=${to.value}`);
    replaceChildren(
      diffResult,
      h('p', { class: 'muted' }, t('audit.changesBetween', { n: diff.changes.length, events: diff.events.length })),
      diff.changes.length
        ? table([t('col.path'), t('col.before'), t('col.after')], diff.changes.map((c) => h('tr', {}, h('td', {}, h('code', {}, c.path)), h('td', {}, show(c.before)), h('td', {}, show(c.after)))), { id: 'diff-table' })
        : h('p', {}, t('audit.noChanges')),
      diff.events.length ? h('ol', {}, diff.events.map((e) => h('li', {}, `${date(e.occurredAt)} · ${eventLabel(e.type)} · ${e.actor.userId}`))) : null,
    );
  });

  const verifyResult = h('div', { id: 'verify' });
  const verifyButton = h('button', { class: 'btn', type: 'button' }, t('audit.verifyRun'));
  verifyButton.addEventListener('click', async () => {
    const result = await api('/audit/verify');
    replaceChildren(
      verifyResult,
      // Every chain may hold while the signed checkpoint does not (a rewrite with recomputed hashes): the checkpoint line says so.
      h('p', { class: result.intact ? 'good' : 'bad', dataset: { intact: String(result.intact) } }, result.intact ? t('audit.intact', { n: result.position }) : result.firstBroken ? t('audit.broken', { position: result.firstBroken.position }) : ''),
      h('p', {}, `${t('audit.seal')} (${result.position}): `, h('code', { class: 'hash', id: 'seal' }, result.seal)),
      checkpointLine(result.checkpointCheck),
    );
  });
  const canVerify = me.role === 'auditor' || me.role === 'admin';

  replaceChildren(
    app,
    h('h1', {}, t('audit.title', { title: current.state.title })),
    h('section', { class: 'card' }, h('h2', {}, t('audit.asOf')), asOfForm, asOfResult),
    h('section', { class: 'card' }, h('h2', {}, t('audit.diff')), diffForm, diffResult),
    canVerify ? h('section', { class: 'card' }, h('h2', {}, t('audit.verify')), verifyButton, verifyResult) : null,
    h('section', { class: 'card no-print' }, h('h2', {}, t('audit.export')),
      h('button', { class: 'btn', type: 'button', onclick: () => download(agreementId, 'json') }, t('audit.exportJson')), ' ',
      h('button', { class: 'btn', type: 'button', onclick: () => download(agreementId, 'csv') }, t('audit.exportCsv'))),
    h('section', { class: 'card' }, h('h2', {}, t('ag.history')), historyTable(trail.entries)),
  );
  await drawAsOf();
  markDrawn('audit');
}

/** How the log stands against its latest signed checkpoint (none yet, holds, or rewritten since). */
function checkpointLine(check) {
  if (!check) return h('p', { id: 'checkpoint' }, t('audit.noCheckpoint'));
  const values = { position: check.checkpoint.position, date: date(check.checkpoint.signedAt) };
  const holds = check.signatureValid && check.sealMatches;
  return h('p', { id: 'checkpoint', class: holds ? 'good' : 'bad' }, t(holds ? 'audit.checkpointHolds' : 'audit.checkpointBroken', values));
}
