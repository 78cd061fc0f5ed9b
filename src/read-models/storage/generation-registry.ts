import { hostname } from 'node:os';
import { threadId } from 'node:worker_threads';
import type { AnyProjection, TableSchema } from '../../../projections/projection';
import type { ReadModelStoreSelection } from '../read-models.config';
import { PostgresReadModelDatabase } from './postgres.read-model-database';
import { createTableSql, type ReadModelDatabase, retryWhileTransient, type SqlSession } from './read-model-database.port';
import { SqliteReadModelDatabase, type SqliteReadModelOptions } from './sqlite.read-model-database';

export type GenerationState = 'building' | 'live';

/**
 * One build of a projection's tables. A projection has at most one live generation (the one queries read and the
 * live runner updates) and at most one building generation (a rebuild in progress, invisible to queries).
 */
export interface Generation {
  projection: string;
  generation: number;
  version: string;
  state: GenerationState;
  /** Position of the last event applied: committed in the same transaction as the documents. */
  checkpoint: number;
  /** Who builds a building generation (`host:pid`, then anything); null once live. */
  owner: string | null;
  /** When the owner last committed (ms since the epoch): a building generation is leased to its owner. */
  heartbeatAt: number;
}

export interface GenerationTables {
  main: string;
  lists: Readonly<Record<string, string>>;
}

export class RebuildInProgress extends Error {
  constructor(readonly generation: Generation) {
    super(`${generation.projection} generation ${generation.generation} is being built by ${generation.owner}`);
    this.name = 'RebuildInProgress';
  }
}

const registrySql = (database: ReadModelDatabase): string => `
  CREATE TABLE IF NOT EXISTS projection_generations (
    projection   ${database.dialect.text} NOT NULL,
    generation   ${database.dialect.integer} NOT NULL,
    version      TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('building', 'live')),
    checkpoint   ${database.dialect.integer} NOT NULL,
    owner        TEXT,
    heartbeat_at ${database.dialect.integer} NOT NULL,
    PRIMARY KEY (projection, generation)
  );
  CREATE UNIQUE INDEX IF NOT EXISTS one_live_generation ON projection_generations (projection) WHERE state = 'live';
  CREATE UNIQUE INDEX IF NOT EXISTS one_building_generation ON projection_generations (projection) WHERE state = 'building';
`;

interface GenerationRow {
  projection: string;
  generation: number;
  version: string;
  state: GenerationState;
  checkpoint: number;
  owner: string | null;
  heartbeat_at: number;
}

const toGeneration = (row: GenerationRow): Generation => ({
  projection: row.projection,
  generation: row.generation,
  version: row.version,
  state: row.state,
  checkpoint: row.checkpoint,
  owner: row.owner,
  heartbeatAt: row.heartbeat_at,
});

export interface GenerationRegistryOptions {
  /** How long a building generation stays leased to an owner that stopped committing. */
  leaseMs?: number;
  /** For a SQLite store: its connection's settings (the server's readers keep a smaller page cache than a builder). */
  sqlite?: SqliteReadModelOptions;
}

/** This process, as the owner of the generations it builds. */
export const THIS_PROCESS = `${hostname()}:${process.pid}:${threadId}`;

/**
 * The generation registry and each generation's tables, on the read models' database (SQLite or PostgreSQL).
 * Each method reads in a snapshot of its own, or in the transaction it is given.
 */
export class GenerationRegistry {
  private readonly leaseMs: number;

  constructor(
    readonly database: ReadModelDatabase,
    options: GenerationRegistryOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 30_000;
  }

  /** Connects to the store the selection names and creates the registry if it has none yet. */
  static async open(selection: ReadModelStoreSelection, options: GenerationRegistryOptions = {}): Promise<GenerationRegistry> {
    const database =
      selection.adapter === 'sqlite' ? SqliteReadModelDatabase.open(selection.file, options.sqlite) : await PostgresReadModelDatabase.open(selection.url, selection.schema);
    try {
      await retryWhileTransient(database, () => database.write((session) => session.exec(registrySql(database))));
    } catch (error) {
      await database.close();
      throw error;
    }
    return new GenerationRegistry(database, options);
  }

  close(): Promise<void> {
    return this.database.close();
  }

  /** Every generation, by projection and number. */
  generations(session?: SqlSession): Promise<Generation[]> {
    return this.reading(session, async (s) =>
      (await s.all<GenerationRow>('SELECT * FROM projection_generations ORDER BY projection, generation')).map(toGeneration),
    );
  }

  async generation(projection: string, generation: number, session?: SqlSession): Promise<Generation | undefined> {
    return (await this.generations(session)).find((g) => g.projection === projection && g.generation === generation);
  }

  async live(projection: string, session?: SqlSession): Promise<Generation | undefined> {
    return generationOf(await this.generations(session), projection, 'live');
  }

  async building(projection: string, session?: SqlSession): Promise<Generation | undefined> {
    return generationOf(await this.generations(session), projection, 'building');
  }

  /** The tables of a projection's live generation; undefined before its first build is done. */
  async liveTables(projection: AnyProjection, session?: SqlSession): Promise<GenerationTables | undefined> {
    const live = await this.live(projection.name, session);
    return live && tablesOf(projection, live.generation);
  }

  /**
   * The building generation `owner` is to continue: its own, or one whose owner is gone, when it was started by
   * this version of the projection; otherwise a new, empty one (without secondary indexes: they are created in
   * bulk once it has caught up). Throws {@link RebuildInProgress} when a live owner holds the lease.
   */
  claimBuildingGeneration(projection: AnyProjection, owner: string): Promise<Generation> {
    return this.database.write(async (session): Promise<Generation> => {
      const now = Date.now();
      const building = await this.building(projection.name, session);
      if (building) {
        const abandoned = building.owner === owner || !this.isLeaseHeld(building, now);
        if (!abandoned) throw new RebuildInProgress(building);
        if (building.version === projection.version) {
          await session.run('UPDATE projection_generations SET owner = ?, heartbeat_at = ? WHERE projection = ? AND generation = ?', [
            owner,
            now,
            projection.name,
            building.generation,
          ]);
          return { ...building, owner, heartbeatAt: now };
        }
        await this.drop(session, projection, building.generation);
      }
      const [{ next }] = await session.all<{ next: number }>(
        'SELECT coalesce(max(generation), 0) + 1 AS next FROM projection_generations WHERE projection = ?',
        [projection.name],
      );
      const tables = tablesOf(projection, next);
      const { schema } = projection;
      await session.exec(
        createTableSql(this.database.dialect, {
          name: tables.main,
          // The document last: a row's columns are read without walking the large document's overflow pages, so
          // counts, sorts and filters on them stay cheap.
          columns: { key: schema.key, ...schema.columns, document: 'TEXT' },
          required: ['key', 'document'],
          primaryKey: ['key'],
        }),
      );
      for (const [list, listSchema] of Object.entries(schema.lists)) {
        await session.exec(
          createTableSql(this.database.dialect, {
            name: tables.lists[list],
            columns: { key: schema.key, id: 'TEXT', ...listSchema.columns },
            required: ['key', 'id'],
            primaryKey: ['key', 'id'],
          }),
        );
      }
      await session.run(
        `INSERT INTO projection_generations (projection, generation, version, state, checkpoint, owner, heartbeat_at)
         VALUES (?, ?, ?, 'building', 0, ?, ?)`,
        [projection.name, next, projection.version, owner, now],
      );
      return { projection: projection.name, generation: next, version: projection.version, state: 'building', checkpoint: 0, owner, heartbeatAt: now };
    });
  }

  /** Whether another owner, still alive, is building a generation of the projection. */
  async isBuildingElsewhere(projection: string, owner: string): Promise<boolean> {
    const building = await this.building(projection);
    return !!building && building.owner !== owner && this.isLeaseHeld(building, Date.now());
  }

  /** Creates the secondary indexes queries need (idempotent): in bulk, once a building generation has caught up. */
  createIndexes(projection: AnyProjection, generation: number): Promise<void> {
    const tables = tablesOf(projection, generation);
    const statements = (table: string, schema: TableSchema): string[] =>
      schema.indexes.map((columns) => `CREATE INDEX IF NOT EXISTS ${table}__by_${columns.join('_')} ON ${table} (${columns.join(', ')})`);
    const all = [
      ...statements(tables.main, projection.schema),
      ...Object.entries(projection.schema.lists).flatMap(([list, schema]) => statements(tables.lists[list], schema)),
    ];
    return this.database.write(async (session) => {
      for (const statement of all) await session.exec(statement);
    });
  }

  /** Runs inside the batch's transaction, with the documents it commits. */
  async setCheckpoint(session: SqlSession, generation: Pick<Generation, 'projection' | 'generation'>, position: number): Promise<void> {
    await session.run('UPDATE projection_generations SET checkpoint = ?, heartbeat_at = ? WHERE projection = ? AND generation = ?', [
      position,
      Date.now(),
      generation.projection,
      generation.generation,
    ]);
  }

  /**
   * Makes a caught-up building generation live and drops the one it replaces, in one transaction. Refused
   * (false) while the live generation is further on: switching then would make its live runner miss events.
   */
  switchLive(projection: AnyProjection, generation: number, owner: string): Promise<boolean> {
    return this.database.write(async (session): Promise<boolean> => {
      const building = await this.generation(projection.name, generation, session);
      if (!building || building.state !== 'building' || building.owner !== owner) {
        throw new Error(`${projection.name} generation ${generation} is no longer being built by ${owner}`);
      }
      const live = await this.live(projection.name, session);
      if (live && live.checkpoint > building.checkpoint) return false;
      if (live) await this.drop(session, projection, live.generation);
      await session.run("UPDATE projection_generations SET state = 'live', owner = NULL WHERE projection = ? AND generation = ?", [
        projection.name,
        generation,
      ]);
      return true;
    });
  }

  private reading<T>(session: SqlSession | undefined, work: (session: SqlSession) => Promise<T>): Promise<T> {
    return session ? work(session) : this.database.read(work);
  }

  private async drop(session: SqlSession, projection: AnyProjection, generation: number): Promise<void> {
    const tables = tablesOf(projection, generation);
    for (const table of [...Object.values(tables.lists), tables.main]) await session.exec(`DROP TABLE IF EXISTS ${table}`);
    await session.run('DELETE FROM projection_generations WHERE projection = ? AND generation = ?', [projection.name, generation]);
  }

  private isLeaseHeld(generation: Generation, now: number): boolean {
    if (!generation.owner || now - generation.heartbeatAt > this.leaseMs) return false;
    const [host, pid] = generation.owner.split(':');
    return host !== hostname() || isRunning(Number(pid));
  }
}

/** A projection's generation in that state, among the registry's generations. */
export function generationOf(generations: readonly Generation[], projection: string, state: GenerationState): Generation | undefined {
  return generations.find((g) => g.projection === projection && g.state === state);
}

export function tablesOf(projection: AnyProjection, generation: number): GenerationTables {
  const main = `${projection.name.replace(/[^a-z0-9]+/g, '_')}_g${generation}`;
  return { main, lists: Object.fromEntries(Object.keys(projection.schema.lists).map((list) => [list, `${main}__${list}`])) };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
