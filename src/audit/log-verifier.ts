import { hash } from 'node:crypto';
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
  /** The seal at the position asked for with `sealAt` (a signed checkpoint's), when the log reaches it intact. */
  sealAt?: { position: number; seal: string };
  /**
   * Present when the verification started at a signed checkpoint: events after this position were hashed again;
   * up to it, their stored hashes were chained into the checkpoint's signed seal.
   */
  sinceCheckpoint?: number;
}

/**
 * Where a verification starts when not at the log's beginning: a position whose seal is known to hold (a signed
 * checkpoint's, rechecked from the stored hashes), the recorded-at of the event there, and how to find the last event
 * of a stream that began before it.
 */
export interface VerifiedPrefix {
  position: number;
  seal: string;
  recordedAt: string;
  streamHeadBefore(event: RecordedEvent): Promise<StreamHead | undefined>;
}

const BATCH = 5000;

export interface StreamHead {
  revision: number;
  hash: string;
  position: number;
}

/** Extends a seal by one event: the seal of the log up to a position commits to every event before it, in order. */
export const nextSeal = (seal: string, eventHashHex: string): string => hash('sha256', seal + eventHashHex, 'hex');

/**
 * Recomputes every stream's hash chain and the global order, stopping at the first event that was changed,
 * removed, inserted or reordered. Positions are not part of an event's hash (a migrated store numbers them
 * anew), so the global order is checked by contiguity and by recorded-at never going backwards; the seal
 * pins it down for good.
 */
export async function verifyLog(
  store: EventStore,
  options: { upTo?: number; sealAt?: number; from?: VerifiedPrefix; onProgress?: (checked: number, head: number) => void } = {},
): Promise<VerificationResult> {
  const head = await store.headPosition();
  const upTo = Math.min(options.upTo ?? head, head);
  const askedFor = options.upTo ?? head;
  const { from } = options;
  const streams = new Map<string, StreamHead>();
  let seal = from?.seal ?? GENESIS_HASH;
  let position = from?.position ?? 0;
  let recordedAt = from?.recordedAt ?? '';
  let sealAt: VerificationResult['sealAt'] = options.sealAt === position ? { position, seal } : undefined;
  const result = (firstBroken?: BrokenEvent): VerificationResult => ({
    intact: !firstBroken,
    eventsChecked: position - (from?.position ?? 0),
    streams: streams.size,
    position,
    seal,
    ...(firstBroken ? { firstBroken } : {}),
    ...(sealAt ? { sealAt } : {}),
    ...(from ? { sinceCheckpoint: from.position } : {}),
  });

  while (position < upTo) {
    // Let the process answer other requests between batches: a store's reads may be synchronous underneath.
    if (position > (from?.position ?? 0)) await new Promise((resolve) => setImmediate(resolve));
    const batch = await store.readAll(position, Math.min(BATCH, upTo - position));
    if (batch.length === 0) {
      return result({ breach: 'removed', position: position + 1, explanation: `events ${position + 1}..${upTo} are missing` });
    }
    for (const event of batch) {
      if (event.position > upTo) return result();
      const streamHead = streams.get(event.streamId) ?? (from && event.revision > 0 ? await from.streamHeadBefore(event) : undefined);
      const broken = checkEvent(event, position, recordedAt, streamHead);
      if (broken) return result(await withRevisionGapExplained(store, broken, event, streamHead));
      streams.set(event.streamId, { revision: event.revision, hash: event.hash, position: event.position });
      seal = nextSeal(seal, event.hash);
      position = event.position;
      if (position === options.sealAt) sealAt = { position, seal };
      recordedAt = event.metadata.recordedAt;
      options.onProgress?.(position, upTo);
    }
  }
  // A seal was written down at a position the log no longer reaches: its tail was cut off.
  if (askedFor > head) {
    return result({ breach: 'removed', position: head + 1, explanation: `the log ends at ${head}; events ${head + 1}..${askedFor} are missing` });
  }
  return result();
}

/** One stream's own chain: what an export of one agreement can vouch for without reading the whole log. */
export interface StreamVerification {
  streamId: string;
  intact: boolean;
  eventsChecked: number;
  /** Hash of the stream's last event: it commits to every event of the stream before it. */
  chainHead: string;
  firstBroken?: BrokenEvent;
}

/**
 * Recomputes one stream's hash chain, stopping at its first changed, missing, inserted or misplaced event. Events cut
 * off its end, or whole streams removed, show only in the whole log's check ({@link verifyLog}) and its seal.
 */
export function verifyStream(streamId: string, events: readonly RecordedEvent[]): StreamVerification {
  let previous: RecordedEvent | undefined;
  const result = (checked: number, firstBroken?: BrokenEvent): StreamVerification => ({
    streamId,
    intact: !firstBroken,
    eventsChecked: checked,
    chainHead: previous?.hash ?? GENESIS_HASH,
    ...(firstBroken ? { firstBroken } : {}),
  });
  for (const [index, event] of events.entries()) {
    const at = { position: event.position, streamId, revision: event.revision, eventId: event.id };
    if (eventHash(event) !== event.hash) {
      return result(index, { breach: 'changed', ...at, explanation: 'its content no longer matches its hash' });
    }
    if (event.revision !== index) {
      const moved = event.revision < index || events.some((e) => e.revision === index);
      return result(index, {
        breach: moved ? 'reordered' : 'removed',
        ...at,
        explanation: moved ? `revision ${event.revision} stands where revision ${index} belongs` : `revision ${index} is missing`,
      });
    }
    if (event.previousHash !== (previous?.hash ?? GENESIS_HASH)) {
      return result(index, { breach: 'inserted', ...at, explanation: notChainedExplanation(streamId, previous) });
    }
    if (previous && event.position <= previous.position) {
      return result(index, { breach: 'reordered', ...at, explanation: `it stands before revision ${previous.revision} in the global order` });
    }
    previous = event;
  }
  return result(events.length);
}

function notChainedExplanation(streamId: string, previous: { revision: number; position: number } | undefined): string {
  return previous
    ? `it does not chain to revision ${previous.revision} of ${streamId} (position ${previous.position}): it was inserted, or that event was rewritten with a new hash`
    : `it does not start the chain of ${streamId}`;
}

/** The first rule the event breaks, if any; a gap in its stream's revisions is told apart later, with a read. */
function checkEvent(
  event: RecordedEvent,
  previousPosition: number,
  previousRecordedAt: string,
  streamHead: StreamHead | undefined,
): BrokenEvent | undefined {
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
    return { breach: 'removed', ...at, explanation: `revision ${expectedRevision} of ${event.streamId} is missing` };
  }
  if (event.revision < expectedRevision) {
    return { breach: 'reordered', ...at, explanation: `revision ${event.revision} of ${event.streamId} comes after revision ${expectedRevision - 1}` };
  }
  const expectedPrevious = streamHead?.hash ?? GENESIS_HASH;
  if (event.previousHash !== expectedPrevious) {
    return { breach: 'inserted', ...at, explanation: notChainedExplanation(event.streamId, streamHead) };
  }
  if (event.metadata.recordedAt < previousRecordedAt) {
    return { breach: 'reordered', ...at, explanation: `recorded at ${event.metadata.recordedAt}, before the event preceding it (${previousRecordedAt})` };
  }
  return undefined;
}

/** A missing revision that appears later in the stream was moved, not deleted. */
async function withRevisionGapExplained(
  store: EventStore,
  broken: BrokenEvent,
  event: RecordedEvent,
  streamHead: StreamHead | undefined,
): Promise<BrokenEvent> {
  const expectedRevision = (streamHead?.revision ?? -1) + 1;
  if (broken.breach !== 'removed' || event.revision <= expectedRevision || broken.position !== event.position) return broken;
  const later = await store.readStream(event.streamId, { afterRevision: expectedRevision - 1, toRevision: expectedRevision });
  if (later.length !== 1 || later[0].position <= event.position) return broken;
  return { ...broken, breach: 'reordered', explanation: `revision ${event.revision} comes before revision ${expectedRevision} of ${event.streamId}` };
}
