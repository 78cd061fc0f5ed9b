import { Pool, type PoolClient, types } from 'pg';
import type { DocumentKey, SqlValue } from '../../../projections/projection';
import { deleteSql, insertSql, ReadModelDatabase, type RowWriter, type SqlDialect, type SqlRow, type SqlSession } from './read-model-database.port';

/** A statement takes at most 65535 parameters; fewer rows per statement keep each one quick to plan. */
const MAX_PARAMETERS = 30_000;
const MAX_ROWS = 1000;

/** A schema name used as is in SQL: lower case letters, digits and underscores. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Errors another process's work causes: a deadlock with it, a serialisation failure, a lock that timed out, or a
 * table a switch of generations dropped while this snapshot still listed it (DROP TABLE is not MVCC-safe).
 */
const TRANSIENT_CODES = new Set(['40001', '40P01', '55P03', '42P01']);

// BIGINT (positions, milliseconds, counts) as numbers: they stay far below 2^53.
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.INT8 ? (value: string) => Number(value) : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
};

export interface PostgresReadModelOptions {
  poolSize?: number;
}

/**
 * The read models in a schema of their own on PostgreSQL, which several API nodes share. Writers are serialised by
 * a transaction-scoped advisory lock named after the schema (so deployments sharing a server do not wait for each
 * other); readers read one REPEATABLE READ snapshot and never wait for writers.
 */
export class PostgresReadModelDatabase extends ReadModelDatabase {
  readonly adapter = 'postgres';
  // TEXT in the C collation sorts and compares as SQLite does, byte by byte, whatever the database's locale.
  readonly dialect: SqlDialect = { integer: 'BIGINT', text: 'TEXT COLLATE "C"', clusteredByKey: '' };
  private readonly numbered = new Map<string, string>();

  private constructor(
    private readonly pool: Pool,
    private readonly lockName: string,
  ) {
    super();
  }

  /** Connects, creating the schema if the database has none of that name yet. */
  static async open(url: string, schema: string, options: PostgresReadModelOptions = {}): Promise<PostgresReadModelDatabase> {
    if (!SCHEMA_NAME.test(schema)) throw new Error(`the read models' schema must be a lower-case SQL name (a-z, 0-9, _), got "${schema}"`);
    // synchronous_commit off: a crash may lose the last commits but never splits one (documents and checkpoint roll
    // back together, and the runner replays from the checkpoint). Durability beyond that is the event store's job.
    const pool = new Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      options: `-c search_path=${schema} -c synchronous_commit=off`,
      types: typeParsers,
    });
    // An idle connection that breaks (a restarting server) must not crash the process: the pool replaces it.
    pool.on('error', () => undefined);
    const database = new PostgresReadModelDatabase(pool, `sinergi read models ${schema}`);
    try {
      await database.write((session) => session.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`));
    } catch (error) {
      await pool.end();
      throw error;
    }
    return database;
  }

  read<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', false, work);
  }

  write<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN', true, work);
  }

  isTransient(error: unknown): boolean {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' && TRANSIENT_CODES.has(code);
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  private async transaction<T>(begin: string, locked: boolean, work: (session: SqlSession) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let value: T;
    try {
      await client.query(begin);
      // Held until the transaction ends: whoever writes next sees this transaction's commit.
      if (locked) await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.lockName]);
      value = await work(this.sessionOf(client));
      await client.query('COMMIT');
    } catch (error) {
      // A connection that failed mid-transaction is thrown away rather than handed to the next caller.
      const rolledBack = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      client.release(!rolledBack);
      throw error;
    }
    client.release();
    return value;
  }

  private sessionOf(client: PoolClient): SqlSession {
    // Once a statement fails, PostgreSQL refuses the rest of the transaction: each refusal reports the first failure.
    let failure: unknown;
    // A connection runs one statement at a time: the session's statements go in the order they were asked for.
    let queue: Promise<unknown> = Promise.resolve();
    const query = (sql: string, params: readonly unknown[] = []) => {
      const run = queue.then(async () => {
        try {
          return await client.query(this.withNumberedParameters(sql), [...params]);
        } catch (error) {
          failure ??= error;
          throw failure;
        }
      });
      queue = run.catch(() => undefined);
      return run;
    };
    /** Sends the rows in statements of `size` rows at most, each once the one before it is done. */
    const inChunks = (columns: number, sqlFor: (rows: number) => string): RowWriter => {
      const size = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMETERS / columns)));
      let chunk: SqlRow[] = [];
      let sent = Promise.resolve();
      const send = (): void => {
        const rows = chunk;
        chunk = [];
        sent = sent.then(async () => void (await query(sqlFor(rows.length), rows.flat())));
      };
      return {
        add: (row) => {
          chunk.push(row);
          if (chunk.length >= size) send();
        },
        end: () => {
          if (chunk.length > 0) send();
          return sent;
        },
      };
    };
    return {
      all: async <Row>(sql: string, params: readonly SqlValue[] = []) => (await query(sql, params)).rows as Row[],
      run: async (sql, params = []) => (await query(sql, params)).rowCount ?? 0,
      exec: async (sql) => void (await query(sql)),
      documentsByKey: async (table, keys) =>
        (await query(`SELECT key, document FROM ${table} WHERE key = ANY(?)`, [keys])).rows as { key: DocumentKey; document: string }[],
      insertInto: (table, columns, replaceOn) => inChunks(columns.length, (n) => insertSql(table, columns, n, replaceOn)),
      deleteFrom: (table, columns) => inChunks(columns.length, (n) => deleteSql(table, columns, n)),
    };
  }

  /** `?` placeholders as PostgreSQL's `$1, $2, ...`; a `?` inside a quoted literal stays as it is. */
  private withNumberedParameters(sql: string): string {
    let numbered = this.numbered.get(sql);
    if (numbered === undefined) {
      let n = 0;
      numbered = sql.replace(/'(?:[^']|'')*'|\?/g, (match) => (match === '?' ? `$${++n}` : match));
      if (this.numbered.size >= 1000) this.numbered.clear();
      this.numbered.set(sql, numbered);
    }
    return numbered;
  }
}
