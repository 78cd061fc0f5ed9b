import type { Readable } from 'node:stream';

/** What a store holds under one SHA-256. */
export interface KeptDocument {
  sha256: string;
  size: number;
}

/** The result of keeping a document. */
export interface KeepResult extends KeptDocument {
  /** True when the store already held these bytes: nothing new was written. */
  alreadyKept: boolean;
}

/**
 * How the bytes of one hash are stored, told without reading them: `version` changes whenever they are rewritten,
 * replaced or removed and put back.
 */
export interface StoredVersion {
  version: string;
  /**
   * False while a change made now could still leave the same version (a file's times are kept at the kernel's clock
   * tick): such a version is not remembered as checked.
   */
  settled: boolean;
}

/** The bytes that arrived are not the ones their SHA-256 promised: nothing was kept. */
export class ContentDoesNotMatchHash extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`the content's SHA-256 is ${actual}, not ${expected}`);
    this.name = 'ContentDoesNotMatchHash';
  }
}

/**
 * Where the documents an agreement's events name are kept, content-addressed by their SHA-256. Every adapter passes
 * the contract suite in `test/contract/document-store.contract.ts`.
 *
 * A document is written durably and atomically: when `keep` resolves it survives a crash, and before that no
 * reader ever sees a part of it. It is never changed afterwards; the same bytes are kept once.
 */
export abstract class DocumentStore {
  /** Where the documents are, for /health and the command line (a URL without its password). */
  abstract readonly location: string;

  /**
   * Reads `content` to its end and keeps it under `sha256`. Rejects with {@link ContentDoesNotMatchHash} when the
   * bytes hash to something else, and with the stream's own error when it fails (an interrupted upload, a size
   * limit): in both cases nothing is kept.
   */
  abstract keep(sha256: string, content: Readable): Promise<KeepResult>;

  /** The stored bytes, streamed; undefined when nothing is kept under this hash. */
  abstract open(sha256: string): Promise<Readable | undefined>;

  /** The size of what is kept under this hash; undefined when nothing is. */
  abstract sizeOf(sha256: string): Promise<number | undefined>;

  /** How the bytes kept under this hash are stored; undefined when nothing is. */
  abstract storedVersion(sha256: string): Promise<StoredVersion | undefined>;

  /**
   * For each of these hashes that was read back whole and matched, the version it was stored under then (see
   * `DocumentReadBack`). Lost or unreadable records only mean documents are read again.
   */
  abstract checkedVersions(hashes: readonly string[]): Promise<Map<string, string>>;

  /** Records that these hashes were read back whole and matched, stored under these versions. */
  abstract rememberChecked(versions: ReadonlyMap<string, string>): Promise<void>;

  /** Every hash the store keeps something under, in no particular order. */
  abstract hashes(): AsyncIterable<string>;

  abstract close(): Promise<void>;
}

export const isSha256Hex = (value: string): boolean => /^[0-9a-f]{64}$/.test(value);
