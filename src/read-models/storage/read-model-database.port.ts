import { setTimeout as delay } from 'node:timers/promises';
import type { ColumnType, DocumentKey, SqlValue } from '../../../projections/projection';

export type ReadModelAdapter = 'sqlite' | 'postgres';

export type SqlRow = readonly SqlValue[];

/**
 * Rows bound for one statement of a transaction, handed over one by one: SQLite writes each as it comes, PostgreSQL
 * sends them in multi-row statements. Nothing is kept once written, however many rows a rebuild's batch has.
 */
export interface RowWriter {
  add(row: SqlRow): void;
  /** Resolves once every row added is written; rejects with the first failure. */
  end(): Promise<void>;
}

/**
 * SQL on the read-model store, in one transaction: `?` placeholders, values as the projections store them
 * (TEXT as strings, INTEGER as numbers).
 */
export interface SqlSession {
  all<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Resolves with the number of rows the statement changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Statements without parameters, such as DDL. */
  exec(sql: string): Promise<void>;
  /** The `key` and `document` of the rows of `table` whose key is one of `keys`, in no particular order. */
  documentsByKey(table: string, keys: readonly DocumentKey[]): Promise<{ key: DocumentKey; document: string }[]>;
  /** Inserts the rows added; with `replaceOn` (the table's key columns) a row that exists already is replaced. */
  insertInto(table: string, columns: readonly string[], replaceOn?: readonly string[]): RowWriter;
  /** Deletes the rows whose `columns` equal one of the keys added. */
  deleteFrom(table: string, columns: readonly string[]): RowWriter;
}

/** How a dialect spells what differs in DDL. */
export interface SqlDialect {
  /** Integers as wide as positions and milliseconds since the epoch. */
  readonly integer: string;
  /** Text that sorts and compares byte by byte, in both dialects. */
  readonly text: string;
  /** Appended to a table with a composite key (the list tables: small rows), so that its rows are stored in key order. */
  readonly clusteredByKey: string;
}

/**
 * The read models' storage (port): an SQL database holding the generation registry and each generation's tables.
 * The logic over it (the registry, the writer, batches, the live runner, rebuilds, queries) is written once;
 * an adapter brings the connection, the dialect, transactions and locking. Everything in it can be thrown away
 * and rebuilt from the event store.
 */
export abstract class ReadModelDatabase {
  abstract readonly adapter: ReadModelAdapter;
  abstract readonly dialect: SqlDialect;

  /** One consistent snapshot for the whole of `work`, which only reads: a query sees one state of every table. */
  abstract read<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;

  /**
   * One transaction for the whole of `work`, holding the store's write lock: writers are serialised, across
   * processes and hosts, and each one sees what the writers before it committed.
   */
  abstract write<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;

  /**
   * Whether the error comes from another process's work rather than from this one's (its write lock, a switch of
   * generations that dropped tables a snapshot still listed, a deadlock with it): the same work succeeds later.
   */
  abstract isTransient(error: unknown): boolean;

  abstract close(): Promise<void>;
}

/** Runs `attempt` again, a little later, for as long as it fails with a transient error. */
export async function retryWhileTransient<T>(database: ReadModelDatabase, attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!database.isTransient(error)) throw error;
      signal?.throwIfAborted();
      await delay(25);
    }
  }
}

export interface TableDefinition {
  name: string;
  columns: Readonly<Record<string, ColumnType>>;
  /** Columns that may not be null. */
  required: readonly string[];
  primaryKey: readonly string[];
}

export function createTableSql(dialect: SqlDialect, table: TableDefinition): string {
  const columns = Object.entries(table.columns).map(
    ([name, type]) => `${name} ${type === 'INTEGER' ? dialect.integer : dialect.text}${table.required.includes(name) ? ' NOT NULL' : ''}`,
  );
  const clustered = table.primaryKey.length > 1 ? dialect.clusteredByKey : '';
  return `CREATE TABLE ${table.name} (${columns.join(', ')}, PRIMARY KEY (${table.primaryKey.join(', ')}))${clustered}`;
}

/** An INSERT of `rows` rows, replacing those whose `replaceOn` columns exist already. */
export function insertSql(table: string, columns: readonly string[], rows: number, replaceOn?: readonly string[]): string {
  const row = `(${columns.map(() => '?').join(', ')})`;
  const values = Array.from({ length: rows }, () => row).join(', ');
  const updated = columns.filter((c) => !replaceOn?.includes(c));
  const conflict = !replaceOn
    ? ''
    : updated.length === 0
      ? ` ON CONFLICT (${replaceOn.join(', ')}) DO NOTHING`
      : ` ON CONFLICT (${replaceOn.join(', ')}) DO UPDATE SET ${updated.map((c) => `${c} = excluded.${c}`).join(', ')}`;
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}${conflict}`;
}

/** A DELETE of the rows whose `columns` equal one of `rows` keys. */
export function deleteSql(table: string, columns: readonly string[], rows: number): string {
  const row = `(${columns.map((c) => `${c} = ?`).join(' AND ')})`;
  return `DELETE FROM ${table} WHERE ${Array.from({ length: rows }, () => row).join(' OR ')}`;
}
