import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Projection } from '../../../projections/projection';
import type { NewEvent } from '../../../src/core/event';
import { SqliteEventStore } from '../../../src/infrastructure/sqlite/sqlite.event-store';
import { GenerationRegistry } from '../../../src/read-models/storage/generation-registry';
import type { ReadModelStoreSelection } from '../../../src/read-models/read-models.config';
import type { ReadModelBackend } from '../../support/stores';

export interface Tally {
  stream: string;
  positions: number[];
  unstorable?: true;
}

/**
 * Remembers, per stream, the position of every event it was given: an event applied twice or skipped shows.
 * An event of type `Poison` makes it throw, as a bug in a projection would; one of type `Unstorable` makes the
 * document fail when it is written.
 */
export const tallyProjection: Projection<Tally> = {
  name: 'tally',
  version: '1',
  documentOf: (event) => event.streamId,
  evolve: (tally, event) => {
    if (event.type === 'Poison') throw new Error(`cannot project event ${event.position}`);
    const positions = [...(tally?.positions ?? []), event.position];
    return event.type === 'Unstorable' ? { stream: event.streamId, positions, unstorable: true } : { stream: event.streamId, positions };
  },
  schema: {
    key: 'TEXT',
    columns: { events: 'INTEGER' },
    indexes: [['events']],
    lists: { positions: { columns: { position: 'INTEGER' }, indexes: [['position']] } },
    rowsOf: (tally) => {
      if (tally.unstorable) throw new Error(`cannot store ${tally.stream}`);
      return {
      columns: { events: tally.positions.length },
      lists: { positions: tally.positions.map((position) => ({ id: String(position), position })) },
      };
    },
  },
};

export const tick = (n: number, type = 'Tick'): NewEvent => ({
  id: `tick-${n}-${Math.random()}`,
  type,
  schemaVersion: 1,
  data: { n },
  metadata: { actor: { userId: 'test', role: 'system', region: '36' }, occurredAt: '2026-01-01T00:00:00Z', correlationId: 'c', causationId: 'c' },
});

/** Appends `count` ticks to `stream`, one append each. */
export async function appendTicks(events: SqliteEventStore, stream: string, count: number, type = 'Tick'): Promise<void> {
  for (let i = 0; i < count; i++) await events.append(stream, [tick(i, type)], 'any');
}

/** An owner that holds no lease: a process of this host that is not running. */
export const deadOwner = `${hostname()}:4194300`;

export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await delay(5);
  }
}

/** An event store in a fresh temporary directory, and a fresh read-model store of the backend's kind. */
export class Stores {
  private constructor(
    readonly dir: string,
    readonly events: SqliteEventStore,
    readonly readModels: GenerationRegistry,
    /** Where the read models are: another store opened on it is another process's connection. */
    readonly readModelLocation: ReadModelStoreSelection,
  ) {}

  static async open(backend: ReadModelBackend): Promise<Stores> {
    const dir = mkdtempSync(join(tmpdir(), 'sinergi-projections-'));
    const location = await backend.fresh(dir);
    const events = SqliteEventStore.open(join(dir, 'events.sqlite'), { pollIntervalMs: 20 });
    return new Stores(dir, events, await GenerationRegistry.open(location), location);
  }

  /** The positions the live generation's tally of the stream holds. */
  async tally(stream: string): Promise<number[]> {
    const tables = await this.readModels.liveTables(tallyProjection);
    if (!tables) return [];
    const [row] = await this.readModels.database.read((session) =>
      session.all<{ document: string }>(`SELECT document FROM ${tables.main} WHERE key = ?`, [stream]),
    );
    return row ? (JSON.parse(row.document) as Tally).positions : [];
  }

  async close(): Promise<void> {
    await this.readModels.close();
    await this.events.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
