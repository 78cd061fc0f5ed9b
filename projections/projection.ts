import type { RecordedEvent } from '../src/core/event';

export type SqlValue = string | number | null;
export type ColumnType = 'TEXT' | 'INTEGER';
export type DocumentKey = string | number;

/** Columns besides the key, with the indexes queries need. Indexes are column lists, in index order. */
export interface TableSchema {
  readonly columns: Readonly<Record<string, ColumnType>>;
  readonly indexes: readonly (readonly string[])[];
}

/** One row of a list table: `id` is unique among the rows of one document. */
export type ListRow = { readonly id: string } & Readonly<Record<string, SqlValue>>;

/** What is stored beside a document's JSON: the values of its columns, and its rows in each list table. */
export interface StoredRows {
  readonly columns: Readonly<Record<string, SqlValue>>;
  readonly lists: Readonly<Record<string, readonly ListRow[]>>;
}

/**
 * How a projection's documents are stored: one row per document (the document as JSON, plus columns for
 * filtering and sorting) and, for list-valued facts (parties, open follow-ups, pending deadlines), list tables
 * holding several rows per document.
 */
export interface ProjectionSchema<Document> extends TableSchema {
  readonly key: ColumnType;
  readonly lists: Readonly<Record<string, TableSchema>>;
  /** Derives the columns and list rows of a document. Pure: the same document always gives the same rows. */
  rowsOf(document: Document): StoredRows;
}

/**
 * A read model: a pure fold of events into documents, and how the documents are stored. No I/O and no clock:
 * the runner reads the events, owns the storage and commits documents and checkpoint together.
 */
export interface Projection<Document> {
  readonly name: string;
  /**
   * Changes with anything that changes what is stored (evolve, schema, policy durations): a generation built by
   * another version is rebuilt.
   */
  readonly version: string;
  readonly schema: ProjectionSchema<Document>;
  /**
   * The document an event changes, if any. A document keyed by the event's own position is that event's record:
   * the runner knows it is new without reading the file, and keeps it in memory only until it is written.
   */
  documentOf(event: RecordedEvent): DocumentKey | undefined;
  /** The document after the event; `undefined` removes it. Never changes `document` itself. */
  evolve(document: Document | undefined, event: RecordedEvent): Document | undefined;
}

export type AnyProjection = Projection<unknown>;
