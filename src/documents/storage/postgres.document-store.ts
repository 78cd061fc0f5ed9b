import { Pool, type PoolClient } from 'pg';
import { Readable } from 'node:stream';
import { withoutPassword } from '../../config/masked-url';
import { DocumentStore, type KeepResult, isSha256Hex, type StoredVersion } from '../document-store.port';
import { Sha256Counter } from '../sha256-counter';

/** Rows of bytes a document is cut into: small enough that 20 uploads at once hold little memory each. */
const CHUNK_BYTES = 256 * 1024;

/** Taken while the tables are created, so that two nodes starting together do not trip over each other. */
const SCHEMA_LOCK = 7_190_417;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS documents (
    sha256    TEXT        PRIMARY KEY,
    size      BIGINT      NOT NULL,
    chunks    INTEGER     NOT NULL,
    stored_at TIMESTAMPTZ NOT NULL DEFAULT now()
  );
  CREATE TABLE IF NOT EXISTS document_chunks (
    sha256 TEXT    NOT NULL,
    seq    INTEGER NOT NULL,
    bytes  BYTEA   NOT NULL,
    PRIMARY KEY (sha256, seq)
  );
  CREATE TABLE IF NOT EXISTS document_checks (
    sha256  TEXT PRIMARY KEY,
    version TEXT NOT NULL
  );
`;

/**
 * Documents in PostgreSQL, cut into chunks of bytea, so that every node of a multi-node deployment serves every
 * file. A document's chunks and its `documents` row are written in one transaction (durable at commit with the
 * server's default `synchronous_commit = on`), and readers look for the row first: a half-written document is never
 * visible. Uploads of the same bytes wait for each other on an advisory lock of the hash.
 */
export class PostgresDocumentStore extends DocumentStore {
  private constructor(
    private readonly pool: Pool,
    readonly location: string,
  ) {
    super();
  }

  static async open(url: string, options: { poolSize?: number } = {}): Promise<PostgresDocumentStore> {
    const pool = new Pool({ connectionString: url, max: options.poolSize ?? 32 });
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await client.query(SCHEMA);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      await pool.end();
      throw error;
    } finally {
      client.release();
    }
    return new PostgresDocumentStore(pool, withoutPassword(url));
  }

  async keep(sha256: string, content: Readable): Promise<KeepResult> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [sha256]);
      const kept = await sizeIn(client, sha256);
      const counter = new Sha256Counter();
      if (kept !== undefined) {
        for await (const chunk of content) counter.update(chunk as Buffer);
        counter.expect(sha256);
        await client.query('ROLLBACK');
        return { sha256, size: kept, alreadyKept: true };
      }
      let seq = 0;
      const pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async (): Promise<void> => {
        const bytes = Buffer.concat(pending, pendingBytes);
        pending.length = 0;
        pendingBytes = 0;
        await client.query('INSERT INTO document_chunks (sha256, seq, bytes) VALUES ($1, $2, $3)', [sha256, seq++, bytes]);
      };
      for await (const chunk of content) {
        counter.update(chunk as Buffer);
        pending.push(chunk as Buffer);
        pendingBytes += (chunk as Buffer).length;
        if (pendingBytes >= CHUNK_BYTES) await flush();
      }
      if (pendingBytes > 0 || seq === 0) await flush();
      counter.expect(sha256);
      await client.query('INSERT INTO documents (sha256, size, chunks) VALUES ($1, $2, $3)', [sha256, counter.size, seq]);
      await client.query('COMMIT');
      return { sha256, size: counter.size, alreadyKept: false };
    } catch (error) {
      // A connection that cannot even roll back is dropped instead of going back to the pool.
      await client.query('ROLLBACK').catch((rollbackFailed: Error) => (broken = rollbackFailed));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async open(sha256: string): Promise<Readable | undefined> {
    if (!isSha256Hex(sha256)) return undefined;
    const found = await this.pool.query<{ chunks: number }>('SELECT chunks FROM documents WHERE sha256 = $1', [sha256]);
    if (found.rowCount === 0) return undefined;
    const { chunks } = found.rows[0];
    const pool = this.pool;
    // One chunk in memory at a time: a download is as light as an upload.
    async function* bytes(): AsyncGenerator<Buffer> {
      for (let seq = 0; seq < chunks; seq++) {
        const row = await pool.query<{ bytes: Buffer }>('SELECT bytes FROM document_chunks WHERE sha256 = $1 AND seq = $2', [sha256, seq]);
        if (row.rowCount === 0) throw new Error(`chunk ${seq} of document ${sha256} is missing from document_chunks`);
        yield row.rows[0].bytes;
      }
    }
    return Readable.from(bytes(), { objectMode: false });
  }

  async sizeOf(sha256: string): Promise<number | undefined> {
    if (!isSha256Hex(sha256)) return undefined;
    const client = await this.pool.connect();
    try {
      return await sizeIn(client, sha256);
    } finally {
      client.release();
    }
  }

  /**
   * The size, the chunk count and the row version (`xmin`, the transaction that wrote it) of the `documents` row
   * and of every chunk: an UPDATE, or a DELETE and INSERT, of any of them gives another version.
   */
  async storedVersion(sha256: string): Promise<StoredVersion | undefined> {
    if (!isSha256Hex(sha256)) return undefined;
    const found = await this.pool.query<{ version: string }>(
      `SELECT concat_ws(':', d.size, d.chunks, d.xmin,
                (SELECT md5(string_agg(c.seq || '@' || c.xmin, ',' ORDER BY c.seq)) FROM document_chunks c WHERE c.sha256 = d.sha256)) AS version
         FROM documents d WHERE d.sha256 = $1`,
      [sha256],
    );
    return found.rowCount === 0 ? undefined : { version: found.rows[0].version, settled: true };
  }

  async checkedVersions(hashes: readonly string[]): Promise<Map<string, string>> {
    const found = await this.pool.query<{ sha256: string; version: string }>('SELECT sha256, version FROM document_checks WHERE sha256 = ANY($1)', [hashes]);
    return new Map(found.rows.map((row) => [row.sha256, row.version]));
  }

  async rememberChecked(versions: ReadonlyMap<string, string>): Promise<void> {
    if (versions.size === 0) return;
    await this.pool.query(
      `INSERT INTO document_checks (sha256, version) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (sha256) DO UPDATE SET version = EXCLUDED.version`,
      [[...versions.keys()], [...versions.values()]],
    );
  }

  async *hashes(): AsyncIterable<string> {
    let after = '';
    for (;;) {
      const page = await this.pool.query<{ sha256: string }>('SELECT sha256 FROM documents WHERE sha256 > $1 ORDER BY sha256 LIMIT 1000', [after]);
      if (page.rowCount === 0) return;
      for (const row of page.rows) yield row.sha256;
      after = page.rows[page.rows.length - 1].sha256;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

async function sizeIn(client: PoolClient, sha256: string): Promise<number | undefined> {
  const found = await client.query<{ size: string }>('SELECT size FROM documents WHERE sha256 = $1', [sha256]);
  return found.rowCount === 0 ? undefined : Number(found.rows[0].size);
}
