import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { PostgresDocumentStore } from '../../src/documents/storage/postgres.document-store';
import { postgresSkipped, privatePostgresOfThisFile } from '../support/private-postgres';
import { documentStoreContract, piecesOf, readWhole, sha256Of } from './document-store.contract';

if (postgresSkipped) console.warn('PostgreSQL document store specs skipped: SINERGI_SKIP_POSTGRES=1');
const describeWithPostgres = postgresSkipped ? describe.skip : describe;
const postgres = privatePostgresOfThisFile();

describeWithPostgres('the PostgreSQL document store, on a private server', () => {
  let url: string;
  beforeAll(async () => {
    url = await (await postgres()).createDatabase(`documents_${randomUUID().replaceAll('-', '')}`);
  }, 60_000);

  documentStoreContract('PostgresDocumentStore', async () => {
    const store = await PostgresDocumentStore.open(url);
    const pool = new Pool({ connectionString: url, max: 1 });
    const remove = async (sha256: string) => {
      await pool.query('DELETE FROM document_chunks WHERE sha256 = $1', [sha256]);
      await pool.query('DELETE FROM documents WHERE sha256 = $1', [sha256]);
    };
    return {
      store,
      close: async () => {
        await pool.end();
        await store.close();
      },
      behindItsBack: {
        rewrite: async (sha256, bytes) => {
          const chunk = 256 * 1024;
          await pool.query('UPDATE document_chunks SET bytes = substring($2::bytea from seq * $3 + 1 for length(bytes)) WHERE sha256 = $1', [sha256, bytes, chunk]);
        },
        replace: async (sha256, bytes) => {
          await remove(sha256);
          await pool.query('INSERT INTO documents (sha256, size, chunks) VALUES ($1, $2, 1)', [sha256, bytes.length]);
          await pool.query('INSERT INTO document_chunks (sha256, seq, bytes) VALUES ($1, 0, $2)', [sha256, bytes]);
        },
        remove,
      },
    };
  });

  describe('PostgresDocumentStore', () => {
    it('serves to every node what one node kept', async () => {
      const [one, other] = await Promise.all([PostgresDocumentStore.open(url), PostgresDocumentStore.open(url)]);
      try {
        const bytes = randomBytes(3 * 256 * 1024 + 5);
        const sha256 = sha256Of(bytes);

        await one.keep(sha256, piecesOf(bytes));

        expect(sha256Of(await readWhole((await other.open(sha256))!))).toBe(sha256);
        const client = new Client({ connectionString: url });
        await client.connect();
        try {
          const chunks = await client.query('SELECT count(*)::int AS n FROM document_chunks WHERE sha256 = $1', [sha256]);
          expect(chunks.rows[0]).toEqual({ n: 4 });
        } finally {
          await client.end();
        }
      } finally {
        await Promise.all([one.close(), other.close()]);
      }
    });
  });
});
