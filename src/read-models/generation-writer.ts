import type Database from 'better-sqlite3';
import type { AnyProjection, DocumentKey, ListRow, SqlValue, StoredRows } from '../../projections/projection';
import type { RecordedEvent } from '../core/event';
import type { GenerationTables } from './read-model.store';

interface Entry {
  document: unknown;
  /** The list rows the file holds for this document; undefined when it holds no row for it. */
  stored: StoredRows['lists'] | undefined;
  dirty: boolean;
  /** Keyed by its own event's position: no later event will touch it, so it is not kept once written. */
  once?: true;
}

interface ListStatements {
  columns: readonly string[];
  upsert: Database.Statement<SqlValue[]>;
  remove: Database.Statement<[DocumentKey, string]>;
  removeAll: Database.Statement<[DocumentKey]>;
}

/**
 * Folds events into the documents of one generation and writes the changed ones. A document is read from the
 * file at most once per batch, evolved in memory by every event of the batch, and written once: a row for the
 * document, and only the list rows that changed.
 *
 * Documents may also be kept between batches (`cachedDocuments`), which saves reading them back: worth it for
 * the sole writer of a generation, a rebuild, which holds the generation's lease.
 */
export class GenerationWriter {
  private readonly entries = new Map<DocumentKey, Entry>();
  private dirty: DocumentKey[] = [];
  private readonly select: Database.Statement<[DocumentKey], string>;
  private readonly insert: Database.Statement<SqlValue[]>;
  private readonly upsert: Database.Statement<SqlValue[]>;
  private readonly remove: Database.Statement<[DocumentKey]>;
  private readonly columns: readonly string[];
  private readonly lists: ReadonlyMap<string, ListStatements>;

  constructor(
    db: Database.Database,
    private readonly projection: AnyProjection,
    readonly tables: GenerationTables,
    private readonly cachedDocuments = 0,
  ) {
    const { schema } = projection;
    this.columns = Object.keys(schema.columns);
    const names = ['key', 'document', ...this.columns];
    this.select = db.prepare<[DocumentKey], string>(`SELECT document FROM ${tables.main} WHERE key = ?`).pluck();
    const insert = `INSERT INTO ${tables.main} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
    this.insert = db.prepare<SqlValue[]>(insert);
    this.upsert = db.prepare<SqlValue[]>(`${insert} ON CONFLICT (key) DO UPDATE SET ${names.slice(1).map((n) => `${n} = excluded.${n}`).join(', ')}`);
    this.remove = db.prepare<[DocumentKey]>(`DELETE FROM ${tables.main} WHERE key = ?`);
    this.lists = new Map(
      Object.entries(schema.lists).map(([list, listSchema]): [string, ListStatements] => {
        const table = tables.lists[list];
        const columns = Object.keys(listSchema.columns);
        const all = ['key', 'id', ...columns];
        return [
          list,
          {
            columns,
            upsert: db.prepare<SqlValue[]>(`INSERT OR REPLACE INTO ${table} (${all.join(', ')}) VALUES (${all.map(() => '?').join(', ')})`),
            remove: db.prepare<[DocumentKey, string]>(`DELETE FROM ${table} WHERE key = ? AND id = ?`),
            removeAll: db.prepare<[DocumentKey]>(`DELETE FROM ${table} WHERE key = ?`),
          },
        ];
      }),
    );
  }

  apply(event: RecordedEvent): void {
    const key = this.projection.documentOf(event);
    if (key === undefined) return;
    // A document keyed by the event's own position cannot exist yet: each event is applied once.
    const entry = key === event.position ? this.newEntry(key) : this.entryOf(key);
    entry.document = this.projection.evolve(entry.document, event);
    if (!entry.dirty) {
      entry.dirty = true;
      this.dirty.push(key);
    }
  }

  /** Documents changed since the last flush, kept in memory until then: a rebuild flushes before they outgrow the cache. */
  get changedDocuments(): number {
    return this.dirty.length;
  }

  /** Writes every document changed since the last flush. Runs inside the batch's transaction. */
  flush(): number {
    const written = this.dirty.length;
    for (const key of this.dirty) {
      const entry = this.entries.get(key) as Entry;
      entry.stored = this.write(key, entry);
      entry.dirty = false;
      if (entry.once) this.entries.delete(key);
    }
    this.dirty = [];
    return written;
  }

  /** Once the flush is committed: lets go of the least recently used documents beyond the cache's size. */
  evict(): void {
    let excess = this.entries.size - this.cachedDocuments;
    for (const [key, entry] of this.entries) {
      if (excess <= 0) break;
      if (entry.dirty) continue;
      this.entries.delete(key);
      excess--;
    }
  }

  /** After a rolled-back transaction memory may be ahead of the file: forget it all. */
  forget(): void {
    this.entries.clear();
    this.dirty = [];
  }

  private entryOf(key: DocumentKey): Entry {
    const cached = this.entries.get(key);
    if (cached) {
      // Map order is the eviction order: the least recently used first.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const json = this.select.get(key);
    const document: unknown = json === undefined ? undefined : JSON.parse(json);
    const entry: Entry = { document, stored: document === undefined ? undefined : this.projection.schema.rowsOf(document).lists, dirty: false };
    this.entries.set(key, entry);
    return entry;
  }

  private newEntry(key: DocumentKey): Entry {
    const entry: Entry = { document: undefined, stored: undefined, dirty: false, once: true };
    this.entries.set(key, entry);
    return entry;
  }

  private write(key: DocumentKey, entry: Entry): StoredRows['lists'] | undefined {
    if (entry.document === undefined) {
      if (entry.stored) {
        this.remove.run(key);
        for (const list of this.lists.values()) list.removeAll.run(key);
      }
      return undefined;
    }
    const rows = this.projection.schema.rowsOf(entry.document);
    // A document the file does not hold yet is inserted: cheaper than an upsert, and most of a rebuild's writes.
    (entry.stored ? this.upsert : this.insert).run(key, JSON.stringify(entry.document), ...this.columns.map((c) => rows.columns[c] ?? null));
    for (const [name, list] of this.lists) writeList(key, list, entry.stored?.[name] ?? [], rows.lists[name] ?? []);
    return rows.lists;
  }
}

/** Writes the rows that changed, deletes the rows that went away. */
function writeList(key: DocumentKey, list: ListStatements, before: readonly ListRow[], after: readonly ListRow[]): void {
  const previous = new Map(before.map((row) => [row.id, row]));
  for (const row of after) {
    const old = previous.get(row.id);
    previous.delete(row.id);
    if (old && list.columns.every((c) => old[c] === row[c])) continue;
    list.upsert.run(key, row.id, ...list.columns.map((c) => row[c] ?? null));
  }
  for (const id of previous.keys()) list.remove.run(key, id);
}
