import { createHash, type Hash } from 'node:crypto';
import { ContentDoesNotMatchHash } from './document-store.port';

/** Hashes and counts bytes as they pass, so a document is checked in the same read that stores it. */
export class Sha256Counter {
  private readonly hash: Hash = createHash('sha256');
  size = 0;

  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.size += chunk.length;
  }

  /** The SHA-256 of every byte seen; call once, at the end. */
  digest(): string {
    return this.hash.digest('hex');
  }

  /** Throws {@link ContentDoesNotMatchHash} unless the bytes seen hash to `expected`; call once, at the end. */
  expect(expected: string): void {
    const actual = this.digest();
    if (actual !== expected) throw new ContentDoesNotMatchHash(expected, actual);
  }
}
