import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SinergiConfig } from '../config/sinergi.config';
import { eventStoreBackupAdvice } from '../infrastructure/event-store-adapters';
import { DocumentsConfig } from '../documents/documents.config';
import { type ProgressOutput, stderrProgressOutput } from '../progress';
import { type BackupReport, backupDataDirectory, MANIFEST, restoreDataDirectory } from './backup';

export const BACKUP_USAGE = 'backup DIR';
export const RESTORE_USAGE = 'restore DIR';

type Print = (line: string) => void;

function directoryArgument(args: string[], usage: string): string {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new Error(`usage: sinergi ${usage}`);
  return resolve(positionals[0]);
}

/** `sinergi backup DIR`: exit code 1 when the copy does not verify. */
export async function runBackupCommand(args: string[], print: Print = console.log, out: ProgressOutput = stderrProgressOutput): Promise<number> {
  const target = directoryArgument(args, BACKUP_USAGE);
  const config = SinergiConfig.fromEnv();
  const documents = DocumentsConfig.from(config);
  print(`Backing up ${config.dataDir} (documents: ${documents.location}) to ${target}`);
  const report = await backupDataDirectory(target, { config, documents, out });
  summary(report, target).forEach((line) => print(line));
  eventStoreBackupAdvice(config.eventStore, target).forEach((line) => print(line));
  return report.verified ? 0 : 1;
}

function summary({ manifest, copy, sourceSeal, documents, documentCopy, verified }: BackupReport, target: string): string[] {
  const lines = [`${manifest.files.length} files and ${manifest.documents} documents copied; their list and SHA-256 in ${MANIFEST}.`];
  if (copy) {
    lines.push(
      `The copy's log: ${copy.intact ? 'intact' : 'BROKEN'}, ${copy.eventsChecked} events in ${copy.streams} streams, seal ${copy.seal}`,
      `The source's seal at position ${copy.position}: ${sourceSeal}${sourceSeal === copy.seal ? ' (the same)' : ' (DIFFERENT)'}`,
    );
  }
  if (documents) {
    lines.push(
      `Documents the log names: ${documents.kept} kept and read back whole, ${documents.notUploaded} never uploaded, ` +
        `${documents.missing.length} missing, ${documents.doesNotMatch.length} altered.`,
    );
  }
  if (documentCopy.altered.length > 0) lines.push(`Not copied, altered in the source: ${documentCopy.altered.join(', ')}`);
  lines.push(
    verified
      ? `Verified. To restore: SINERGI_DATA_DIR=<an empty directory> npx sinergi restore ${target}`
      : 'The backup does NOT verify (see above): do not rely on it.',
  );
  return lines;
}

/** `sinergi restore DIR`: into SINERGI_DATA_DIR, which must hold no store yet. */
export async function runRestoreCommand(args: string[], print: Print = console.log, out: ProgressOutput = stderrProgressOutput): Promise<number> {
  const from = directoryArgument(args, RESTORE_USAGE);
  const config = SinergiConfig.fromEnv();
  const documents = DocumentsConfig.from(config);
  print(`Restoring ${from} into ${config.dataDir} (documents: ${documents.location})`);
  const { manifest, log, documentCopy } = await restoreDataDirectory(from, { config, documents, out });
  print(`${manifest.files.length} files and ${documentCopy.copied + documentCopy.alreadyThere} documents restored, each as it was backed up on ${manifest.createdAt}.`);
  if (log) print(`The restored log is intact and has the backup's seal: ${log.eventsChecked} events, seal ${log.seal} at position ${log.position}.`);
  else print(`The backup was made of a ${manifest.eventStore} event store: restore its events with that store's own tools (see \`sinergi backup\`).`);
  print('Start Sinergi on this directory; the read models catch up with the log by themselves.');
  return 0;
}
