import { createHash } from 'node:crypto';
import type { RecordedEvent } from './event';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export type HashedContent = Pick<
  RecordedEvent,
  'id' | 'streamId' | 'revision' | 'type' | 'schemaVersion' | 'data' | 'metadata' | 'previousHash'
>;

/**
 * The global position is deliberately left out: an event keeps its hash when a store is migrated
 * to another one that numbers positions differently.
 */
export function eventHash(event: HashedContent): string {
  const { id, streamId, revision, type, schemaVersion, data, metadata, previousHash } = event;
  return createHash('sha256')
    .update(canonicalJson({ id, streamId, revision, type, schemaVersion, data, metadata, previousHash }))
    .digest('hex');
}
