import type { Clock } from '../core/clock.port';
import type { EventStore } from '../core/event-store.port';
import type { EventStoreSelection, SinergiConfig } from '../config/sinergi.config';
import { KurrentDbEventStore } from './kurrentdb/kurrentdb.event-store';
import { PostgresEventStore } from './postgres/postgres.event-store';
import { SqliteEventStore } from './sqlite/sqlite.event-store';

export interface OpenOptions {
  clock: Clock;
  /**
   * How soon a subscription sees commits made by other connections where the store announces none (SQLite;
   * PostgreSQL's NOTIFY may be lost).
   */
  pollIntervalMs?: number;
}

type Opener<Name extends EventStoreSelection['adapter']> = (
  selection: Extract<EventStoreSelection, { adapter: Name }>,
  config: SinergiConfig,
  options: OpenOptions,
) => EventStore | Promise<EventStore>;

/**
 * Every event store adapter, by the name SINERGI_EVENT_STORE gives it. A new adapter is one entry here (and its
 * settings in the configuration); everything else reaches it through the EventStore port.
 */
const ADAPTERS: { [Name in EventStoreSelection['adapter']]: Opener<Name> } = {
  sqlite: (_, config, options) => SqliteEventStore.open(config.eventStoreFile, options),
  postgres: (selection, _, options) => PostgresEventStore.open(selection.url, options),
  kurrentdb: (selection, _, { clock }) => KurrentDbEventStore.connect(selection.url, { clock }),
};

/** The adapter the configuration names, connected. */
export async function openEventStore(config: SinergiConfig, clock: Clock, options: { pollIntervalMs?: number } = {}): Promise<EventStore> {
  const open = ADAPTERS[config.eventStore.adapter] as Opener<EventStoreSelection['adapter']>;
  return open(config.eventStore, config, { clock, ...options });
}
