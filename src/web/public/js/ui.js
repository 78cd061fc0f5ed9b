import { h, formatDate, s } from './dom.js';
import { lang, t } from './i18n.js';

export const date = (iso) => formatDate(iso, lang());
export const regionName = (names, code) => names.get(code)?.name ?? code;

/** A fixed-colour label: the same stage always has the same colour, on screen and on paper. */
export const badge = (family, value) => h('span', { class: `badge ${family}-${value}`, dataset: { [family]: value } }, t(`${family}.${value}`));

export function daysText(daysLeft) {
  if (daysLeft === 0) return t('days.today');
  const n = Math.abs(daysLeft);
  return t(`${daysLeft > 0 ? 'days.left' : 'days.overdue'}${n === 1 ? '.one' : ''}`, { n });
}

/**
 * What a deadline of the read model is about, in the user's language: made from its kind and subject, never from
 * its `description` (English, for logs), except the one that is the user's own text: a follow-up's action.
 */
export function deadlineText(deadline, names) {
  const { kind, subject, recipients } = deadline;
  switch (kind) {
    case 'offer-answer':
      return t('dl.offer-answer', { party: regionName(names, subject.id) });
    case 'follow-up-due':
      return t('dl.follow-up-due', { followUp: subject.id, action: subject.description });
    case 'visit-scheduling':
      return t('dl.visit-scheduling', { parties: [...new Set(recipients.map((r) => regionName(names, r.region)))].join(' – ') });
    case 'semester-report': {
      // `<party>/<year>-S<semester>`
      const [, party, year, semester] = /^(.+)\/(\d{4})-S([12])$/.exec(subject.id) ?? [];
      return t('dl.semester-report', { party: regionName(names, party), year, semester });
    }
    case 'pks-end':
      return t('dl.pks-end', { pks: subject.id.toUpperCase() });
    default:
      return t(`dl.${kind}`);
  }
}

export const LIFECYCLE = ['proposed', 'negotiating', 'awaiting-signatures', 'active'];

/** The lifecycle stepper: where the KSB is, what it went through, and how it ended. */
export function stepper(state) {
  const ended = ['expired', 'terminated', 'declined', 'withdrawn'].includes(state.stage);
  const reached = ended
    ? state.validFrom ? LIFECYCLE.length : ['declined'].includes(state.stage) ? 1 : Math.max(1, LIFECYCLE.indexOf(state.signingSchedule || state.draft ? 'negotiating' : 'proposed') + 1)
    : LIFECYCLE.indexOf(state.stage) + 1;
  const dates = { proposed: state.offerLetter?.date, active: state.validFrom };
  const steps = LIFECYCLE.map((step, i) =>
    h('li', { class: ['step', i < reached - 1 && 'done', !ended && i === reached - 1 && 'current'], dataset: { step } }, h('span', { class: 'dot' }, String(i + 1)), h('span', { class: 'name' }, t(`step.${step}`)), dates[step] ? h('small', {}, date(dates[step])) : null),
  );
  steps.push(
    h('li', { class: ['step', 'end', ended && 'current', ended && `ended-${state.stage}`], dataset: { step: 'ended' } }, h('span', { class: 'dot' }, '■'), h('span', { class: 'name' }, ended ? t(`stage.${state.stage}`) : t('step.ended')), h('small', {}, state.endedOn ? date(state.endedOn) : state.validUntil ? date(state.validUntil) : '')),
  );
  return h('ol', { class: 'stepper', 'aria-label': t(`stage.${state.stage}`) }, steps);
}

/** Horizontal bars, drawn as inline SVG (no chart library): one row per entry, the count at its end. */
export function barChart(title, entries, { id } = {}) {
  const max = Math.max(1, ...entries.map((e) => e.value));
  const rowHeight = 26;
  const labelWidth = 170;
  const width = 420;
  const svg = s(
    'svg',
    { viewBox: `0 0 ${width} ${Math.max(1, entries.length) * rowHeight}`, class: 'chart', role: 'img', 'aria-label': title },
    entries.map((entry, i) => {
      const barWidth = ((width - labelWidth - 40) * entry.value) / max;
      const y = i * rowHeight;
      return s(
        'g',
        { class: `bar ${entry.className ?? ''}` },
        s('text', { x: 0, y: y + 17, class: 'label' }, entry.label.length > 26 ? `${entry.label.slice(0, 25)}…` : entry.label),
        s('rect', { x: labelWidth, y: y + 4, width: Math.max(entry.value ? 2 : 0, barWidth), height: rowHeight - 8, rx: 3 }),
        s('text', { x: labelWidth + barWidth + 6, y: y + 17, class: 'value' }, String(entry.value)),
      );
    }),
  );
  return h('figure', { class: 'card chart-card', dataset: { chart: id } }, h('figcaption', {}, title), svg);
}

export const table = (headers, rows, attributes = {}) =>
  h('div', { class: 'table-wrap' }, h('table', attributes, h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))), h('tbody', {}, rows)));

export const loading = () => h('p', { class: 'muted' }, t('loading'));

/** Marks the moment a view's content is on screen: the benchmark reads it as the view's first paint. */
export function markDrawn(view) {
  performance.mark(`sinergi:${view}-drawn`);
  document.body.dataset.drawn = view;
}
