import { api, ApiError, regions } from '../api.js';
import { h, replaceChildren, today } from '../dom.js';
import { t } from '../i18n.js';
import { loading, markDrawn, regionName, table } from '../ui.js';

/** The semester currently running on the user's region's clock: the default of the form. */
function currentSemester() {
  const day = today();
  return { year: Number(day.slice(0, 4)), semester: Number(day.slice(5, 7)) <= 6 ? 1 : 2 };
}

/** `#/laporan?tahun=2026&semester=1`: the semester a reminder links to, or the current one. */
function semesterOf(hash) {
  const params = new URLSearchParams(hash.split('?')[1] ?? '');
  const fallback = currentSemester();
  const year = Number(params.get('tahun')) || fallback.year;
  const semester = params.get('semester') === '2' ? 2 : params.get('semester') === '1' ? 1 : fallback.semester;
  return { year, semester };
}

const reportPath = (region, { year, semester }, format) => `/regions/${encodeURIComponent(region)}/reports/semester?year=${year}&semester=${semester}&format=${format}`;

/** Fetches the file with the user's token and hands it to the browser as a download. */
async function download(region, semester, format, button) {
  button.disabled = true;
  const label = button.textContent;
  button.textContent = t('report.preparing');
  try {
    const response = await api(reportPath(region, semester, format), { raw: true });
    const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? `laporan.${format}`;
    const link = h('a', { href: URL.createObjectURL(await response.blob()), download: name });
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

function reportView(report) {
  return h(
    'article',
    { class: 'card report', id: 'report' },
    report.heading.map((line) => h('p', { class: 'report-heading' }, line)),
    h('dl', { class: 'report-details' }, report.details.flatMap(([label, value]) => [h('dt', {}, label), h('dd', {}, value)])),
    report.tables.map((section) =>
      h('section', { dataset: { table: section.sheet } }, h('h2', {}, section.title), section.rows.length ? table(section.columns, section.rows.map((row) => h('tr', {}, row.map((cell) => h('td', {}, cell))))) : h('p', { class: 'muted' }, t('report.empty'))),
    ),
    h('div', { class: 'report-signature' }, report.signature.lines.map((line, i) => h('p', { class: i === report.signature.nameLine ? 'signatory-name' : null }, line || '\u00a0'))),
    h('p', { class: 'muted report-source' }, report.footer),
  );
}

/** Who signs the reports, and whether the region publishes open data: its coordinators set both here. */
function settingsCard(me, settings, onSaved) {
  const editable = me.role === 'coordinator' || me.role === 'admin';
  const signatory = settings.reportSignatory ?? { position: '', name: '', nip: '' };
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const field = (name, label, value) => h('label', {}, label, h('input', { name, value, required: true, disabled: !editable }));
  const form = h(
    'form',
    { id: 'signatory-form', class: 'form' },
    field('position', t('report.position'), signatory.position),
    field('name', t('report.name'), signatory.name),
    field('nip', t('report.nip'), signatory.nip),
    error,
    editable ? h('button', { type: 'submit', class: 'btn primary' }, t('report.saveSignatory')) : null,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    try {
      await api(`/regions/${me.region}/settings/report-signatory`, { method: 'PUT', body: data });
      onSaved();
    } catch (problem) {
      error.hidden = false;
      error.textContent = problem instanceof ApiError ? problem.message : String(problem);
    }
  });
  const openData = h('input', { type: 'checkbox', id: 'open-data', checked: settings.openData.published, disabled: !editable });
  openData.addEventListener('change', async () => {
    await api(`/regions/${me.region}/settings/open-data`, { method: 'PUT', body: { published: openData.checked } });
    onSaved();
  });
  return h(
    'section',
    { class: 'card no-print', id: 'region-settings' },
    h('h2', {}, t('report.settings')),
    h('p', { class: 'muted' }, t('report.signatoryLead')),
    form,
    h('p', {}, h('label', {}, openData, ' ', t('report.openData')), ' ', h('a', { href: '/publik' }, t('report.publicPage'))),
  );
}

/** The semester report of the user's region: shown on screen, downloaded as PDF or Excel. */
export async function renderReports(app, me, hash) {
  replaceChildren(app, loading());
  const semester = semesterOf(hash);
  const [names, settings] = await Promise.all([regions(), api(`/regions/${me.region}/settings`)]);
  const years = Array.from({ length: currentSemester().year - 2019 }, (_, i) => currentSemester().year - i);
  const yearSelect = h('select', { name: 'tahun', id: 'report-year' }, years.map((year) => h('option', { value: year, selected: year === semester.year }, String(year))));
  const semesterSelect = h('select', { name: 'semester', id: 'report-semester' }, [1, 2].map((n) => h('option', { value: n, selected: n === semester.semester }, t(`report.semester${n}`))));
  const chooser = h('form', { class: 'filters no-print', id: 'report-chooser' }, yearSelect, semesterSelect, h('button', { type: 'submit', class: 'btn' }, t('report.show')));
  chooser.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/laporan?tahun=${yearSelect.value}&semester=${semesterSelect.value}`;
  });
  const pdf = h('button', { type: 'button', class: 'btn primary', id: 'download-pdf' }, t('report.pdf'));
  const xlsx = h('button', { type: 'button', class: 'btn', id: 'download-xlsx' }, t('report.xlsx'));
  pdf.addEventListener('click', () => download(me.region, semester, 'pdf', pdf));
  xlsx.addEventListener('click', () => download(me.region, semester, 'xlsx', xlsx));
  let body;
  try {
    body = reportView(await api(reportPath(me.region, semester, 'json')));
  } catch (problem) {
    if (!(problem instanceof ApiError) || problem.status !== 400) throw problem;
    body = h('p', { class: 'form-error', role: 'alert' }, problem.message);
  }
  replaceChildren(
    app,
    h('div', { class: 'title-row' }, h('h1', {}, t('report.title', { region: regionName(names, me.region) })), h('div', { class: 'no-print' }, pdf, ' ', xlsx)),
    chooser,
    body,
    settingsCard(me, settings, () => renderReports(app, me, location.hash)),
  );
  markDrawn('reports');
}
