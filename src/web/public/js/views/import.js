import { ApiError, session } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { actionForm, searchablePicker } from '../forms.js';
import { t } from '../i18n.js';
import { markDrawn, table } from '../ui.js';

/**
 * Sends a spreadsheet to POST /imports and follows its progress lines (`application/x-ndjson`) until the report.
 * `onProgress(done, total)` is called as rows are decided; `region` is the importing office's, named by an admin.
 */
export async function sendImport(file, { dryRun, onProgress, region }) {
  const body = new FormData();
  body.append('file', file, file.name);
  const query = new URLSearchParams({ dryRun: String(dryRun), ...(region ? { region } : {}) });
  const response = await fetch(`/imports?${query}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${session.token()}`, Accept: 'application/x-ndjson' },
    body,
  });
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => undefined));
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
    const lines = buffered.split('\n');
    buffered = lines.pop();
    for (const line of lines.filter(Boolean)) {
      const message = JSON.parse(line);
      if (message.progress) onProgress(message.progress.done, message.progress.total);
      if (message.error) throw new ApiError(400, message.error);
      if (message.report) return message.report;
    }
  }
  throw new ApiError(500, { message: t('imp.interrupted') });
}

/** The report of a run: how many rows, what was (or would be) written, and every problem with where and what to do. */
function reportView(report) {
  const { rowsWithProblems } = report;
  const summary = t(report.dryRun ? 'imp.summaryDry' : 'imp.summary', {
    rows: report.rows,
    ksb: report.imported.ksb,
    pks: report.imported.pks,
    already: report.alreadyRecorded.length,
    problems: rowsWithProblems,
  });
  return h('div', { class: 'import-report', dataset: { dryRun: String(report.dryRun) } },
    h('p', { id: 'import-summary', class: rowsWithProblems ? 'warn' : 'good' }, summary),
    h('p', { class: 'muted' }, t('imp.source', { file: report.fileName, sha: report.fileSha256 })),
    report.problems.length
      ? table([t('col.row'), t('col.column'), t('col.rule'), t('col.fix')],
        report.problems.map((p) => h('tr', { dataset: { row: String(p.row), rule: p.rule } }, h('td', {}, String(p.row)), h('td', {}, p.column ?? '–'), h('td', {}, p.rule), h('td', {}, p.message))),
        { id: 'import-problems' })
      : null,
    report.problemsLeftOut ? h('p', { class: 'muted', id: 'import-left-out' }, t('imp.leftOut', { count: report.problemsLeftOut })) : null);
}

/** An admin imports for a region, chosen by name; a coordinator for their own. */
const importingRegionPicker = (me) =>
  me.role === 'admin' ? searchablePicker({ name: 'region', picker: 'region', ariaLabel: t('imp.region') }) : undefined;

function uploadSection(regionPicker) {
  const file = h('input', { type: 'file', id: 'import-file', accept: '.xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  const progress = h('progress', { id: 'import-progress', max: 1, value: 0, hidden: true });
  const progressText = h('span', { class: 'muted', id: 'import-progress-text' });
  const result = h('div', { id: 'import-result', role: 'status' });
  const check = h('button', { type: 'button', class: 'btn', id: 'import-check' }, t('imp.check'));
  const run = h('button', { type: 'button', class: 'btn primary', id: 'import-run', disabled: true }, t('imp.run'));
  const send = async (dryRun) => {
    const chosen = file.files[0];
    if (!chosen) {
      result.replaceChildren(h('p', { class: 'form-error' }, t('imp.chooseFile')));
      return;
    }
    const region = regionPicker ? await regionPicker.read() : undefined;
    if (regionPicker && !region) {
      result.replaceChildren(h('p', { class: 'form-error' }, t('imp.chooseRegion')));
      return;
    }
    check.disabled = run.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    progressText.textContent = t('imp.sending');
    result.replaceChildren();
    try {
      const report = await sendImport(chosen, {
        dryRun,
        region,
        onProgress: (done, total) => {
          progress.max = Math.max(total, 1);
          progress.value = done;
          progressText.textContent = t('imp.progress', { done, total });
        },
      });
      progress.value = progress.max;
      progressText.textContent = '';
      result.replaceChildren(reportView(report));
      // The import is offered once a dry run of this very file found rows to write.
      run.disabled = !(dryRun && report.imported.ksb + report.imported.pks > 0);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      progressText.textContent = '';
      result.replaceChildren(h('p', { class: 'form-error', dataset: { rule: error.rule ?? '' } }, error.message));
    } finally {
      check.disabled = false;
    }
  };
  file.addEventListener('change', () => {
    run.disabled = true;
    result.replaceChildren();
  });
  check.addEventListener('click', () => send(true));
  run.addEventListener('click', () => send(false));
  return h('section', { class: 'card' },
    h('h2', {}, t('imp.upload')),
    h('p', { class: 'muted' }, t('imp.uploadHint')),
    h('p', {}, h('a', { href: '/imports/template', download: '' }, t('imp.templateXlsx')), ' · ', h('a', { href: '/imports/template?format=csv', download: '' }, t('imp.templateCsv'))),
    regionPicker ? h('div', { class: 'field' }, h('label', { for: regionPicker.id }, t('imp.region')), regionPicker.control) : null,
    h('div', { class: 'field' }, h('label', { for: 'import-file' }, t('imp.file')), file),
    h('div', { class: 'buttons' }, check, run),
    h('div', { class: 'progress-row' }, progress, ' ', progressText),
    result);
}

/** The template's header row, by column key: the form writes a spreadsheet of one row in the template's own words. */
async function templateHeaders() {
  const text = await (await fetch('/imports/template?format=csv')).text();
  return text.replace(/^\uFEFF/, '').split(/\r?\n/)[0].split(';');
}

const csvCell = (value) => (/[";\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** The form for one old agreement: the same import, of a spreadsheet of one row the browser writes. */
async function oneAgreementSection(me) {
  const headers = await templateHeaders();
  const [kind, party1, ksbNumber1, party2, ksbNumber2, title, fields, scope, signedOn, place, signatory1, position1, signatory2, position2, validUntil, status, endedOn, endGround] = headers;
  const field = (header, type, extra = {}) => ({ name: header, type, label: 'imp.column', labelParams: { column: header }, required: true, ...extra });
  const optional = (header, type, extra = {}) => field(header, type, { ...extra, required: false });
  const action = {
    id: 'recordExisting',
    path: '/imports',
    fixed: { [kind]: 'KSB', ...(me.role === 'admin' ? {} : { [party1]: me.region }) },
    fields: [
      ...(me.role === 'admin' ? [field(party1, 'picker', { picker: 'region' })] : []),
      field(party2, 'picker', { picker: 'region' }),
      field(ksbNumber1, 'text'),
      field(ksbNumber2, 'text'),
      field(title, 'text'),
      field(fields, 'picker', { picker: 'field', multiple: true, free: true }),
      optional(scope, 'textarea'),
      field(signedOn, 'date'),
      optional(place, 'text'),
      field(signatory1, 'text'),
      field(position1, 'text'),
      field(signatory2, 'text'),
      field(position2, 'text'),
      field(validUntil, 'date'),
      field(status, 'select', { options: ['aktif', 'berakhir', 'diputus'].map((value) => ({ value, label: `imp.status.${value}` })) }),
      optional(endedOn, 'date'),
      optional(endGround, 'text', { hint: 'imp.groundHint' }),
    ],
    submit: async (values) => {
      const row = headers.map((header) => csvCell(Array.isArray(values[header]) ? values[header].join('; ') : String(values[header] ?? '')));
      const csv = `${headers.map(csvCell).join(';')}\n${row.join(';')}\n`;
      const report = await sendImport(new File([csv], 'formulir-kerja-sama-lama.csv', { type: 'text/csv' }), { dryRun: false, onProgress: () => undefined, region: values[party1] });
      if (report.problems.length) throw new ApiError(400, { message: t('imp.formRefused'), errors: report.problems.map((p) => ({ field: p.column ?? '', rule: p.rule, message: p.message })) });
      return report;
    },
  };
  const done = h('div', { role: 'status', id: 'record-existing-result' });
  const form = await actionForm(action, {
    label: t('imp.oneTitle'),
    onDone: (report) => {
      done.replaceChildren(h('p', { class: 'good' }, t(report.alreadyRecorded.length ? 'imp.oneAlready' : 'imp.oneDone'), ' ', h('a', { href: '#/kesepakatan' }, t('nav.agreements'))));
    },
  });
  return h('section', { class: 'card', id: 'record-existing' }, h('p', { class: 'muted' }, t('imp.oneHint')), form, done);
}

export async function renderImport(app, me) {
  replaceChildren(app, h('h1', {}, t('imp.title')), uploadSection(await importingRegionPicker(me)), await oneAgreementSection(me));
  markDrawn('import');
}
