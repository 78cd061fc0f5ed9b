import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AnyProjection, TableSchema } from '../../projections/projection';

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
  /** Who builds a building generation (`host:pid`); null once live. */
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

const REGISTRY = `
  CREATE TABLE IF NOT EXISTS projection_generations (
    projection   TEXT    NOT NULL,
    generation   INTEGER NOT NULL,
    version      TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('building', 'live')),
    checkpoint   INTEGER NOT NULL,
    owner        TEXT,
    heartbeat_at INTEGER NOT NULL,
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

export interface ReadModelStoreOptions {
  /**
   * How long a write waits for another process's lock before failing with SQLITE_BUSY. Short: better-sqlite3
   * waits synchronously, blocking the event loop, so the runners rather retry a busy batch a little later.
   */
  busyTimeoutMs?: number;
  /** How long a building generation stays leased to an owner that stopped committing. */
  leaseMs?: number;
}

/** This process, as the owner of the generations it builds. */
export const THIS_PROCESS = `${hostname()}:${process.pid}`;

/**
 * The read models' own SQLite file (WAL): the generation registry and each generation's tables. Everything in
 * it can be thrown away and rebuilt from the event store.
 */
export class ReadModelStore {
  private readonly statements;
  private readonly leaseMs: number;

  private constructor(readonly db: Database.Database, options: ReadModelStoreOptions) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.statements = {
      all: db.prepare<[], GenerationRow>('SELECT * FROM projection_generations ORDER BY projection, generation'),
      one: db.prepare<[string, number], GenerationRow>('SELECT * FROM projection_generations WHERE projection = ? AND generation = ?'),
      inState: db.prepare<[string, GenerationState], GenerationRow>(
        'SELECT * FROM projection_generations WHERE projection = ? AND state = ?',
      ),
      next: db
        .prepare<[string], number>('SELECT coalesce(max(generation), 0) + 1 FROM projection_generations WHERE projection = ?')
        .pluck(),
      insert: db.prepare<[string, number, string, string, number]>(
        `INSERT INTO projection_generations (projection, generation, version, state, checkpoint, owner, heartbeat_at)
         VALUES (?, ?, ?, 'building', 0, ?, ?)`,
      ),
      checkpoint: db.prepare<[number, number, string, number]>(
        'UPDATE projection_generations SET checkpoint = ?, heartbeat_at = ? WHERE projection = ? AND generation = ?',
      ),
      lease: db.prepare<[string, number, string, number]>(
        'UPDATE projection_generations SET owner = ?, heartbeat_at = ? WHERE projection = ? AND generation = ?',
      ),
      promote: db.prepare<[string, number]>(
        "UPDATE projection_generations SET state = 'live', owner = NULL WHERE projection = ? AND generation = ?",
      ),
      remove: db.prepare<[string, number]>('DELETE FROM projection_generations WHERE projection = ? AND generation = ?'),
    };
  }

  static open(file: string, options: ReadModelStoreOptions = {}): ReadModelStore {
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
      db.pragma('cache_size = -65536');
      db.pragma('wal_autocheckpoint = 10000');
      db.transaction(() => db.exec(REGISTRY)).immediate();
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 20}`);
    } catch (error) {
      db.close();
      throw error;
    }
    return new ReadModelStore(db, options);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  generations(): Generation[] {
    return this.statements.all.all().map(toGeneration);
  }

  generation(projection: string, generation: number): Generation | undefined {
    const row = this.statements.one.get(projection, generation);
    return row && toGeneration(row);
  }

  live(projection: string): Generation | undefined {
    const row = this.statements.inState.get(projection, 'live');
    return row && toGeneration(row);
  }

  building(projection: string): Generation | undefined {
    const row = this.statements.inState.get(projection, 'building');
    return row && toGeneration(row);
  }

  /** The tables of a projection's live generation, for queries; undefined before its first build is done. */
  liveTables(projection: AnyProjection): GenerationTables | undefined {
    const live = this.live(projection.name);
    return live && tablesOf(projection, live.generation);
  }

  /**
   * The building generation `owner` is to continue: its own, or one whose owner is gone, when it was started by
   * this version of the projection; otherwise a new, empty one (without secondary indexes: they are created in
   * bulk once it has caught up). Throws {@link RebuildInProgress} when a live owner holds the lease.
   */
  claimBuildingGeneration(projection: AnyProjection, owner: string): Generation {
    return this.db
      .transaction((): Generation => {
        const now = Date.now();
        const building = this.building(projection.name);
        if (building) {
          const abandoned = building.owner === owner || !this.isLeaseHeld(building, now);
          if (!abandoned) throw new RebuildInProgress(building);
          if (building.version === projection.version) {
            this.statements.lease.run(owner, now, projection.name, building.generation);
            return { ...building, owner, heartbeatAt: now };
          }
          this.drop(projection, building.generation);
        }
        const generation = this.statements.next.get(projection.name) ?? 1;
        const tables = tablesOf(projection, generation);
        const key = projection.schema.key === 'INTEGER' ? 'key INTEGER PRIMARY KEY' : 'key TEXT PRIMARY KEY';
        this.db.exec(`CREATE TABLE ${tables.main} (${key}, document TEXT NOT NULL${columnList(projection.schema)})`);
        for (const [list, schema] of Object.entries(projection.schema.lists)) {
          this.db.exec(
            `CREATE TABLE ${tables.lists[list]} (key ${projection.schema.key} NOT NULL, id TEXT NOT NULL${columnList(schema)},
             PRIMARY KEY (key, id)) WITHOUT ROWID`,
          );
        }
        this.statements.insert.run(projection.name, generation, projection.version, owner, now);
        return this.generation(projection.name, generation) as Generation;
      })
      .immediate();
  }

  /** Whether another owner, still alive, is building a generation of the projection. */
  isBuildingElsewhere(projection: string, owner: string): boolean {
    const building = this.building(projection);
    return !!building && building.owner !== owner && this.isLeaseHeld(building, Date.now());
  }

  /** Creates the secondary indexes queries need (idempotent): in bulk, once a building generation has caught up. */
  createIndexes(projection: AnyProjection, generation: number): void {
    const tables = tablesOf(projection, generation);
    const create = (table: string, schema: TableSchema) => {
      for (const columns of schema.indexes) {
        this.db.exec(`CREATE INDEX IF NOT EXISTS ${table}__by_${columns.join('_')} ON ${table} (${columns.join(', ')})`);
      }
    };
    create(tables.main, projection.schema);
    for (const [list, schema] of Object.entries(projection.schema.lists)) create(tables.lists[list], schema);
  }

  /** Runs inside the batch's transaction, with the documents it commits. */
  setCheckpoint(generation: Pick<Generation, 'projection' | 'generation'>, position: number): void {
    this.statements.checkpoint.run(position, Date.now(), generation.projection, generation.generation);
  }

  /**
   * Makes a caught-up building generation live and drops the one it replaces, in one transaction. Refused
   * (false) while the live generation is further on: switching then would make its live runner miss events.
   */
  switchLive(projection: AnyProjection, generation: number, owner: string): boolean {
    return this.db
      .transaction((): boolean => {
        const building = this.generation(projection.name, generation);
        if (!building || building.state !== 'building' || building.owner !== owner) {
          throw new Error(`${projection.name} generation ${generation} is no longer being built by ${owner}`);
        }
        const live = this.live(projection.name);
        if (live && live.checkpoint > building.checkpoint) return false;
        if (live) this.drop(projection, live.generation);
        this.statements.promote.run(projection.name, generation);
        return true;
      })
      .immediate();
  }

  private drop(projection: AnyProjection, generation: number): void {
    const tables = tablesOf(projection, generation);
    for (const table of [...Object.values(tables.lists), tables.main]) this.db.exec(`DROP TABLE IF EXISTS ${table}`);
    this.statements.remove.run(projection.name, generation);
  }

  private isLeaseHeld(generation: Generation, now: number): boolean {
    if (!generation.owner || now - generation.heartbeatAt > this.leaseMs) return false;
    const [host, pid] = generation.owner.split(':');
    return host !== hostname() || isRunning(Number(pid));
  }
}

export function tablesOf(projection: AnyProjection, generation: number): GenerationTables {
  const main = `${projection.name.replace(/[^a-z0-9]+/g, '_')}_g${generation}`;
  return { main, lists: Object.fromEntries(Object.keys(projection.schema.lists).map((list) => [list, `${main}__${list}`])) };
}

const columnList = (schema: TableSchema): string =>
  Object.entries(schema.columns)
    .map(([name, type]) => `, ${name} ${type}`)
    .join('');

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
