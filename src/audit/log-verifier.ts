import { createHash } from 'node:crypto';
import type { RecordedEvent } from '../core/event';
import type { EventStore } from '../core/event-store.port';
import { eventHash, GENESIS_HASH } from '../core/hash-chain';

export type Breach = 'changed' | 'removed' | 'inserted' | 'reordered';

export interface BrokenEvent {
  breach: Breach;
  /** Where the log stops being intact: the position at which the breach shows. */
  position: number;
  streamId?: string;
  revision?: number;
  eventId?: string;
  explanation: string;
}

export interface VerificationResult {
  intact: boolean;
  eventsChecked: number;
  streams: number;
  /** Verified up to here: the head, or the last intact position before the first broken event. */
  position: number;
  /** One digest over every event hash in global order up to `position`: write it down, check it later. */
  seal: string;
  firstBroken?: BrokenEvent;
}

const BATCH = 5000;

/** Extends a seal by one event: the seal of the log up to a position commits to every event before it, in order. */
export const nextSeal = (seal: string, eventHashHex: string): string =>
  createHash('sha256').update(seal).update(eventHashHex).digest('hex');

/**
 * Recomputes every stream's hash chain and the global order, stopping at the first event that was changed,
 * removed, inserted or reordered. Positions are not part of an event's hash (a migrated store numbers them
 * anew), so the global order is checked by contiguity and by recorded-at never going backwards; the seal
 * pins it down for good.
 */
export async function verifyLog(
  store: EventStore,
  options: { upTo?: number; onProgress?: (checked: number, head: number) => void } = {},
): Promise<VerificationResult> {
  const head = await store.headPosition();
  const upTo = Math.min(options.upTo ?? head, head);
  const streams = new Map<string, { revision: number; hash: string }>();
  let seal = GENESIS_HASH;
  let position = 0;
  let recordedAt = '';
  const result = (firstBroken?: BrokenEvent): VerificationResult => ({
    intact: !firstBroken,
    eventsChecked: position,
    streams: streams.size,
    position,
    seal,
    ...(firstBroken ? { firstBroken } : {}),
  });

  while (position < upTo) {
    const batch = await store.readAll(position, Math.min(BATCH, upTo - position));
    if (batch.length === 0) {
      return result({ breach: 'removed', position: position + 1, explanation: `events ${position + 1}..${upTo} are missing` });
    }
    for (const event of batch) {
      if (event.position > upTo) return result();
      const broken = await checkEvent(store, event, position, recordedAt, streams.get(event.streamId));
      if (broken) return result(broken);
      streams.set(event.streamId, { revision: event.revision, hash: event.hash });
      seal = nextSeal(seal, event.hash);
      position = event.position;
      recordedAt = event.metadata.recordedAt;
      options.onProgress?.(position, upTo);
    }
  }
  return result();
}

async function checkEvent(
  store: EventStore,
  event: RecordedEvent,
  previousPosition: number,
  previousRecordedAt: string,
  streamHead: { revision: number; hash: string } | undefined,
): Promise<BrokenEvent | undefined> {
  const at = { position: event.position, streamId: event.streamId, revision: event.revision, eventId: event.id };
  if (event.position !== previousPosition + 1) {
    return {
      breach: 'removed',
      ...at,
      position: previousPosition + 1,
      explanation: `position ${previousPosition + 1} is missing: the next event is at ${event.position}`,
    };
  }
  if (eventHash(event) !== event.hash) {
    return { breach: 'changed', ...at, explanation: 'its content no longer matches its hash' };
  }
  const expectedRevision = (streamHead?.revision ?? -1) + 1;
  if (event.revision > expectedRevision) {
    // A missing revision that appears later in the stream was moved, not deleted.
    const later = await store.readStream(event.streamId, { afterRevision: expectedRevision - 1, toRevision: expectedRevision });
    const moved = later.length === 1 && later[0].position > event.position;
    return {
      breach: moved ? 'reordered' : 'removed',
      ...at,
      explanation: moved
        ? `revision ${event.revision} comes before revision ${expectedRevision} of ${event.streamId}`
        : `revision ${expectedRevision} of ${event.streamId} is missing`,
    };
  }
  if (event.revision < expectedRevision) {
    return { breach: 'reordered', ...at, explanation: `revision ${event.revision} of ${event.streamId} comes after revision ${expectedRevision - 1}` };
  }
  const expectedPrevious = streamHead?.hash ?? GENESIS_HASH;
  if (event.previousHash !== expectedPrevious) {
    return { breach: 'inserted', ...at, explanation: `it does not chain to the event before it in ${event.streamId}` };
  }
  if (event.metadata.recordedAt < previousRecordedAt) {
    return { breach: 'reordered', ...at, explanation: `recorded at ${event.metadata.recordedAt}, before the event preceding it (${previousRecordedAt})` };
  }
  return undefined;
}
