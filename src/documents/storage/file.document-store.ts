import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ContentDoesNotMatchHash, DocumentStore, type KeepResult, isSha256Hex, type StoredVersion } from '../document-store.port';
import { Sha256Counter } from '../sha256-counter';
import { type FileDigest, FileHasher, type FollowedFile } from './file-hasher';

/** How much is gathered before one write: few system calls, and little memory held per upload. */
const WRITE_BYTES = 1024 * 1024;
/** How much is written before the disk is asked to start on it, while the rest of the upload arrives. */
const FLUSH_BYTES = 2 * WRITE_BYTES;
/** How many writes may run at once: the next megabytes are received while the disk takes the last ones. */
const WRITES_IN_FLIGHT = 2;

/** Where uploads are written before they are whole and checked: never read from, cleared of leftovers on open. */
const INCOMING = '.incoming';

/** The version of each document when it was last read back and matched (see `DocumentStore.checkedVersions`). */
const CHECKED = 'checked.json';

/** Longer than any clock tick a file system keeps its times at. */
const SETTLED_AFTER_NS = 2_000_000_000n;

/**
 * Documents as files under `<data dir>/documents/<first two hex digits>/<sha256>`: embedded, nothing to install.
 * A document is written to a temporary file beside them, flushed to disk, renamed into place (atomic on one file
 * system) and its directory flushed, so a crash leaves either the whole document or none of it.
 */
export class FileDocumentStore extends DocumentStore {
  /** Hashes each upload from the temporary file as it is written, off the thread that receives it. */
  private readonly hasher = new FileHasher();

  private constructor(readonly root: string) {
    super();
  }

  get location(): string {
    return this.root;
  }

  static async open(root: string): Promise<FileDocumentStore> {
    // What a crash left half written is of no use to anyone: no answer was given for it.
    await rm(join(root, INCOMING), { recursive: true, force: true });
    await mkdir(join(root, INCOMING), { recursive: true });
    return new FileDocumentStore(root);
  }

  async keep(sha256: string, content: Readable): Promise<KeepResult> {
    const target = this.pathOf(sha256);
    const kept = await this.sizeOf(sha256);
    if (kept !== undefined) {
      const counter = new Sha256Counter();
      for await (const chunk of content) counter.update(chunk as Buffer);
      counter.expect(sha256);
      return { sha256, size: kept, alreadyKept: true };
    }
    const temporary = join(this.root, INCOMING, randomUUID());
    const file = await open(temporary, 'wx');
    const hashing = this.hasher.follow(temporary);
    let size: number;
    try {
      const digest = await writeAndFlush(file, content, hashing);
      size = digest.size;
      if (digest.sha256 !== sha256) throw new ContentDoesNotMatchHash(sha256, digest.sha256);
    } catch (error) {
      hashing.abandon();
      await closeAndRemove(file, temporary);
      throw error;
    }
    await file.close();
    const shard = join(this.root, sha256.slice(0, 2));
    const created = await mkdir(shard, { recursive: true });
    if (created) await syncDirectory(this.root);
    // Two uploads of the same bytes may race here: renaming identical content over itself is harmless.
    await rename(temporary, target);
    await syncDirectory(shard);
    return { sha256, size, alreadyKept: false };
  }

  async open(sha256: string): Promise<Readable | undefined> {
    if (!isSha256Hex(sha256)) return undefined;
    const file = await open(this.pathOf(sha256), 'r').catch(ignoreMissing);
    return file ? createReadStream('', { fd: file, autoClose: true }) : undefined;
  }

  async sizeOf(sha256: string): Promise<number | undefined> {
    if (!isSha256Hex(sha256)) return undefined;
    const stats = await stat(this.pathOf(sha256)).catch(ignoreMissing);
    return stats?.size;
  }

  /**
   * The file's device, inode, size and modification and change times, in nanoseconds. Replacing the file changes its
   * inode (or its change time), writing into it changes both times; the change time cannot be set back from user
   * space. Only a version older than the clock's tick is settled: a change within the same tick could keep it.
   */
  async storedVersion(sha256: string): Promise<StoredVersion | undefined> {
    if (!isSha256Hex(sha256)) return undefined;
    const stats = await stat(this.pathOf(sha256), { bigint: true }).catch(ignoreMissing);
    if (!stats) return undefined;
    return {
      version: [stats.dev, stats.ino, stats.size, stats.mtimeNs, stats.ctimeNs].join(':'),
      settled: BigInt(Date.now()) * 1_000_000n - stats.ctimeNs > SETTLED_AFTER_NS,
    };
  }

  async checkedVersions(hashes: readonly string[]): Promise<Map<string, string>> {
    const checked = await this.readChecked();
    return new Map(hashes.flatMap((sha256) => (checked[sha256] === undefined ? [] : [[sha256, checked[sha256]] as const])));
  }

  /** Kept in `checked.json` beside the documents, replaced whole by a rename; never flushed, since losing it costs only reads. */
  async rememberChecked(versions: ReadonlyMap<string, string>): Promise<void> {
    if (versions.size === 0) return;
    const checked = { ...(await this.readChecked()), ...Object.fromEntries(versions) };
    const temporary = join(this.root, INCOMING, randomUUID());
    await writeFile(temporary, JSON.stringify(checked));
    await rename(temporary, join(this.root, CHECKED));
  }

  async *hashes(): AsyncIterable<string> {
    for (const shard of await readdir(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await readdir(join(this.root, shard))) {
        if (isSha256Hex(name) && name.startsWith(shard)) yield name;
      }
    }
  }

  async close(): Promise<void> {
    await this.hasher.close();
  }

  private async readChecked(): Promise<Record<string, string>> {
    const text = await readFile(join(this.root, CHECKED), 'utf8').catch(ignoreMissing);
    try {
      const parsed: unknown = text === undefined ? {} : JSON.parse(text);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, string>) : {};
    } catch {
      // A record that cannot be read is as good as none: every document is read back again.
      return {};
    }
  }

  private pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256);
  }
}

/**
 * Writes every byte of `content` to `file`, flushes it to disk and resolves with what `hashing` read back from it.
 * Pieces are gathered a megabyte at a time and written with one system call, without copying them together. The
 * network, the writes, the hashing and the disk work at the same time: the next megabytes are received while the
 * last ones are written, each written megabyte is hashed on the hasher's thread, and what is written is flushed while
 * the rest arrives, so that the last flush and the last hash have little left to do when the last byte is written.
 */
async function writeAndFlush(file: FileHandle, content: Readable, hashing: FollowedFile): Promise<FileDigest> {
  const inFlight: Promise<unknown>[] = [];
  let written: Promise<unknown> = Promise.resolve();
  let flushing: Promise<unknown> = Promise.resolve();
  let flushInFlight = false;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let queuedBytes = 0;
  let unflushedBytes = 0;
  const write = async (): Promise<void> => {
    if (inFlight.length >= WRITES_IN_FLIGHT) await inFlight.shift();
    const [pieces, position] = [pending, queuedBytes];
    queuedBytes += pendingBytes;
    const end = queuedBytes;
    [pending, pendingBytes] = [[], 0];
    // Written at its own place in the file, beside the writes before it; hashed once every byte before its end is written.
    const writing = file.writev(pieces, position);
    written = inBackground(Promise.all([written, writing]).then(() => hashing.writtenUpTo(end)));
    inFlight.push(inBackground(writing));
    unflushedBytes += end - position;
    if (flushInFlight || unflushedBytes < FLUSH_BYTES) return;
    [flushInFlight, unflushedBytes] = [true, 0];
    flushing = inBackground(written.then(() => file.datasync()).finally(() => (flushInFlight = false)));
  };
  try {
    for await (const chunk of content) {
      pending.push(chunk as Buffer);
      pendingBytes += (chunk as Buffer).length;
      if (pendingBytes >= WRITE_BYTES) await write();
    }
    if (pendingBytes > 0) await write();
    await written;
    // The last bytes are hashed while the file is flushed, and the flush does not wait for the one still running.
    const [digest] = await Promise.all([hashing.digest(queuedBytes), file.sync(), flushing]);
    return digest;
  } finally {
    // Never leave a write or a flush running behind the caller's back, even when the content failed.
    await Promise.allSettled([written, ...inFlight, flushing]);
  }
}

/** A file operation left running while the upload goes on: its failure is heard where it is next awaited. */
function inBackground(operation: Promise<unknown>): Promise<unknown> {
  operation.catch(() => undefined);
  return operation;
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}

async function closeAndRemove(file: FileHandle, path: string): Promise<void> {
  await file.close().catch(() => undefined);
  await rm(path, { force: true });
}

/** A rename or a new entry is durable only once its directory is flushed. */
async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
