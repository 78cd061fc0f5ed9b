import { h, formatDate, s } from './dom.js';
import { lang, t } from './i18n.js';

export const date = (iso) => formatDate(iso, lang());
export const regionName = (names, code) => names.get(code)?.name ?? code;

/** A fixed-colour label: the same stage always has the same colour, on screen and on paper. */
export const badge = (family, value) => h('span', { class: `badge ${family}-${value}`, dataset: { [family]: value } }, t(`${family}.${value}`));

export const daysText = (daysLeft) =>
  daysLeft === 0 ? t('days.today') : daysLeft > 0 ? t('days.left', { n: daysLeft }) : t('days.overdue', { n: -daysLeft });

const LIFECYCLE = ['proposed', 'negotiating', 'awaiting-signatures', 'active'];

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
