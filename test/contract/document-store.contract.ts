import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { ContentDoesNotMatchHash, type DocumentStore } from '../../src/documents/document-store.port';

export interface OpenedDocumentStore {
  store: DocumentStore;
  close: () => Promise<void>;
}

export const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Bytes sent in pieces, as an upload arrives. */
export function piecesOf(bytes: Buffer, pieceSize = 64 * 1024): Readable {
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += pieceSize) pieces.push(bytes.subarray(at, at + pieceSize));
  return Readable.from(pieces);
}

export async function readWhole(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function hashesOf(store: DocumentStore): Promise<string[]> {
  const all: string[] = [];
  for await (const hash of store.hashes()) all.push(hash);
  return all;
}

/**
 * The behaviour every DocumentStore adapter must have. Documents are random bytes, so the suite also runs against a
 * store that already holds others.
 */
export function documentStoreContract(name: string, open: () => Promise<OpenedDocumentStore>): void {
  describe(`${name} (document store contract)`, () => {
    let store: DocumentStore;
    let close: () => Promise<void>;

    beforeEach(async () => {
      ({ store, close } = await open());
    });
    afterEach(() => close());

    describe('a document kept under its SHA-256', () => {
      it('reads back byte for byte, with its size, and is listed among the hashes', async () => {
        const bytes = randomBytes(700 * 1024 + 13);
        const sha256 = sha256Of(bytes);

        expect(await store.keep(sha256, piecesOf(bytes))).toEqual({ sha256, size: bytes.length, alreadyKept: false });

        expect(sha256Of(await readWhole((await store.open(sha256))!))).toBe(sha256);
        expect(await store.sizeOf(sha256)).toBe(bytes.length);
        expect(await hashesOf(store)).toContain(sha256);
      });

      it('is kept once: the same bytes again write nothing new', async () => {
        const bytes = randomBytes(1000);
        const sha256 = sha256Of(bytes);
        await store.keep(sha256, piecesOf(bytes));

        expect(await store.keep(sha256, piecesOf(bytes))).toEqual({ sha256, size: 1000, alreadyKept: true });
        expect((await hashesOf(store)).filter((hash) => hash === sha256)).toHaveLength(1);
      });

      it('stays as it was when other bytes arrive under its hash', async () => {
        const bytes = randomBytes(1000);
        const sha256 = sha256Of(bytes);
        await store.keep(sha256, piecesOf(bytes));

        await expect(store.keep(sha256, piecesOf(randomBytes(1000)))).rejects.toBeInstanceOf(ContentDoesNotMatchHash);
        expect(sha256Of(await readWhole((await store.open(sha256))!))).toBe(sha256);
      });

      it('may be empty', async () => {
        const sha256 = sha256Of(Buffer.alloc(0));
        await store.keep(sha256, Readable.from([]));

        expect(await readWhole((await store.open(sha256))!)).toEqual(Buffer.alloc(0));
      });

      it('is kept whole when the same bytes arrive twice at once', async () => {
        const bytes = randomBytes(300 * 1024);
        const sha256 = sha256Of(bytes);

        const results = await Promise.all([store.keep(sha256, piecesOf(bytes)), store.keep(sha256, piecesOf(bytes))]);

        expect(results.map((r) => r.size)).toEqual([bytes.length, bytes.length]);
        expect(sha256Of(await readWhole((await store.open(sha256))!))).toBe(sha256);
      });
    });

    describe('bytes that do not hash to the SHA-256 they came with', () => {
      it('are refused and nothing is kept', async () => {
        const bytes = randomBytes(2000);
        const claimed = sha256Of(randomBytes(10));

        const refused = store.keep(claimed, piecesOf(bytes));

        await expect(refused).rejects.toEqual(new ContentDoesNotMatchHash(claimed, sha256Of(bytes)));
        expect(await store.open(claimed)).toBeUndefined();
        expect(await store.open(sha256Of(bytes))).toBeUndefined();
        expect(await hashesOf(store)).not.toContain(claimed);
      });
    });

    describe('an upload that breaks off', () => {
      it('rejects with its error and keeps nothing', async () => {
        const bytes = randomBytes(400 * 1024);
        const sha256 = sha256Of(bytes);
        const upload = new PassThrough();
        upload.write(bytes.subarray(0, 300 * 1024));

        const kept = store.keep(sha256, upload);
        setTimeout(() => upload.destroy(new Error('connection reset')), 50);

        await expect(kept).rejects.toThrow('connection reset');
        expect(await store.open(sha256)).toBeUndefined();
        expect(await store.sizeOf(sha256)).toBeUndefined();
      });
    });

    describe('a document still arriving', () => {
      it('is not visible to readers until it is whole', async () => {
        const bytes = randomBytes(600 * 1024);
        const sha256 = sha256Of(bytes);
        const upload = new PassThrough();
        upload.write(bytes.subarray(0, 500 * 1024));

        const kept = store.keep(sha256, upload);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(await store.open(sha256)).toBeUndefined();
        expect(await hashesOf(store)).not.toContain(sha256);

        upload.end(bytes.subarray(500 * 1024));
        await kept;
        expect(sha256Of(await readWhole((await store.open(sha256))!))).toBe(sha256);
      });
    });

    describe('a hash the store does not hold', () => {
      it('opens to nothing and has no size, nor does a string that is no SHA-256', async () => {
        expect(await store.open(sha256Of(randomBytes(8)))).toBeUndefined();
        expect(await store.sizeOf(sha256Of(randomBytes(8)))).toBeUndefined();
        expect(await store.open('../../etc/passwd')).toBeUndefined();
      });
    });
  });
}
