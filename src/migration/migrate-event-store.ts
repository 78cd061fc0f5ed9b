import type { RecordedEvent } from '../core/event';
import type { EventStore } from '../core/event-store.port';
import { type VerificationResult, verifyLog } from '../audit/log-verifier';
import type { RecordedAppend, RecordedEventImport } from '../core/recorded-event-import';

export interface MigrationOptions {
  /** Events read from the source and written to the target at a time. */
  batchSize?: number;
  onProgress?: (progress: MigrationProgress) => void;
}

export type MigrationProgress =
  | { step: 'copying'; copied: number; toCopy: number }
  | { step: 'verifying'; store: 'source' | 'target'; checked: number; head: number };

export interface MigrationReport {
  /** The source's head when the migration started: everything up to it was copied. */
  sourceHead: number;
  /** Events the target held before this run (a previous run's work), checked against the source. */
  alreadyThere: number;
  copied: number;
  source: VerificationResult;
  target: VerificationResult;
  /** Both logs are intact and their seals at `sourceHead` are the same: the copy is exact. */
  verified: boolean;
}

/** The target holds events that are not the source's: copying onto it would mix two logs. */
export class MigrationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationRefused';
  }
}

/**
 * Copies every event of `source` to `target` in global order, unchanged (ids, metadata, recordedAt, hashes,
 * positions), with the idempotency keys of the appends that wrote them, then verifies both logs and compares their
 * seals. Safe to re-run: it resumes after the target's head once it has checked that the target's last event is the
 * source's event at that position; the seals then prove the whole overlap is the same.
 * The source should not be written to meanwhile: what is appended after the start is left for the next run.
 */
export async function migrateEventStore(
  source: EventStore,
  sourceAppends: readonly RecordedAppend[],
  target: EventStore & RecordedEventImport,
  options: MigrationOptions = {},
): Promise<MigrationReport> {
  const batchSize = options.batchSize ?? 1000;
  const sourceHead = await source.headPosition();
  const alreadyThere = await target.headPosition();
  await checkOverlap(source, target, sourceHead, alreadyThere);

  // Each key travels with the batch holding its append's last event.
  const appendsInOrder = [...sourceAppends].sort((a, b) => a.result.lastPosition - b.result.lastPosition);
  let nextAppend = appendsInOrder.findIndex((a) => a.result.lastPosition > alreadyThere);
  if (nextAppend < 0) nextAppend = appendsInOrder.length;
  let position = alreadyThere;
  while (position < sourceHead) {
    const batch = await source.readAll(position, Math.min(batchSize, sourceHead - position));
    if (batch.length === 0) throw new Error(`the source has no event after position ${position}, though its head is ${sourceHead}`);
    const last = batch[batch.length - 1].position;
    const firstAppend = nextAppend;
    while (nextAppend < appendsInOrder.length && appendsInOrder[nextAppend].result.lastPosition <= last) nextAppend++;
    await target.importRecorded(batch, appendsInOrder.slice(firstAppend, nextAppend));
    position = last;
    options.onProgress?.({ step: 'copying', copied: position - alreadyThere, toCopy: sourceHead - alreadyThere });
  }

  const verification = (store: EventStore, name: 'source' | 'target') =>
    verifyLog(store, {
      upTo: sourceHead,
      onProgress: (checked, head) => options.onProgress?.({ step: 'verifying', store: name, checked, head }),
    });
  const sourceResult = await verification(source, 'source');
  const targetResult = await verification(target, 'target');
  return {
    sourceHead,
    alreadyThere,
    copied: position - alreadyThere,
    source: sourceResult,
    target: targetResult,
    verified:
      sourceResult.intact &&
      targetResult.intact &&
      targetResult.position === sourceHead &&
      sourceResult.position === sourceHead &&
      targetResult.seal === sourceResult.seal,
  };
}

async function checkOverlap(source: EventStore, target: EventStore, sourceHead: number, targetHead: number): Promise<void> {
  if (targetHead > sourceHead) {
    throw new MigrationRefused(
      `the target holds ${targetHead} events, more than the source's ${sourceHead}: it is not a copy of this store`,
    );
  }
  if (targetHead === 0) return;
  const [ours] = await source.readAll(targetHead - 1, 1);
  const [theirs] = await target.readAll(targetHead - 1, 1);
  if (!theirs || !sameEvent(ours, theirs)) {
    throw new MigrationRefused(
      `the target's event at position ${targetHead} is not the source's: it holds another log (use an empty database)`,
    );
  }
}

function sameEvent(a: RecordedEvent, b: RecordedEvent): boolean {
  return a.id === b.id && a.hash === b.hash && a.streamId === b.streamId && a.revision === b.revision;
}
