import type { AnyProjection, DocumentKey, ListRow, SqlValue, StoredRows } from '../../../projections/projection';
import type { RecordedEvent } from '../../core/event';
import type { GenerationTables } from '../storage/generation-registry';
import type { RowWriter, SqlRow, SqlSession } from '../storage/read-model-database.port';

type StoredLists = StoredRows['lists'];

interface Entry {
  document: unknown;
  /** The list rows the store holds for this document; undefined when it holds no row for it. */
  stored: StoredLists | undefined;
  dirty: boolean;
  /** The list rows the last flush wrote, the store's once that flush commits. */
  flushed?: StoredLists;
  /** Keyed by its own event's position: no later event will touch it, so it is not kept once written. */
  once?: true;
}

interface ListTable {
  name: string;
  table: string;
  columns: readonly string[];
}

/** Where one flush writes a list table's rows. */
interface ListWriters {
  /** Rows of documents the store holds nothing of yet. */
  inserted: RowWriter;
  replaced: RowWriter;
  /** Rows that went away, by key and id. */
  removed: RowWriter;
  /** Documents that went away, whose rows go with them, by key. */
  removedDocuments: RowWriter;
}

/**
 * Folds events into the documents of one generation and writes the changed ones. The documents a batch changes are
 * read from the store at most once, together, evolved in memory by every event of the batch, and written once
 * each: a row for the document, and only the list rows that changed.
 *
 * Documents may also be kept between batches (`cachedDocuments`), which saves reading them back: worth it for
 * the sole writer of a generation, a rebuild, which holds the generation's lease.
 */
export class GenerationWriter {
  private readonly entries = new Map<DocumentKey, Entry>();
  private dirty: DocumentKey[] = [];
  private readonly columns: readonly string[];
  private readonly lists: readonly ListTable[];

  constructor(
    private readonly projection: AnyProjection,
    readonly tables: GenerationTables,
    private readonly cachedDocuments = 0,
  ) {
    this.columns = Object.keys(projection.schema.columns);
    this.lists = Object.entries(projection.schema.lists).map(([name, schema]) => ({ name, table: tables.lists[name], columns: Object.keys(schema.columns) }));
  }

  /**
   * Evolves the documents by the events after `position`. The documents they change that are not in memory yet
   * are read first, with one query in the caller's snapshot.
   */
  async apply(session: SqlSession, events: readonly RecordedEvent[], position: number): Promise<void> {
    const keys: (DocumentKey | undefined)[] = events.map((event) => (event.position > position ? this.projection.documentOf(event) : undefined));
    const missing = new Set<DocumentKey>();
    keys.forEach((key, i) => {
      // A document keyed by the event's own position cannot exist yet: each event is applied once.
      if (key !== undefined && key !== events[i].position && !this.entries.has(key)) missing.add(key);
    });
    if (missing.size > 0) await this.load(session, missing);
    keys.forEach((key, i) => {
      if (key === undefined) return;
      const entry = key === events[i].position ? this.newEntry(key) : this.entryOf(key);
      entry.document = this.projection.evolve(entry.document, events[i]);
      if (!entry.dirty) {
        entry.dirty = true;
        this.dirty.push(key);
      }
    });
  }

  /** Documents changed since the last commit, kept in memory until then: a rebuild commits before they outgrow the cache. */
  get changedDocuments(): number {
    return this.dirty.length;
  }

  /** Writes every document changed since the last commit. Runs inside the batch's transaction; `committed` follows it. */
  async flush(session: SqlSession): Promise<void> {
    const names = ['key', 'document', ...this.columns];
    const main = {
      // A document the store does not hold yet is inserted: cheaper than an upsert, and most of a rebuild's writes.
      inserted: session.insertInto(this.tables.main, names),
      replaced: session.insertInto(this.tables.main, names, ['key']),
      removed: session.deleteFrom(this.tables.main, ['key']),
    };
    const lists = this.lists.map((list): { list: ListTable; writers: ListWriters } => ({
      list,
      writers: {
        inserted: session.insertInto(list.table, ['key', 'id', ...list.columns]),
        replaced: session.insertInto(list.table, ['key', 'id', ...list.columns], ['key', 'id']),
        removed: session.deleteFrom(list.table, ['key', 'id']),
        removedDocuments: session.deleteFrom(list.table, ['key']),
      },
    }));
    for (const key of this.dirty) {
      const entry = this.entries.get(key) as Entry;
      if (entry.document === undefined) {
        if (entry.stored) {
          main.removed.add([key]);
          for (const { writers } of lists) writers.removedDocuments.add([key]);
        }
        continue;
      }
      const rows = this.projection.schema.rowsOf(entry.document);
      (entry.stored ? main.replaced : main.inserted).add(rowOf([key, JSON.stringify(entry.document)], this.columns, rows.columns));
      for (const { list, writers } of lists) writeList(key, list, entry.stored && (entry.stored[list.name] ?? []), rows.lists[list.name] ?? [], writers);
      entry.flushed = rows.lists;
    }
    const writers = [...Object.values(main), ...lists.flatMap((l) => Object.values(l.writers))];
    // Every writer is ended, and all of them awaited, before the first failure is thrown.
    const failure = (await Promise.allSettled(writers.map((w) => w.end()))).find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  /** Once the flush is committed: memory says what the store holds, and lets go of the least recently used documents beyond the cache's size. */
  committed(): void {
    for (const key of this.dirty) {
      const entry = this.entries.get(key) as Entry;
      if (entry.once) {
        this.entries.delete(key);
        continue;
      }
      entry.stored = entry.document === undefined ? undefined : entry.flushed;
      entry.flushed = undefined;
      entry.dirty = false;
    }
    this.dirty = [];
    let excess = this.entries.size - this.cachedDocuments;
    for (const [key, entry] of this.entries) {
      if (excess <= 0) break;
      if (entry.dirty) continue;
      this.entries.delete(key);
      excess--;
    }
  }

  /** After a rolled-back transaction memory may be ahead of the store: forget it all. */
  forget(): void {
    this.entries.clear();
    this.dirty = [];
  }

  private async load(session: SqlSession, keys: ReadonlySet<DocumentKey>): Promise<void> {
    const found = new Map((await session.documentsByKey(this.tables.main, [...keys])).map((row) => [row.key, row.document]));
    for (const key of keys) {
      const json = found.get(key);
      const document: unknown = json === undefined ? undefined : JSON.parse(json);
      this.entries.set(key, { document, stored: document === undefined ? undefined : this.projection.schema.rowsOf(document).lists, dirty: false });
    }
  }

  private entryOf(key: DocumentKey): Entry {
    const cached = this.entries.get(key);
    if (!cached) throw new Error(`${this.tables.main}: document ${key} was not loaded`);
    // Map order is the eviction order: the least recently used first.
    this.entries.delete(key);
    this.entries.set(key, cached);
    return cached;
  }

  private newEntry(key: DocumentKey): Entry {
    const entry: Entry = { document: undefined, stored: undefined, dirty: false, once: true };
    this.entries.set(key, entry);
    return entry;
  }
}

/** Writes the list rows of a document that changed, deletes those that went away; `before` is undefined when the store holds none. */
function writeList(key: DocumentKey, list: ListTable, before: readonly ListRow[] | undefined, after: readonly ListRow[], writers: ListWriters): void {
  const previous = new Map((before ?? []).map((row) => [row.id, row]));
  for (const row of after) {
    const old = previous.get(row.id);
    previous.delete(row.id);
    if (old && list.columns.every((c) => old[c] === row[c])) continue;
    (before ? writers.replaced : writers.inserted).add(rowOf([key, row.id], list.columns, row));
  }
  for (const id of previous.keys()) writers.removed.add([key, id]);
}

/** `leading` followed by the values of `columns` (null when missing). */
function rowOf(leading: SqlValue[], columns: readonly string[], values: Readonly<Record<string, SqlValue>>): SqlRow {
  for (const column of columns) leading.push(values[column] ?? null);
  return leading;
}
