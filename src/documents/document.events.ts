import type { RecordedEvent } from '../core/event';

/**
 * That an agreement's document was kept is recorded in a stream of its own beside the agreement's
 * (`documents-<agreementId>`), so a document that disappears later is told apart from one never uploaded.
 */
export const documentStreamId = (agreementId: string): string => `documents-${agreementId}`;

export type DocumentKept = {
  type: 'DocumentKept';
  data: { sha256: string; size: number; mediaType: string; fileName: string };
};

export interface KeptRecord {
  sha256: string;
  size: number;
  mediaType: string;
  fileName: string;
  keptBy: string;
  keptAt: string;
}

/** What the agreement's document stream says was kept, by hash; a hash uploaded twice keeps its first record. */
export function keptRecordsOf(events: readonly RecordedEvent[]): Map<string, KeptRecord> {
  const kept = new Map<string, KeptRecord>();
  for (const event of events) {
    if (event.type !== 'DocumentKept') continue;
    const { data } = event as unknown as DocumentKept;
    if (!kept.has(data.sha256)) kept.set(data.sha256, { ...data, keptBy: event.metadata.actor.userId, keptAt: event.metadata.recordedAt });
  }
  return kept;
}
