import type { AnyProjection } from '../../../projections/projection';
import type { GenerationRegistry } from '../../../src/read-models/storage/generation-registry';

export interface TableDump {
  /** Rows in key order, documents parsed: the comparison is of content, not of JSON key order. */
  documents: Record<string, unknown>[];
  lists: Record<string, Record<string, unknown>[]>;
}

/** Everything a projection's live generation holds, without its generation number, read in one snapshot. */
export function dumpLive(store: GenerationRegistry, projections: readonly AnyProjection[]): Promise<Record<string, TableDump & { position: number }>> {
  return store.database.read(async (session) => {
    const dump: Record<string, TableDump & { position: number }> = {};
    for (const projection of projections) {
      const live = await store.live(projection.name, session);
      const tables = await store.liveTables(projection, session);
      if (!live || !tables) throw new Error(`${projection.name} has no live generation`);
      const rows = (table: string, order: string) => session.all<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY ${order}`);
      const lists: Record<string, Record<string, unknown>[]> = {};
      for (const [list, table] of Object.entries(tables.lists)) lists[list] = await rows(table, 'key, id');
      dump[projection.name] = {
        position: live.checkpoint,
        documents: (await rows(tables.main, 'key')).map((row) => ({ ...row, document: JSON.parse(row.document as string) as unknown })),
        lists,
      };
    }
    return dump;
  });
}
