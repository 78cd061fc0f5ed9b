import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SinergiConfig } from '../config/sinergi.config';
import { withoutPassword } from '../config/masked-url';
import type { EventStore } from '../core/event-store.port';
import { KurrentDbEventStore } from '../infrastructure/kurrentdb/kurrentdb.event-store';
import { PostgresEventStore } from '../infrastructure/postgres/postgres.event-store';
import { SqliteEventStore } from '../infrastructure/sqlite/sqlite.event-store';
import { type MigrationProgress, type MigrationReport, migrateEventStore } from './migrate-event-store';
import type { RecordedEventImport } from '../core/recorded-event-import';
import { readSqliteIdempotencyKeys } from './sqlite-idempotency-keys';
import { type Progress, type ProgressOutput, startProgress } from '../progress';
import { copyDocuments, type DocumentCopyReport } from '../documents/copy-documents';
import { documentDirectoryOf } from '../documents/documents.config';
import { FileDocumentStore } from '../documents/storage/file.document-store';
import { PostgresDocumentStore } from '../documents/storage/postgres.document-store';

export const MIGRATE_USAGE = '--to postgres|kurrentdb [--url URL]';

const TARGETS = {
  postgres: { urlVariable: 'SINERGI_POSTGRES_URL', open: (url: string) => PostgresEventStore.open(url) },
  kurrentdb: { urlVariable: 'KURRENTDB_URL', open: async (url: string) => KurrentDbEventStore.connect(url) },
} as const;

type TargetName = keyof typeof TARGETS;

/**
 * `sinergi migrate`: copies the SQLite store of SINERGI_DATA_DIR to PostgreSQL or KurrentDB, verifies the copy and
 * says what to do next. Throws (the CLI exits with 1) when the copy cannot be made or does not verify.
 */
export async function runMigrateCommand(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: ProgressOutput = { write: (text) => process.stdout.write(text), isTTY: process.stdout.isTTY },
): Promise<MigrationReport & { documents?: DocumentCopyReport }> {
  const { to, url } = parseMigrateArgs(args, env);
  const config = SinergiConfig.fromEnv({ ...env, SINERGI_EVENT_STORE: 'sqlite' });
  const file = config.eventStoreFile;
  if (!existsSync(file)) {
    throw new Error(`There is no SQLite event store at ${file}: set SINERGI_DATA_DIR to the directory that holds events.sqlite.`);
  }
  const source = SqliteEventStore.open(file);
  let target: (EventStore & RecordedEventImport & { close(): Promise<void> }) | undefined;
  try {
    target = await TARGETS[to].open(url);
    out.write(`Copying the SQLite event store ${file} to ${to} at ${withoutPassword(url)}\n`);
    const report = await migrateEventStore(source, readSqliteIdempotencyKeys(file), target, { onProgress: progressPrinter(out) });
    out.write(summaryOf(report, to, url));
    if (!report.verified) throw new Error('The copy does not match the source: do not switch to it (see above).');
    if (to !== 'postgres') return report;
    return { ...report, documents: await migrateDocuments(documentDirectoryOf(config), url, out) };
  } finally {
    await Promise.all([source.close(), target?.close()]);
  }
}

/**
 * The documents of the data directory go to the same database, each checked against its SHA-256 as it arrives, so
 * that every node serves every file; an altered document is not copied, and the command fails naming it.
 */
async function migrateDocuments(directory: string, url: string, out: ProgressOutput): Promise<DocumentCopyReport> {
  const empty: DocumentCopyReport = { copied: 0, alreadyThere: 0, altered: [] };
  if (!existsSync(directory)) return empty;
  const [source, target] = [await FileDocumentStore.open(directory), await PostgresDocumentStore.open(url)];
  try {
    out.write(`Copying the documents in ${directory} to PostgreSQL, each checked against its SHA-256\n`);
    const progress = startProgress('copying documents', { unit: 'documents', out });
    const report = await copyDocuments(source, target, { onProgress: (done, total) => progress.update(done, total) });
    progress.finish();
    out.write(
      `${report.copied} documents copied, ${report.alreadyThere} already there (a previous run), each read back and hashed on arrival.\n` +
        'Start Sinergi with SINERGI_DOCUMENTS=postgres as well, so that every node serves every document.\n',
    );
    if (report.altered.length > 0) {
      throw new Error(
        `These documents no longer match their SHA-256 and were not copied: ${report.altered.join(', ')}. ` +
          'Restore them from a backup (sinergi restore), then run this command again.',
      );
    }
    return report;
  } finally {
    await Promise.all([source.close(), target.close()]);
  }
}

function parseMigrateArgs(args: string[], env: NodeJS.ProcessEnv): { to: TargetName; url: string } {
  const { values } = parseArgs({ args, options: { to: { type: 'string' }, url: { type: 'string' } }, strict: true });
  const to = values.to;
  if (to !== 'postgres' && to !== 'kurrentdb') throw new Error(`Usage: sinergi migrate ${MIGRATE_USAGE} (--to is required)`);
  const url = values.url ?? env[TARGETS[to].urlVariable];
  if (!url) throw new Error(`Where is the ${to} store? Give --url or set ${TARGETS[to].urlVariable}.`);
  return { to, url };
}

/** One progress display per step: the copy, then the verification of each log. */
function progressPrinter(out: ProgressOutput): (progress: MigrationProgress) => void {
  let step = '';
  let current: Progress | undefined;
  return (progress) => {
    const [label, done, total] =
      progress.step === 'copying'
        ? ['copying', progress.copied, progress.toCopy]
        : [`verifying the ${progress.store === 'source' ? 'source' : 'copy'}`, progress.checked, progress.head];
    if (label !== step) {
      current?.finish();
      step = label;
      current = startProgress(label, { total, unit: 'events', out });
    }
    current?.update(done, total);
    if (done >= total) {
      current?.finish();
      current = undefined;
    }
  };
}

function summaryOf(report: MigrationReport, to: TargetName, url: string): string {
  const { sourceHead, alreadyThere, copied, source, target } = report;
  const lines = [
    alreadyThere > 0
      ? `The target already held events 1..${alreadyThere} (a previous run); ${copied} more copied.`
      : `${copied} events copied.`,
    `Source: ${source.intact ? 'intact' : 'BROKEN'}, ${source.eventsChecked} events in ${source.streams} streams, seal ${source.seal}`,
    `Target: ${target.intact ? 'intact' : 'BROKEN'}, ${target.eventsChecked} events in ${target.streams} streams, seal ${target.seal}`,
  ];
  if (!source.intact && source.firstBroken) lines.push(`The source itself is broken: ${source.firstBroken.explanation} (position ${source.firstBroken.position}).`);
  if (!target.intact && target.firstBroken) lines.push(`The copy is broken: ${target.firstBroken.explanation} (position ${target.firstBroken.position}).`);
  if (report.verified) {
    lines.push(
      `Verified: the copy holds the same ${sourceHead} events, hash chains and global order as the source.`,
      '',
      'Next:',
      '  1. Stop Sinergi, then run this command again: it copies only what was written since, and verifies again.',
      `  2. Start Sinergi with SINERGI_EVENT_STORE=${to} and ${TARGETS[to].urlVariable}=${withoutPassword(url)}`,
      '     and check that GET /health names the new store with the same headPosition.',
      '  3. Keep events.sqlite as a backup (read-only) until you have a backup of the new store.',
    );
  }
  return `${lines.join('\n')}\n`;
}
