import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { DocumentReadBack } from '../../src/documents/document-check';
import { ContentDoesNotMatchHash, type DocumentStore, type StoredVersion } from '../../src/documents/document-store.port';

export interface OpenedDocumentStore {
  store: DocumentStore;
  close: () => Promise<void>;
  /** Changes made behind the store's back, as anyone with access to where the documents are kept could make them. */
  behindItsBack: {
    /** Writes other bytes of the same length into the stored document, and sets back whatever can be set back. */
    rewrite(sha256: string, bytes: Buffer): Promise<void>;
    /** Puts other bytes in the document's place. */
    replace(sha256: string, bytes: Buffer): Promise<void>;
    remove(sha256: string): Promise<void>;
  };
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

/** The stored version once it is settled: a change made from then on cannot keep it. */
async function settledVersion(store: DocumentStore, sha256: string): Promise<StoredVersion> {
  for (;;) {
    const stored = await store.storedVersion(sha256);
    if (!stored) throw new Error(`nothing is kept under ${sha256}`);
    if (stored.settled) return stored;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
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
    let behindItsBack: OpenedDocumentStore['behindItsBack'];

    beforeEach(async () => {
      ({ store, close, behindItsBack } = await open());
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

    describe('the version a document is stored under', () => {
      it('stays while the document is untouched, and changes when it is rewritten, replaced or removed', async () => {
        const bytes = randomBytes(300 * 1024);
        const sha256 = sha256Of(bytes);
        await store.keep(sha256, piecesOf(bytes));
        const untouched = await settledVersion(store, sha256);
        expect(await store.storedVersion(sha256)).toEqual(untouched);

        await behindItsBack.rewrite(sha256, randomBytes(bytes.length));
        const rewritten = await store.storedVersion(sha256);
        expect(rewritten?.version).not.toBe(untouched.version);

        await behindItsBack.replace(sha256, bytes);
        const replaced = await store.storedVersion(sha256);
        expect([untouched.version, rewritten?.version]).not.toContain(replaced?.version);

        await behindItsBack.remove(sha256);
        expect(await store.storedVersion(sha256)).toBeUndefined();
        expect(await store.storedVersion('../../etc/passwd')).toBeUndefined();
      }, 20_000);

      it('is remembered as checked for the hashes asked about, and for none other', async () => {
        const [one, other] = [sha256Of(randomBytes(8)), sha256Of(randomBytes(8))];

        await store.rememberChecked(new Map([[one, 'one-version'], [other, 'other-version']]));
        await store.rememberChecked(new Map([[one, 'newer-version']]));

        expect(await store.checkedVersions([one, sha256Of(randomBytes(8))])).toEqual(new Map([[one, 'newer-version']]));
      });
    });

    describe('a check of documents (DocumentReadBack)', () => {
      it('reads back only what changed since it last matched, and still finds a document rewritten, replaced or removed', async () => {
        const bytes = randomBytes(200 * 1024);
        const sha256 = sha256Of(bytes);
        await store.keep(sha256, piecesOf(bytes));
        await settledVersion(store, sha256);
        const check = async (full = false) => {
          const readBack = await DocumentReadBack.of(store, [sha256], { full });
          const state = await readBack.state(sha256);
          await readBack.remember();
          return { state, readBack: readBack.readBack, unchanged: readBack.unchanged };
        };

        expect(await check()).toEqual({ state: 'whole', readBack: 1, unchanged: 0 });
        expect(await check()).toEqual({ state: 'whole', readBack: 0, unchanged: 1 });
        expect(await check(true)).toEqual({ state: 'whole', readBack: 1, unchanged: 0 });

        await behindItsBack.rewrite(sha256, randomBytes(bytes.length));
        expect(await check()).toEqual({ state: 'altered', readBack: 1, unchanged: 0 });
        await behindItsBack.replace(sha256, randomBytes(bytes.length));
        expect(await check()).toEqual({ state: 'altered', readBack: 1, unchanged: 0 });
        await behindItsBack.replace(sha256, bytes);
        expect(await check()).toEqual({ state: 'whole', readBack: 1, unchanged: 0 });
        await behindItsBack.remove(sha256);
        expect(await check()).toEqual({ state: 'absent', readBack: 0, unchanged: 0 });
      }, 20_000);

      it('does not remember a version too fresh to be told from the next change', async () => {
        const bytes = randomBytes(1000);
        const sha256 = sha256Of(bytes);
        await store.keep(sha256, piecesOf(bytes));
        const stored = await store.storedVersion(sha256);
        const readBack = await DocumentReadBack.of(store, [sha256]);

        await readBack.state(sha256);
        await readBack.remember();

        expect(await store.checkedVersions([sha256])).toEqual(stored?.settled ? new Map([[sha256, stored.version]]) : new Map());
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
