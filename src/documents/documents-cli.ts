import { SinergiConfig } from '../config/sinergi.config';
import { SystemClock } from '../core/clock.port';
import type { EventStore } from '../core/event-store.port';
import { UsageError } from '../cli-usage';
import { openEventStore } from '../infrastructure/event-store-adapters';
import { type ProgressOutput, startProgress, stderrProgressOutput } from '../progress';
import { type DocumentsVerification, verifyDocuments } from './document-check';
import type { DocumentStore } from './document-store.port';
import { DocumentsConfig } from './documents.config';
import { openDocumentStore } from './storage/open-document-store';

export const DOCUMENTS_USAGE = ['documents check [--full]'];

/** The event store and the document store of the configuration, for a command line that needs both. */
export async function withStores<T>(work: (events: EventStore, documents: DocumentStore) => Promise<T>): Promise<T> {
  const config = SinergiConfig.fromEnv();
  const events = await openEventStore(config, new SystemClock());
  try {
    const documents = await openDocumentStore(DocumentsConfig.from(config).store);
    try {
      return await work(events, documents);
    } finally {
      await documents.close();
    }
  } finally {
    await events.close();
  }
}

/**
 * `sinergi documents check [--full]`: every document a step names, read back and hashed again unless it is stored as
 * it was when it last matched (`--full`: every one). Exit code 1 when one kept is missing or altered.
 */
export async function runDocumentsCommand(
  args: readonly string[],
  print: (line: string) => void = (line) => console.log(line),
  progress: ProgressOutput = stderrProgressOutput,
): Promise<number> {
  const [action, ...flags] = args;
  if (action !== 'check' || flags.some((flag) => flag !== '--full')) throw new UsageError(`usage: sinergi ${DOCUMENTS_USAGE.join('\n  sinergi ')}`);
  return withStores(async (events, documents) => {
    print(`Checking the documents in ${documents.location} against the steps that name them`);
    const result = await checkDocumentsWithProgress(events, documents, progress, { full: flags.includes('--full') });
    documentsReport(result).forEach(print);
    return result.intact ? 0 : 1;
  });
}

export async function checkDocumentsWithProgress(
  events: EventStore,
  documents: DocumentStore,
  out: ProgressOutput,
  options: { full?: boolean } = {},
): Promise<DocumentsVerification> {
  const progress = startProgress('checking documents', { unit: 'documents', out });
  const result = await verifyDocuments(events, documents, { ...options, onProgress: (checked, named) => progress.update(checked, named) });
  progress.finish();
  return result;
}

/** What a person reads of a documents check: the counts, then every document to look into, with its agreements. */
export function documentsReport(result: DocumentsVerification): string[] {
  const lines = [
    `${result.intact ? 'DOCUMENTS INTACT' : 'DOCUMENTS BROKEN'}: ${result.named} named by the steps, ${result.kept} kept and matching, ` +
      `${result.notUploaded} not uploaded yet, ${result.missing.length} missing, ${result.doesNotMatch.length} no longer matching.`,
    `  ${result.readBack} read back and hashed again, ${result.unchanged} stored as they were when they last matched and not read again (\`--full\` reads every one).`,
  ];
  for (const { sha256, agreementIds } of result.missing) lines.push(`  missing: ${sha256} (agreement ${agreementIds.join(', ')}): kept once, now gone; restore it from a backup`);
  for (const { sha256, agreementIds } of result.doesNotMatch) lines.push(`  does not match: ${sha256} (agreement ${agreementIds.join(', ')}): the bytes kept were changed; restore them from a backup`);
  return lines;
}
