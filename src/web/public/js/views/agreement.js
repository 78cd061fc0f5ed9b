import { api, fieldLabel, ApiError, regions } from '../api.js';
import { h, replaceChildren, useClockOf } from '../dom.js';
import { showDocumentStates } from '../documents.js';
import { actionBar } from '../forms.js';
import { t } from '../i18n.js';
import { agreementActions, followUpActions, pksActions, visitActions } from '../rules.js';
import { badge, date, loading, markDrawn, regionName, stepper, table } from '../ui.js';

export const eventLabel = (type) => t(`event.${type}`);

const dl = (pairs) => h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
const hash = (value) => h('code', { class: 'hash', title: value }, value);
/** The addenda of a KSB or a PKS (a PKS's carry the day they were recorded). */
const amendmentList = (amendments) =>
  amendments.map((a) => h('div', { dataset: { amendment: a.amendmentNo } }, `${t('fp.amendment', { n: a.amendmentNo })}: ${a.summary}`, a.on ? ` (${date(a.on)})` : ''));

/** Every SHA-256 the agreement records: drafts, PKS documents, addenda, evidence, reports. */
function fingerprints(state, name) {
  const rows = [];
  if (state.draft) rows.push([t('fp.ksbDraft', { version: state.draft.version }), state.draft.documentSha256]);
  state.amendments.forEach((a) => rows.push([t('fp.amendment', { n: a.amendmentNo }), a.documentSha256]));
  for (const pks of state.pks) {
    if (pks.draft) rows.push([t('fp.pksDraft', { pks: pks.pksId, version: pks.draft.version }), pks.draft.documentSha256]);
    pks.amendments.forEach((a) => rows.push([`${pks.pksId} · ${t('fp.amendment', { n: a.amendmentNo })}`, a.documentSha256]));
  }
  state.followUps.forEach((f) => f.evidence.forEach((e) => rows.push([t('fp.evidence', { followUp: f.followUpId }), e])));
  state.semesterReports.filter((r) => r.documentSha256).forEach((r) => rows.push([t('fp.report', { ...r, party: name(r.party) }), r.documentSha256]));
  return rows;
}

/** The agreement as a page: reused read-only by the auditor's as-of view. */
export function agreementBody(state, me, names, { onChanged, readOnly = false } = {}) {
  const name = (code) => regionName(names, code);
  const bar = (actions, scope) => (readOnly || actions.length === 0 ? null : actionBar(actions, { onDone: onChanged, testScope: scope }));
  const ksbActions = readOnly ? [] : agreementActions(state, me);

  const parties = table(
    [t('col.parties'), t('ag.accepted'), t('ag.approvedBy'), t('ag.parties')],
    state.parties.map((party) => {
      const signature = state.signatures[party];
      return h('tr', { dataset: { party } },
        h('td', {}, `${name(party)} (${party})`, party === state.proposer ? h('small', { class: 'muted' }, ` · ${t('ag.proposer')}`) : null),
        h('td', {}, party === state.proposer || state.accepted.includes(party) ? '✓' : '–'),
        h('td', {}, state.approvals.includes(party) ? '✓' : '–'),
        h('td', {}, signature ? [h('strong', {}, signature.signatory.name), `, ${signature.signatory.position} · ${signature.documentNumber} · ${date(signature.date)} · ${signature.place}`] : h('span', { class: 'muted' }, t('ag.notSigned'))));
    }),
    { id: 'parties' },
  );

  const pksCards = state.pks.map((pks) =>
    h('article', { class: 'card pks', dataset: { pks: pks.pksId } },
      h('h3', {}, `${pks.pksId.toUpperCase()} · ${pks.title} `, badge('pks', pks.stage)),
      dl([
        [t('f.field'), pks.field],
        [t('ag.leadOpds'), pks.leadOpds.map((l) => `${l.opd} (${name(l.party)})`).join('; ')],
        [t('ag.term'), t('ag.months', { n: pks.termMonths })],
        [t('ag.validity'), pks.validFrom ? `${date(pks.validFrom)} – ${date(pks.validUntil)}` : null],
        [t('ag.draft'), pks.draft ? [t('ag.draftVersion', { version: pks.draft.version }), ' ', hash(pks.draft.documentSha256)] : null],
        [t('ag.dprd'), Object.keys(pks.dprd).length ? Object.entries(pks.dprd).map(([party, d]) => [`${name(party)}: `, badge('dprd', d.status), d.decisionNumber ? ` ${d.decisionNumber}` : '', ' ']) : null],
        [t('ag.parties'), Object.keys(pks.signatures).length ? Object.entries(pks.signatures).map(([party, s]) => h('div', {}, `${name(party)}: ${s.signatory.name}, ${s.signatory.position}${s.signatory.skkNumber ? ` (SKK ${s.signatory.skkNumber})` : ''} · ${s.documentNumber} · ${date(s.date)}`)) : null],
        [t('ag.amendments'), pks.amendments.length ? amendmentList(pks.amendments) : null],
      ]),
      bar(readOnly ? [] : pksActions(state, pks, me), pks.pksId)),
  );

  const followUps = state.followUps.map((f) =>
    h('tr', { dataset: { followUp: f.followUpId, status: f.status } },
      h('td', {}, f.followUpId, f.pksId ? h('small', { class: 'muted' }, ` · ${f.pksId}`) : null),
      h('td', {}, `${f.opd} (${name(f.party)})`),
      h('td', {}, f.action),
      h('td', {}, date(f.dueDate)),
      h('td', {}, badge('fu', f.status), f.completedOn ? h('small', {}, ` ${date(f.completedOn)}`) : null),
      h('td', {}, h('progress', { max: 100, value: f.percent }), ` ${f.percent}%`),
      h('td', {}, f.evidence.map(hash)),
      h('td', {}, bar(readOnly ? [] : followUpActions(state.agreementId, f, me), f.followUpId))),
  );

  const visits = state.visits.map((v) =>
    h('article', { class: 'card visit', dataset: { visit: v.visitId } },
      h('h3', {}, t('ag.visitLine', { host: name(v.host), visitor: name(v.visitor) }), ' ', badge('visit', v.status)),
      dl([
        [t('f.purpose'), v.purpose],
        [t('f.date'), v.date ? date(v.date) : null],
        [t('ag.delegation'), v.delegation.join(', ')],
        [t('f.summary'), v.summary],
        [t('ag.outcomes'), v.outcomes.length ? h('ul', {}, v.outcomes.map((o) => h('li', {}, o))) : null],
      ]),
      bar(readOnly ? [] : visitActions(state.agreementId, v, me), v.visitId)),
  );

  // Semester reports and monev are owed from the day the KSB takes effect.
  const reports = state.validFrom
    ? h('section', { class: 'card', id: 'reports' },
      h('h2', {}, t('ag.reports')),
      h('h3', {}, t('ag.semesterReports')),
      state.semesterReports.length
        ? table([t('col.party'), t('col.period'), t('col.summary'), t('col.submitted'), t('col.document')],
          state.semesterReports.map((r) =>
            h('tr', { dataset: { report: `${r.party}/${r.year}-S${r.semester}` } },
              h('td', {}, name(r.party)),
              h('td', {}, t('ag.period', r)),
              h('td', {}, r.summary),
              h('td', {}, date(r.on)),
              h('td', {}, r.documentSha256 ? hash(r.documentSha256) : '–'))),
          { id: 'semester-reports' })
        : h('p', { class: 'muted' }, t('ag.noReports')),
      h('h3', {}, t('ag.monev')),
      Object.keys(state.monev).length
        ? table([t('col.party'), t('col.date'), t('col.rating'), t('col.recommendation'), t('col.note')],
          Object.values(state.monev).map((m) =>
            h('tr', { dataset: { monev: m.party } },
              h('td', {}, name(m.party)),
              h('td', {}, date(m.date)),
              h('td', {}, t(`rating.${m.rating}`)),
              h('td', {}, t(`rec.${m.recommendation}`)),
              h('td', {}, m.note))),
          { id: 'monev' })
        : h('p', { class: 'muted' }, t('ag.noMonev')),
      // Every monev, drawn from the history once it is read.
      h('div', { id: 'monev-trend' }))
    : null;

  const prints = fingerprints(state, name);
  return [
    h('header', { class: 'agreement-head' },
      h('h1', { id: 'agreement-title' }, state.title, ' ', badge('stage', state.stage)),
      stepper(state)),
    h('section', { class: 'card' },
      dl([
        [t('ag.proposer'), `${name(state.proposer)} (${state.proposer})`],
        [t('ag.counterparts'), state.counterparts.map((c) => `${name(c)} (${c})`).join(', ')],
        [t('ag.fields'), h('span', { id: 'fields' }, state.fields.map((f, i) => [i ? ', ' : '', h('span', { dataset: { urusan: f } }, fieldLabel(f))]))],
        [t('ag.scope'), state.scope],
        [t('ag.kind'), t(`kind.${state.kind}`)],
        [t('ag.offer'), state.imported ? null : `${state.offerLetter.number} · ${date(state.offerLetter.date)}`],
        [t('ag.imported'), state.imported ? t('ag.importedFrom', { file: state.imported.source.fileName, row: state.imported.source.row, on: date(state.imported.on) }) : null],
        [t('ag.term'), t('ag.months', { n: state.termMonths })],
        [t('ag.validity'), state.validFrom ? `${date(state.validFrom)} – ${date(state.validUntil)}` : null],
        [t('ag.schedule'), state.signingSchedule ? `${date(state.signingSchedule.date)} · ${state.signingSchedule.place} · ${t(`mode.${state.signingSchedule.mode}`)}` : null],
        [t('ag.draft'), state.draft ? [t('ag.draftVersion', { version: state.draft.version }), ' · ', state.draft.summary, ' ', hash(state.draft.documentSha256)] : null],
        [t('ag.amendments'), state.amendments.length ? amendmentList(state.amendments) : null],
      ])),
    readOnly ? null : h('section', { class: 'card no-print', id: 'ksb-actions' }, h('h2', {}, t('ag.actions')), ksbActions.length ? bar(ksbActions, 'ksb') : h('p', { class: 'muted' }, t('ag.noActions'))),
    h('section', { class: 'card' }, h('h2', {}, t('ag.parties')), parties),
    h('section', { id: 'pks-list' }, h('h2', {}, t('ag.pks')), pksCards.length ? pksCards : h('p', { class: 'muted' }, t('ag.noPks'))),
    h('section', { class: 'card' }, h('h2', {}, t('ag.followUps')),
      followUps.length ? table(['', t('col.opd'), t('col.action'), t('col.due'), t('col.status'), t('col.progress'), t('ag.evidence'), ''], followUps, { id: 'follow-ups' }) : h('p', { class: 'muted' }, t('ag.noFollowUps'))),
    h('section', { id: 'visits' }, h('h2', {}, t('ag.visits')), visits.length ? visits : h('p', { class: 'muted' }, t('ag.noVisits'))),
    reports,
    h('section', { class: 'card' }, h('h2', {}, t('ag.fingerprints')), prints.length ? table(['', 'SHA-256', t('doc.state'), ''], prints.map(([what, sha]) => h('tr', { dataset: { sha256: sha } }, h('td', {}, what), h('td', {}, hash(sha)))), { id: 'fingerprints' }) : h('p', { class: 'muted' }, '–')),
  ];
}

const RATING_CHANGE = (change) => (change > 0 ? `↑ +${change}` : change < 0 ? `↓ −${-change}` : '=');

/** Every monev of each party in the order of their dates, with the change in rating from the one before: the trend. */
function monevTrend(entries, name) {
  const byParty = new Map();
  for (const { data } of entries.filter((e) => e.type === 'MonevRecorded')) byParty.set(data.party, [...(byParty.get(data.party) ?? []), data]);
  if (byParty.size === 0) return [];
  const rows = [...byParty.values()].flatMap((monevs) =>
    monevs
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
      .map((m, i) =>
        h('tr', { dataset: { monevTrend: `${m.party}/${i + 1}` } },
          h('td', {}, name(m.party)),
          h('td', {}, date(m.date)),
          h('td', {}, h('meter', { min: 0, max: 5, value: m.rating }), ` ${t(`rating.${m.rating}`)}`),
          h('td', {}, i === 0 ? '–' : RATING_CHANGE(m.rating - monevs[i - 1].rating)),
          h('td', {}, t(`rec.${m.recommendation}`)))),
  );
  return [h('h3', {}, t('ag.monevTrend')), table([t('col.party'), t('col.date'), t('col.rating'), t('col.change'), t('col.recommendation')], rows, { id: 'monev-trend-table' })];
}

/** The urusan each addendum added, told beside the addendum and beside each urusan it added. */
function showAddedFields(entries) {
  for (const { data } of entries.filter((e) => e.type === 'AgreementAmended' && e.subject === 'KSB' && e.data.addedFields?.length)) {
    document.querySelector(`.facts [data-amendment="${data.amendmentNo}"]`)?.append(h('small', { class: 'muted' }, ` · ${t('ag.addsFields', { fields: data.addedFields.map(fieldLabel).join(', ') })}`));
    for (const field of data.addedFields) {
      document.querySelector(`#fields [data-urusan="${CSS.escape(field)}"]`)?.append(h('small', { class: 'muted' }, ` (${t('ag.addedBy', { n: data.amendmentNo })})`));
    }
  }
}

export function historyTable(entries) {
  return table(
    [t('col.when'), t('col.what'), t('col.subject'), t('col.who'), t('col.why'), t('col.recorded')],
    entries.map((e) =>
      h('tr', { dataset: { type: e.type } },
        h('td', {}, date(e.occurredAt)),
        h('td', {}, eventLabel(e.type)),
        h('td', {}, e.subject),
        h('td', {}, `${e.actor.userId} · ${t(`role.${e.actor.role}`)} · ${e.actor.region}${e.actor.opd ? ` · ${e.actor.opd}` : ''}`),
        h('td', {}, e.reason ?? ''),
        h('td', { class: 'muted' }, date(e.recordedAt)))),
    { id: 'history' },
  );
}

export async function renderAgreement(app, me, agreementId) {
  delete document.body.dataset.documents;
  replaceChildren(app, loading());
  let view;
  let names;
  try {
    [view, names] = await Promise.all([api(`/agreements/${agreementId}`), regions()]);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) {
      replaceChildren(app, h('p', { class: 'form-error', role: 'alert', id: 'not-found' }, t('ag.notFound')));
      document.body.dataset.drawn = 'agreement-refused';
      return;
    }
    throw error;
  }
  useClockOf(names.get(view.state.proposer));
  const history = h('section', { class: 'card', id: 'history-card' }, h('h2', {}, t('ag.history')), loading());
  replaceChildren(
    app,
    agreementBody(view.state, me, names, { onChanged: () => renderAgreement(app, me, agreementId) }),
    history,
    h('p', { class: 'no-print' }, h('a', { class: 'btn', href: `#/audit/${agreementId}` }, t('audit.open'))),
  );
  markDrawn('agreement');
  const prints = document.getElementById('fingerprints');
  const onChanged = () => renderAgreement(app, me, agreementId);
  // Where each document's file stands needs the store to read every file back: drawn once the page is there.
  const documentStates = prints
    ? showDocumentStates(agreementId, prints, { mayUpload: me.role === 'coordinator' || me.role === 'dinas-officer', onChanged })
    : Promise.resolve();
  // The history comes after the first paint: it is the longest part and the least read.
  const trail = await api(`/audit/agreements/${agreementId}/history`);
  replaceChildren(history, h('h2', {}, t('ag.history')), historyTable(trail.entries));
  const trend = document.getElementById('monev-trend');
  if (trend) replaceChildren(trend, monevTrend(trail.entries, (code) => regionName(names, code)));
  showAddedFields(trail.entries);
  await documentStates;
  document.body.dataset.documents = 'drawn';
}
