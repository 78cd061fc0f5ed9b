import Database from 'better-sqlite3';
import type { RecordedAppend } from '../core/recorded-event-import';

interface IdempotencyRow {
  key: string;
  stream_id: string;
  first_revision: number;
  last_revision: number;
  last_position: number;
}

/**
 * The idempotency keys of a SQLite store, read from its file: the port has no way to list them, and a migrated
 * store without them would run a retried command a second time.
 */
export function readSqliteIdempotencyKeys(file: string): RecordedAppend[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[], IdempotencyRow>('SELECT * FROM idempotency_keys ORDER BY last_position')
      .all()
      .map((row) => ({
        key: row.key,
        result: {
          streamId: row.stream_id,
          firstRevision: row.first_revision,
          lastRevision: row.last_revision,
          lastPosition: row.last_position,
        },
      }));
  } finally {
    db.close();
  }
}
