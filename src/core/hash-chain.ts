import { createHash } from 'node:crypto';
import type { RecordedEvent } from './event';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted, so equal content always hashes the same. The text is exactly what
 * `JSON.stringify` gives for a copy of the value whose objects were rebuilt with their keys sorted: integer-like
 * keys first in numeric order (as JavaScript objects keep them), then the others in code unit order. It is
 * written out by hand because every event is hashed on append and again on every verification, and rebuilding
 * each object costs several times more.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, '') as string;
}

function serialize(value: unknown, key: string): string | undefined {
  let v = value;
  if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON(key: string): unknown }).toJSON(key);
  }
  if (typeof v !== 'object' || v === null || v instanceof Number || v instanceof String || v instanceof Boolean) {
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) {
    let text = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) text += ',';
      text += serialize(v[i], String(i)) ?? 'null';
    }
    return `${text}]`;
  }
  const record = v as Record<string, unknown>;
  let text = '{';
  for (const name of sortedKeys(Object.keys(record))) {
    const item = serialize(record[name], name);
    if (item === undefined) continue;
    if (text.length > 1) text += ',';
    text += quoted(name);
    text += ':';
    text += item;
  }
  return `${text}}`;
}

const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;
const isArrayIndex = (key: string): boolean => {
  const first = key.charCodeAt(0);
  return first >= 48 && first <= 57 && ARRAY_INDEX.test(key) && Number(key) < 2 ** 32 - 1;
};

/**
 * `keys` is a fresh array from Object.keys, which lists an object's integer-like keys first, in numeric order: only
 * the others are sorted, in place, by insertion (an object has few keys; Array.prototype.sort would allocate).
 */
function sortedKeys(keys: string[]): string[] {
  let start = 0;
  while (start < keys.length && isArrayIndex(keys[start])) start++;
  for (let i = start + 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    for (; j >= start && keys[j] > key; j--) keys[j + 1] = keys[j];
    keys[j + 1] = key;
  }
  return keys;
}

/** Object keys as JSON strings: events repeat the same few hundred names, quoted once each. */
const QUOTED_KEYS_KEPT = 10_000;
const quotedKeys = new Map<string, string>();
function quoted(name: string): string {
  let text = quotedKeys.get(name);
  if (text === undefined) {
    text = JSON.stringify(name);
    if (quotedKeys.size < QUOTED_KEYS_KEPT) quotedKeys.set(name, text);
  }
  return text;
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
