import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { DocumentKey, SqlValue } from '../../../projections/projection';
import { deleteSql, insertSql, ReadModelDatabase, type RowWriter, type SqlDialect, type SqlSession } from './read-model-database.port';

const CACHED_STATEMENTS = 200;

export interface SqliteReadModelOptions {
  /**
   * How long a write waits for another process's lock before failing with SQLITE_BUSY. Short: better-sqlite3
   * waits synchronously, blocking the event loop, so the runners rather retry a busy batch a little later.
   */
  busyTimeoutMs?: number;
  /**
   * The most the connection's page cache takes, in MB (64 by default, for builders). A connection that only reads
   * needs little: the operating system keeps the file's pages, outside the process's memory.
   */
  pageCacheMb?: number;
}

/**
 * The read models in a SQLite file of their own (WAL). better-sqlite3 is synchronous and its transactions belong
 * to the connection, so a transaction whose work awaits must have the connection to itself: every read and write
 * takes its turn on it, one at a time, and another process's writer is kept out by the file's write lock
 * (BEGIN IMMEDIATE).
 */
export class SqliteReadModelDatabase extends ReadModelDatabase {
  readonly adapter = 'sqlite';
  readonly dialect: SqlDialect = { integer: 'INTEGER', text: 'TEXT', clusteredByKey: ' WITHOUT ROWID' };
  /** Statements by SQL, each bound to one array of parameters. */
  private readonly statements = new Map<string, Database.Statement<[readonly SqlValue[]]>>();
  private readonly session: SqlSession;
  /** The end of the queue of work waiting for the connection. */
  private turn: Promise<unknown> = Promise.resolve();

  private constructor(private readonly db: Database.Database) {
    super();
    this.session = {
      all: async <Row>(sql: string, params: readonly SqlValue[] = []) => this.statement(sql).all(params) as Row[],
      run: async (sql, params = []) => this.statement(sql).run(params).changes,
      exec: async (sql) => void this.db.exec(sql),
      documentsByKey: async (table, keys) =>
        this.statement(`SELECT key, document FROM ${table} WHERE key IN (SELECT value FROM json_each(?))`).all([JSON.stringify(keys)]) as {
          key: DocumentKey;
          document: string;
        }[],
      insertInto: (table, columns, replaceOn) => this.rowWriter(insertSql(table, columns, 1, replaceOn)),
      deleteFrom: (table, columns) => this.rowWriter(deleteSql(table, columns, 1)),
    };
  }

  static open(file: string, options: SqliteReadModelOptions = {}): SqliteReadModelDatabase {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    try {
      // Opening may meet a rebuild's long transaction: wait for it, then keep waits short (see busyTimeoutMs).
      db.pragma('busy_timeout = 10000');
      // Documents of a few kilobytes fit a page, and a rebuild's bulk writes touch a quarter as many pages. Only a
      // new file takes it: an existing one keeps its page size.
      db.pragma('page_size = 16384');
      db.pragma('journal_mode = WAL');
      // A crash may lose the last commits but never splits one: documents and checkpoint roll back together, and
      // the runner replays from the checkpoint. Durability beyond that is the event store's job.
      db.pragma('synchronous = NORMAL');
      // Rebuilds write and index whole tables: a larger page cache (64 MB at most, taken as needed) keeps their
      // B-trees in memory, and fewer checkpoints copy the write-ahead log less often. Index sorts larger than the
      // cache spill to temporary files, so memory stays bounded however many events there are.
      db.pragma(`cache_size = -${(options.pageCacheMb ?? 64) * 1024}`);
      db.pragma('wal_autocheckpoint = 10000');
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 20}`);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteReadModelDatabase(db);
  }

  read<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN', work);
  }

  write<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN IMMEDIATE', work);
  }

  isTransient(error: unknown): boolean {
    const code = (error as { code?: unknown } | null)?.code;
    return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT';
  }

  async close(): Promise<void> {
    await this.turn;
    if (this.db.open) this.db.close();
  }

  /** Waits for the connection, then runs `work` in a transaction of its own on it. */
  private transaction<T>(begin: string, work: (session: SqlSession) => Promise<T>): Promise<T> {
    const result = this.turn.then(async () => {
      this.db.exec(begin);
      try {
        const value = await work(this.session);
        this.db.exec('COMMIT');
        return value;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
    this.turn = result.catch(() => undefined);
    return result;
  }

  /** Runs the statement for each row as it is added: inside the transaction, which has the connection to itself. */
  private rowWriter(sql: string): RowWriter {
    let statement: Database.Statement<[readonly SqlValue[]]> | undefined;
    return {
      add: (row) => void (statement ??= this.statement(sql)).run(row),
      end: () => Promise.resolve(),
    };
  }

  private statement(sql: string): Database.Statement<[readonly SqlValue[]]> {
    let statement = this.statements.get(sql);
    if (!statement) {
      // Statements name generation tables: after a few rebuilds the old ones are never used again.
      if (this.statements.size >= CACHED_STATEMENTS) this.statements.clear();
      statement = this.db.prepare<[readonly SqlValue[]]>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
