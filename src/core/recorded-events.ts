import type { EventMetadata, NewEvent, RecordedEvent } from './event';
import type { AppendResult, ExpectedRevision } from './event-store.port';
import { eventHash, GENESIS_HASH } from './hash-chain';

/**
 * How every store records an event, whatever it keeps it in: the revision check, the recorded-at stamp, the hash
 * chain and the mapping of its rows. The adapters keep only what their database needs.
 */

/** True when a stream whose last revision is `current` (-1: no stream) is where the append expects it. */
export function revisionMatches(expected: ExpectedRevision, current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no-stream') return current === -1;
  return expected === current;
}

/**
 * The recorded-at stamp of the next commit: the clock's time, never earlier than the last event's (`latest`), so
 * recorded-at follows the global order, which audits check, even when the clocks of several writers disagree or
 * one steps back.
 */
export function recordedAtAfter(now: Date, latest: string | undefined): string {
  const stamp = now.toISOString();
  return latest !== undefined && latest > stamp ? latest : stamp;
}

/** Where a stream ends: the revision and hash its next event continues. Undefined for a missing stream. */
export interface ChainHead {
  revision: number;
  hash: string;
}

/**
 * The events of one append as stored: revisions after `head`, positions after `logPosition`, `recordedAt`, and
 * each hash chained to the one before (the genesis hash for a new stream).
 */
export function stampEvents(
  streamId: string,
  events: readonly NewEvent[],
  head: ChainHead | undefined,
  logPosition: number,
  recordedAt: string,
): RecordedEvent[] {
  let previousHash = head?.hash ?? GENESIS_HASH;
  const firstRevision = (head?.revision ?? -1) + 1;
  return events.map((event, i) => {
    const revision = firstRevision + i;
    // JSON has no undefined: store and hash null, so the stored event hashes the same when read back.
    const data = event.data === undefined ? null : event.data;
    const metadata: EventMetadata = { ...event.metadata, recordedAt };
    const { id, type, schemaVersion } = event;
    const hash = eventHash({ id, streamId, revision, type, schemaVersion, data, metadata, previousHash });
    const recorded = { id, streamId, revision, position: logPosition + 1 + i, type, schemaVersion, data, metadata, hash, previousHash };
    previousHash = hash;
    return recorded;
  });
}

/** What an append that wrote `recorded` (after a stream at `head`) answers; an empty one answers where the stream is. */
export function appendResultOf(
  streamId: string,
  recorded: readonly RecordedEvent[],
  head: (ChainHead & { position?: number }) | undefined,
): AppendResult {
  const current = head?.revision ?? -1;
  const last = recorded.at(-1);
  return {
    streamId,
    firstRevision: current + 1,
    lastRevision: last?.revision ?? current,
    lastPosition: last?.position ?? head?.position ?? 0,
    replayed: false,
  };
}

/** A row of an `events` table, as the SQL stores keep it (a BIGINT position may come back as text). */
export interface EventRow {
  position: number | string;
  id: string;
  stream_id: string;
  revision: number;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  previous_hash: string;
  hash: string;
}

/** A row of an `idempotency_keys` table: the append that first used a key. */
export interface IdempotencyRow {
  stream_id: string;
  first_revision: number;
  last_revision: number;
  last_position: number | string;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    streamId: row.stream_id,
    revision: row.revision,
    position: Number(row.position),
    type: row.type,
    schemaVersion: row.schema_version,
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as EventMetadata,
    hash: row.hash,
    previousHash: row.previous_hash,
  };
}

export function toAppendResult(row: IdempotencyRow): Omit<AppendResult, 'replayed'> {
  return {
    streamId: row.stream_id,
    firstRevision: row.first_revision,
    lastRevision: row.last_revision,
    lastPosition: Number(row.last_position),
  };
}

/** The first string after every string that starts with `prefix`, in code-unit order: the end of a range read. */
export function prefixEnd(prefix: string): string {
  if (prefix === '') throw new Error('a stream prefix must not be empty');
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** Merges events read prefix by prefix into one global order, each once (one prefix may start with another). */
export const inGlobalOrder = (events: readonly RecordedEvent[]): RecordedEvent[] =>
  [...new Map(events.map((event) => [event.position, event])).values()].sort((a, b) => a.position - b.position);
