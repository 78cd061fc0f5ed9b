import { ContentDoesNotMatchHash, type DocumentStore } from './document-store.port';

export interface DocumentCopyReport {
  /** Documents written to the target by this run. */
  copied: number;
  /** Documents the target held already (a previous run, or the same bytes kept twice). */
  alreadyThere: number;
  /** Documents whose bytes in the source no longer hash to their name: not copied, to be looked into. */
  altered: string[];
}

/**
 * Copies every document of `from` into `to`, each checked against its SHA-256 as the target keeps it, so what
 * arrives is exactly what was named. Safe to re-run: what the target holds is not written again. For migrations and
 * backups alike (a backup is a {@link FileDocumentStore} in the backup directory).
 */
export async function copyDocuments(
  from: DocumentStore,
  to: DocumentStore,
  options: { onProgress?: (done: number, total: number) => void } = {},
): Promise<DocumentCopyReport> {
  const report: DocumentCopyReport = { copied: 0, alreadyThere: 0, altered: [] };
  // Named first, so that the progress has a total (and a time left): a name is 64 characters, a document far more.
  const hashes: string[] = [];
  for await (const sha256 of from.hashes()) hashes.push(sha256);
  for (const sha256 of hashes) {
    const content = await from.open(sha256);
    if (!content) continue;
    try {
      const { alreadyKept } = await to.keep(sha256, content);
      if (alreadyKept) report.alreadyThere++;
      else report.copied++;
    } catch (error) {
      if (!(error instanceof ContentDoesNotMatchHash)) throw error;
      report.altered.push(sha256);
    }
    options.onProgress?.(report.copied + report.alreadyThere + report.altered.length, hashes.length);
  }
  return report;
}
