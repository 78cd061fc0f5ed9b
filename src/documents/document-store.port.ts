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

  /** Every hash the store keeps something under, in no particular order. */
  abstract hashes(): AsyncIterable<string>;

  abstract close(): Promise<void>;
}

export const isSha256Hex = (value: string): boolean => /^[0-9a-f]{64}$/.test(value);
