import type { AnyProjection } from '../../../projections/projection';
import type { ReadModelStore } from '../../../src/read-models/read-model.store';

export interface TableDump {
  /** Rows in key order, documents parsed: the comparison is of content, not of JSON key order. */
  documents: Record<string, unknown>[];
  lists: Record<string, Record<string, unknown>[]>;
}

/** Everything a projection's live generation holds, without its generation number. */
export function dumpLive(store: ReadModelStore, projections: readonly AnyProjection[]): Record<string, TableDump & { position: number }> {
  return Object.fromEntries(
    projections.map((projection) => {
      const live = store.live(projection.name);
      const tables = store.liveTables(projection);
      if (!live || !tables) throw new Error(`${projection.name} has no live generation`);
      const rows = (table: string, order: string) => store.db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all() as Record<string, unknown>[];
      return [
        projection.name,
        {
          position: live.checkpoint,
          documents: rows(tables.main, 'key').map((row) => ({ ...row, document: JSON.parse(row.document as string) as unknown })),
          lists: Object.fromEntries(Object.entries(tables.lists).map(([list, table]) => [list, rows(table, 'key, id')])),
        },
      ];
    }),
  );
}
