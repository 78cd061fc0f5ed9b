import type { RecordedEvent } from './event';
import type { AppendResult } from './event-store.port';

/** An idempotency key with the result of the append that first used it. */
export interface RecordedAppend {
  key: string;
  result: Omit<AppendResult, 'replayed'>;
}

/**
 * What a store must offer to receive a migrated log: events written exactly as another store recorded them.
 * Not part of the EventStore port, because nothing but a migration may write an event it did not stamp
 * and hash itself.
 */
export interface RecordedEventImport {
  /**
   * Writes `events` unchanged (ids, revisions, positions, recordedAt, hashes) in one atomic step, with the
   * idempotency keys of the appends that wrote them. The first event must sit right after the store's head and
   * the positions must follow each other, so the copy keeps the source's global order and its seal.
   */
  importRecorded(events: readonly RecordedEvent[], appends: readonly RecordedAppend[]): Promise<void>;
}

export class ImportOutOfOrder extends Error {
  constructor(expectedPosition: number, got: number) {
    super(`an imported event must be at position ${expectedPosition}, got ${got}: the target changed during the migration`);
    this.name = 'ImportOutOfOrder';
  }
}

/** Throws unless the events' positions run on from `head` without a gap. */
export function assertContinues(head: number, events: readonly RecordedEvent[]): void {
  events.forEach((event, i) => {
    if (event.position !== head + 1 + i) throw new ImportOutOfOrder(head + 1 + i, event.position);
  });
}
