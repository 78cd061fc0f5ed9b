// The files of the documents the steps name: handed in after their step is recorded, listed with where they stand,
// downloaded with the user's bearer token (a plain link would carry none).
import { api, ApiError, session } from './api.js';
import { h } from './dom.js';
import { sha256OfFile } from './fingerprint.js';
import { has, t } from './i18n.js';
import { badge } from './ui.js';

/** Why an upload of this page was refused, by SHA-256: shown on the document's row after the page is drawn again. */
const refusals = new Map();

const refusalText = (error) => (has(`rule.${error.rule}`) ? t(`rule.${error.rule}`) : error.message);

/** The agreement a step's path is about: `/agreements/<id>/...`. */
export const agreementOfPath = (path) => /^\/agreements\/([^/]+)\//.exec(path)?.[1];

/** Sends one file as the body of PUT /agreements/:id/documents/:sha256, telling `onProgress` the share sent (0–1). */
export function uploadDocument(agreementId, file, sha256, onProgress = () => undefined) {
  return new Promise((resolve, reject) => {
    // XMLHttpRequest, because fetch says nothing of an upload's progress.
    const request = new XMLHttpRequest();
    request.open('PUT', `/agreements/${agreementId}/documents/${sha256}?name=${encodeURIComponent(file.name)}`);
    request.setRequestHeader('Authorization', `Bearer ${session.token()}`);
    request.setRequestHeader('Content-Type', 'application/octet-stream');
    request.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    request.onload = () => {
      const body = safeJson(request.responseText);
      if (request.status >= 200 && request.status < 300) resolve(body);
      else reject(new ApiError(request.status, body));
    };
    request.onerror = () => reject(new ApiError(0, { rule: 'UploadBrokenOff', message: t('doc.network') }));
    request.send(file);
  });
}

/**
 * Uploads the files chosen for a step just recorded, one progress bar each, into `slot`. A refusal does not undo
 * the step: it is kept to be shown on the document's row, where the file can be handed in again.
 */
export async function uploadChosen(agreementId, chosen, slot) {
  for (const { file, sha256 } of chosen) {
    const bar = h('progress', { max: 1, value: 0 });
    const line = h('div', { class: 'upload', dataset: { sha256 } }, h('span', {}, t('doc.uploading', { name: file.name })), ' ', bar);
    slot.append(line);
    try {
      await uploadDocument(agreementId, file, sha256, (share) => (bar.value = share));
      refusals.delete(sha256);
      bar.value = 1;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      refusals.set(sha256, refusalText(error));
      line.append(h('span', { class: 'upload-error' }, ` ${refusals.get(sha256)}`));
    }
  }
}

/** Saves a kept document under the name it was handed in with. */
export async function downloadDocument(agreementId, sha256) {
  const response = await api(`/agreements/${agreementId}/documents/${sha256}`, { raw: true });
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
  const name = encoded ? decodeURIComponent(encoded) : /filename="([^"]+)"/.exec(disposition)?.[1] ?? sha256;
  const url = URL.createObjectURL(await response.blob());
  const link = h('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Fills the rows of the fingerprint table (`tr[data-sha256]`) with each document's state, a download button for a
 * kept one, and for one not kept a file field, to hand it in (the file must be the one the step fingerprinted).
 */
export async function showDocumentStates(agreementId, table, { mayUpload, onChanged }) {
  const documents = await api(`/agreements/${agreementId}/documents`);
  const byHash = new Map(documents.map((document) => [document.sha256, document]));
  for (const row of table.querySelectorAll('tr[data-sha256]')) {
    const document = byHash.get(row.dataset.sha256);
    if (!document) continue;
    const cells = [h('td', {}, badge('doc', document.state)), h('td', {}, actionsFor(agreementId, document, { mayUpload, onChanged }))];
    row.querySelectorAll('td.document').forEach((cell) => cell.remove());
    cells.forEach((cell) => cell.classList.add('document'));
    row.append(...cells);
  }
}

function actionsFor(agreementId, document, { mayUpload, onChanged }) {
  const { sha256, state } = document;
  if (state === 'kept') {
    return h('button', { type: 'button', class: 'btn', dataset: { download: sha256 }, onclick: () => downloadDocument(agreementId, sha256) }, t('doc.download'));
  }
  const refused = refusals.get(sha256);
  if (!mayUpload) return refused ? h('small', { class: 'form-error' }, refused) : null;
  const message = h('small', { class: 'form-error', role: 'alert' }, refused ?? '');
  const slot = h('div');
  const input = h('input', { type: 'file', dataset: { upload: sha256 }, 'aria-label': t('doc.handIn') });
  input.addEventListener('change', async () => {
    const [file] = input.files;
    if (!file) return;
    message.textContent = '';
    if ((await sha256OfFile(file)) !== sha256) {
      message.textContent = t('doc.wrongFile');
      return;
    }
    await uploadChosen(agreementId, [{ file, sha256 }], slot);
    onChanged();
  });
  return h('div', { class: 'hand-in' }, h('label', { class: 'muted' }, t('doc.handIn'), ' ', input), slot, message);
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}
