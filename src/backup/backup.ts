import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { type VerificationResult, verifyLog } from '../audit/log-verifier';
import type { SinergiConfig } from '../config/sinergi.config';
import { copyDocuments, type DocumentCopyReport } from '../documents/copy-documents';
import { type DocumentsVerification, verifyDocuments } from '../documents/document-check';
import type { DocumentStore } from '../documents/document-store.port';
import type { DocumentsConfig } from '../documents/documents.config';
import { openDocumentStore } from '../documents/storage/open-document-store';
import { FileDocumentStore } from '../documents/storage/file.document-store';
import { SqliteEventStore } from '../infrastructure/sqlite/sqlite.event-store';
import { type ProgressOutput, startProgress } from '../progress';

export const MANIFEST = 'sinergi-backup.json';
const EVENTS = 'events.sqlite';
const DOCUMENTS = 'documents';
/** Derived state only (reminder timers, rebuilt from the event store), and whatever SQLite keeps beside a database. */
const NOT_STATE = [/^redis$/, /-wal$/, /-shm$/, /-journal$/, /^\.incoming$/];

/** What a backup holds, written beside it and checked again by `restore`. */
export interface BackupManifest {
  createdAt: string;
  /** The event store the backup was made from; only an embedded (SQLite) one is in the backup itself. */
  eventStore: SinergiConfig['eventStore']['adapter'];
  /** The log in the backup: its last position and its seal there (as `audit verify` gives it). */
  events?: { head: number; seal: string };
  /** Every file of the backup but the documents (which are named by their SHA-256), with its own SHA-256. */
  files: { path: string; bytes: number; sha256: string }[];
  documents: number;
}

export interface BackupReport {
  manifest: BackupManifest;
  /** The copy's log, verified, with its seal compared to the source's at the same position. */
  copy?: VerificationResult;
  sourceSeal?: string;
  documents?: DocumentsVerification;
  documentCopy: DocumentCopyReport;
  /** The copy's log is intact, has the source's seal, and every document the log names and was kept is whole. */
  verified: boolean;
}

export interface DataDirectory {
  config: SinergiConfig;
  documents: DocumentsConfig;
  out: ProgressOutput;
}

/**
 * A consistent copy of every store of the data directory, made while Sinergi runs: each SQLite database through
 * SQLite's online backup (the read models and the other databases before the events, so no read model is ahead of the
 * log it was built from; the events before the documents, so every document the copied log names was kept before
 * it), the documents from the document store, any other directory as it is. Then the copy is verified: its log intact
 * and sealed as the source up to the same position, and every document the log names read back.
 */
export async function backupDataDirectory(target: string, { config, documents, out }: DataDirectory): Promise<BackupReport> {
  await refuseNonEmpty(target, 'a backup must go to a new or empty directory');
  await mkdir(target, { recursive: true });
  const entries = existsSync(config.dataDir) ? readdirSync(config.dataDir, { withFileTypes: true }) : [];
  const kept = entries.filter((entry) => !NOT_STATE.some((pattern) => pattern.test(entry.name)));
  const databases = kept.filter((entry) => entry.isFile() && isSqlite(join(config.dataDir, entry.name))).map((entry) => entry.name);
  const ordered = [...databases.filter((name) => name !== EVENTS), ...databases.filter((name) => name === EVENTS)];
  for (const name of ordered) await backupDatabase(join(config.dataDir, name), join(target, name), out);
  for (const entry of kept) {
    if (databases.includes(entry.name) || entry.name === DOCUMENTS) continue;
    await cp(join(config.dataDir, entry.name), join(target, entry.name), { recursive: true, preserveTimestamps: true });
  }

  const source = await openDocumentStore(documents.store);
  const copy = await FileDocumentStore.open(join(target, DOCUMENTS));
  let documentCopy: DocumentCopyReport;
  try {
    const progress = startProgress(`copying ${DOCUMENTS}`, { unit: 'documents', out });
    documentCopy = await copyDocuments(source, copy, { onProgress: (done, total) => progress.update(done, total) });
    progress.finish();
  } finally {
    await source.close();
  }

  const manifest: BackupManifest = { createdAt: new Date().toISOString(), eventStore: config.eventStore.adapter, files: [], documents: 0 };
  let report: BackupReport = { manifest, documentCopy, verified: documentCopy.altered.length === 0 };
  if (ordered.includes(EVENTS)) {
    const events = SqliteEventStore.open(join(target, EVENTS));
    const live = SqliteEventStore.open(join(config.dataDir, EVENTS));
    try {
      const checked = await verifyWithDocuments(events, copy, 'the copy', out);
      const sourceSeal = (await verify(live, 'the source', out, checked.log.position)).seal;
      manifest.events = { head: checked.log.position, seal: checked.log.seal };
      report = {
        ...report,
        copy: checked.log,
        sourceSeal,
        documents: checked.documents,
        verified: report.verified && checked.log.intact && checked.documents.intact && sourceSeal === checked.log.seal,
      };
    } finally {
      await Promise.all([events.close(), live.close()]);
    }
  }
  manifest.files = await filesOf(target);
  manifest.documents = await count(copy.hashes());
  await writeFile(join(target, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return report;
}

export interface RestoreReport {
  manifest: BackupManifest;
  log?: VerificationResult;
  documents?: DocumentsVerification;
  documentCopy: DocumentCopyReport;
}

/** The backup does not hold what its manifest says: nothing was restored. */
export class BackupDoesNotVerify extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupDoesNotVerify';
  }
}

/**
 * Puts a backup back into the data directory, which must hold no store yet: every file checked against the manifest
 * first, then copied, the documents kept in the configured document store, and the restored log verified against
 * the seal the backup recorded. Whatever was restored is removed again when that check fails.
 */
export async function restoreDataDirectory(from: string, { config, documents, out }: DataDirectory): Promise<RestoreReport> {
  const manifestFile = join(from, MANIFEST);
  if (!existsSync(manifestFile)) throw new BackupDoesNotVerify(`${from} holds no ${MANIFEST}: it is not a backup made by \`sinergi backup\``);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as BackupManifest;
  await refuseNonEmpty(config.dataDir, `SINERGI_DATA_DIR (${config.dataDir}) already holds a store; restore into a new or empty directory`);
  if (documents.store.adapter === 'files') await refuseNonEmpty(documents.store.directory, 'the document directory already holds documents');
  for (const file of manifest.files) {
    if ((await sha256Of(join(from, file.path))) !== file.sha256) {
      throw new BackupDoesNotVerify(`${file.path} is not the file that was backed up (its SHA-256 changed): nothing was restored`);
    }
  }

  await mkdir(config.dataDir, { recursive: true });
  const restored = readdirSync(from).filter((name) => name !== MANIFEST && name !== DOCUMENTS);
  try {
    for (const name of restored) await cp(join(from, name), join(config.dataDir, name), { recursive: true, preserveTimestamps: true });
    const backup = await FileDocumentStore.open(join(from, DOCUMENTS));
    const target = await openDocumentStore(documents.store);
    try {
      const progress = startProgress(`restoring ${DOCUMENTS}`, { total: manifest.documents, unit: 'documents', out });
      const documentCopy = await copyDocuments(backup, target, { onProgress: (done, total) => progress.update(done, total) });
      progress.finish();
      if (documentCopy.altered.length > 0) throw new BackupDoesNotVerify(`${documentCopy.altered.length} documents of the backup were altered`);
      if (!manifest.events) return { manifest, documentCopy };
      const events = SqliteEventStore.open(join(config.dataDir, EVENTS));
      try {
        const checked = await verifyWithDocuments(events, target, 'the restored log', out);
        const { head, seal } = manifest.events;
        if (!checked.log.intact || checked.log.position !== head || checked.log.seal !== seal || !checked.documents.intact) {
          throw new BackupDoesNotVerify(
            `the restored log does not match the backup's seal (position ${checked.log.position}, seal ${checked.log.seal}; the backup recorded ${head}, ${seal})`,
          );
        }
        return { manifest, log: checked.log, documents: checked.documents, documentCopy };
      } finally {
        await events.close();
      }
    } finally {
      await target.close();
    }
  } catch (error) {
    await Promise.all(restored.map((name) => rm(join(config.dataDir, name), { recursive: true, force: true })));
    throw error;
  }
}

async function backupDatabase(file: string, copy: string, out: ProgressOutput): Promise<void> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const progress = startProgress(`backing up ${basename(file)}`, { unit: 'pages', out });
    let pages = 0;
    await db.backup(copy, {
      progress: ({ totalPages, remainingPages }) => {
        pages = totalPages;
        progress.update(totalPages - remainingPages, totalPages);
        // Pages per step: other connections write between steps, and a step that sees their change starts again.
        return 1000;
      },
    });
    progress.update(pages, pages);
    progress.finish();
  } finally {
    db.close();
  }
}

async function verify(events: SqliteEventStore, what: string, out: ProgressOutput, upTo?: number): Promise<VerificationResult> {
  const progress = startProgress(`verifying ${what}`, { unit: 'events', out });
  const result = await verifyLog(events, { upTo, onProgress: (checked, head) => progress.update(checked, head) });
  progress.finish();
  return result;
}

async function verifyWithDocuments(
  events: SqliteEventStore,
  store: DocumentStore,
  what: string,
  out: ProgressOutput,
): Promise<{ log: VerificationResult; documents: DocumentsVerification }> {
  const log = await verify(events, what, out);
  const progress = startProgress(`reading back the documents of ${what}`, { unit: 'documents', out });
  // Every one read back: a backup vouches for the bytes it holds, not for what an earlier check saw.
  const documents = await verifyDocuments(events, store, { full: true, onProgress: (checked, named) => progress.update(checked, named) });
  progress.finish();
  return { log, documents };
}

const SQLITE_HEADER = 'SQLite format 3\0';

function isSqlite(file: string): boolean {
  if (statSync(file).size < SQLITE_HEADER.length) return false;
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  return header.toString('latin1') === SQLITE_HEADER;
}

async function refuseNonEmpty(directory: string, why: string): Promise<void> {
  if (!existsSync(directory)) return;
  const entries = (await readdir(directory)).filter((name) => !NOT_STATE.some((pattern) => pattern.test(name)));
  if (entries.length > 0) throw new Error(`${directory} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}): ${why}`);
}

async function filesOf(root: string, directory = root): Promise<BackupManifest['files']> {
  const files: BackupManifest['files'] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (relative(root, path) !== DOCUMENTS) files.push(...(await filesOf(root, path)));
    } else if (entry.isFile() && entry.name !== MANIFEST && !NOT_STATE.some((pattern) => pattern.test(entry.name))) {
      files.push({ path: relative(root, path), bytes: statSync(path).size, sha256: await sha256Of(path) });
    }
  }
  return files;
}

function sha256Of(file: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .once('error', fail)
      .once('end', () => done(hash.digest('hex')));
  });
}

async function count(items: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of items) n++;
  return n;
}
