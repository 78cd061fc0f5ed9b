import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileDocumentStore } from '../../src/documents/storage/file.document-store';
import { documentStoreContract, piecesOf, sha256Of } from './document-store.contract';

describe('the file document store', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'sinergi-documents-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  documentStoreContract('FileDocumentStore', async () => {
    const store = await FileDocumentStore.open(root);
    const pathOf = (sha256: string) => join(root, sha256.slice(0, 2), sha256);
    return {
      store,
      close: () => store.close(),
      behindItsBack: {
        rewrite: async (sha256, bytes) => {
          const { atime, mtime } = statSync(pathOf(sha256));
          const file = await open(pathOf(sha256), 'r+');
          await file.write(bytes, 0, bytes.length, 0);
          await file.close();
          utimesSync(pathOf(sha256), atime, mtime);
        },
        replace: async (sha256, bytes) => {
          writeFileSync(`${pathOf(sha256)}.swap`, bytes);
          renameSync(`${pathOf(sha256)}.swap`, pathOf(sha256));
        },
        remove: async (sha256) => rmSync(pathOf(sha256)),
      },
    };
  });

  describe('FileDocumentStore', () => {
    it('keeps a document as a plain file named by its hash, under a directory of its first two hex digits', async () => {
      const store = await FileDocumentStore.open(root);
      const bytes = randomBytes(100);
      const sha256 = sha256Of(bytes);

      await store.keep(sha256, piecesOf(bytes));

      expect(readFileSync(join(root, sha256.slice(0, 2), sha256))).toEqual(bytes);
      expect(readdirSync(join(root, '.incoming'))).toEqual([]);
    });

    it('throws away on opening what a crash left half written', async () => {
      mkdirSync(join(root, '.incoming'), { recursive: true });
      writeFileSync(join(root, '.incoming', 'interrupted'), randomBytes(10));

      await FileDocumentStore.open(root);

      expect(readdirSync(join(root, '.incoming'))).toEqual([]);
    });
  });
});
