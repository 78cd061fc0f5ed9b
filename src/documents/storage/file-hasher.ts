import { Worker } from 'node:worker_threads';

/** What a followed file hashed to, and how many bytes it held. */
export interface FileDigest {
  sha256: string;
  size: number;
}

/** One file being hashed as it is written: tell it how far the file is written, then ask for the digest once. */
export interface FollowedFile {
  /** The file is written up to `bytes` from its start: those may be read and hashed now. */
  writtenUpTo(bytes: number): void;
  /** The file is whole at `bytes`: resolves with its SHA-256 once every byte is hashed. */
  digest(bytes: number): Promise<FileDigest>;
  /** The file is given up: nothing more is read from it. */
  abandon(): void;
}

type ToHasher =
  | { job: number; open: string }
  | { job: number; upTo: number; end?: true }
  | { job: number; abandon: true };
type FromHasher = { job: number; sha256: string; size: number } | { job: number; error: string };

/**
 * The hasher's thread. It reads each file back from the page cache (where the writes just put it) with a descriptor of
 * its own and hashes it, one megabyte at a time; its reads and hashing block only this thread.
 */
const HASHER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { closeSync, openSync, readSync } = require('node:fs');
const { createHash } = require('node:crypto');
const buffer = Buffer.allocUnsafe(1024 * 1024);
const jobs = new Map();
const drop = (job) => {
  const followed = jobs.get(job);
  jobs.delete(job);
  if (followed) closeSync(followed.fd);
};
parentPort.on('message', (message) => {
  const { job } = message;
  try {
    if (message.open !== undefined) {
      jobs.set(job, { fd: openSync(message.open, 'r'), hash: createHash('sha256'), position: 0 });
      return;
    }
    if (message.abandon) return drop(job);
    const followed = jobs.get(job);
    if (!followed) return;
    while (followed.position < message.upTo) {
      const read = readSync(followed.fd, buffer, 0, Math.min(buffer.length, message.upTo - followed.position), followed.position);
      if (read === 0) throw new Error('the file ended at ' + followed.position + ' bytes, before ' + message.upTo);
      followed.hash.update(buffer.subarray(0, read));
      followed.position += read;
    }
    if (message.end) {
      drop(job);
      parentPort.postMessage({ job, sha256: followed.hash.digest('hex'), size: followed.position });
    }
  } catch (error) {
    try { drop(job); } catch {}
    parentPort.postMessage({ job, error: String(error && error.message || error) });
  }
});
`;

/**
 * Hashes files while they are written, on a thread of its own, so that the thread receiving an upload only receives
 * and writes: the hash of what reached the file is ready a moment after its last byte is written. Started on first
 * use; one thread serves every upload in turn (it hashes faster than a network delivers).
 */
export class FileHasher {
  private worker: Worker | undefined;
  private nextJob = 0;
  private readonly waiting = new Map<number, { worker: Worker; resolve(digest: FileDigest): void; reject(error: Error): void }>();

  /** Starts following the file at `path`, which is being written from its start. */
  follow(path: string): FollowedFile {
    const worker = this.started();
    const job = this.nextJob++;
    const send = (message: ToHasher): void => worker.postMessage(message);
    const result = new Promise<FileDigest>((resolve, reject) => this.waiting.set(job, { worker, resolve, reject }));
    // A process waiting for a digest (a command copying documents) stays alive until it comes.
    worker.ref();
    // Heard where the digest is asked for; a file given up before that has no one to tell.
    result.catch(() => undefined);
    send({ job, open: path });
    return {
      writtenUpTo: (bytes) => send({ job, upTo: bytes }),
      digest: (bytes) => {
        send({ job, upTo: bytes, end: true });
        return result;
      },
      abandon: () => {
        this.forget(job);
        send({ job, abandon: true });
      },
    };
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  /** No digest is awaited from the job any more; an idle thread does not keep the process alive. */
  private forget(job: number): void {
    const waiting = this.waiting.get(job);
    if (!waiting) return;
    this.waiting.delete(job);
    if (![...this.waiting.values()].some((other) => other.worker === waiting.worker)) waiting.worker.unref();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(HASHER_SOURCE, { eval: true });
    worker.on('message', (message: FromHasher) => {
      const waiting = this.waiting.get(message.job);
      if (!waiting) return;
      this.forget(message.job);
      if ('error' in message) waiting.reject(new Error(`hashing the upload failed: ${message.error}`));
      else waiting.resolve({ sha256: message.sha256, size: message.size });
    });
    // What the thread was hashing is lost with it: those uploads fail, and the next one starts a new thread.
    const fail = (error: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const [job, waiting] of this.waiting) {
        if (waiting.worker !== worker) continue;
        this.forget(job);
        waiting.reject(error);
      }
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('the hashing thread stopped')));
    this.worker = worker;
    return worker;
  }
}
