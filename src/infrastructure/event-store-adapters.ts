import type { Clock } from '../core/clock.port';
import type { EventStore } from '../core/event-store.port';
import { withoutPassword } from '../config/masked-url';
import { KurrentDbEventStore } from './kurrentdb/kurrentdb.event-store';
import { PostgresEventStore } from './postgres/postgres.event-store';
import { SqliteEventStore } from './sqlite/sqlite.event-store';

/** What an adapter opens with, besides its own settings. */
export interface OpenContext {
  /** The embedded store's file in the data directory. */
  eventStoreFile: string;
  clock: Clock;
  /**
   * How soon a subscription sees commits made by other connections where the store announces none (SQLite;
   * PostgreSQL's NOTIFY may be lost).
   */
  pollIntervalMs?: number;
}

/** One event store adapter: how its settings are read from the environment, how it opens, how it is backed up. */
interface EventStoreAdapter<Settings extends object> {
  /** Its settings from the environment; a missing one is an error that says what to set. */
  settings(env: NodeJS.ProcessEnv): Settings;
  open(settings: Settings, context: OpenContext): EventStore | Promise<EventStore>;
  /** What `sinergi backup` tells the operator to run for events kept outside the data directory (none for a file in it). */
  backupAdvice(settings: Settings, target: string): string[];
}

/** An adapter under its name, with the selection it reads from the environment: `{ adapter: name, ...settings }`. */
function entry<Name extends string, Settings extends object>(name: Name, adapter: EventStoreAdapter<Settings>) {
  return { ...adapter, selection: (env: NodeJS.ProcessEnv): { adapter: Name } & Settings => ({ adapter: name, ...adapter.settings(env) }) };
}

/**
 * Every event store adapter, by the name SINERGI_EVENT_STORE gives it. A new adapter is one entry here; the
 * configuration, the server, the CLIs and `sinergi backup` reach it through this table and the EventStore port.
 */
const ENTRIES = {
  sqlite: entry('sqlite', {
    settings: () => ({}),
    open: (_, { eventStoreFile, ...options }) => SqliteEventStore.open(eventStoreFile, options),
    backupAdvice: () => [],
  }),
  postgres: entry('postgres', {
    settings: (env) => ({ url: required(env, 'SINERGI_POSTGRES_URL', 'SINERGI_EVENT_STORE=postgres', 'postgres://sinergi:secret@localhost:5432/sinergi') }),
    open: ({ url }, { clock, pollIntervalMs }) => PostgresEventStore.open(url, { clock, pollIntervalMs }),
    backupAdvice: ({ url }, target) => [
      'The events are on PostgreSQL, outside the data directory: dump them with pg_dump (consistent while Sinergi runs),',
      `  pg_dump --format=custom --no-owner --no-acl --file=${target}/events.pgdump '${withoutPassword(url)}'`,
      '(the password from PGPASSWORD or ~/.pgpass), and restore them into an empty database with',
      `  pg_restore --no-owner --no-acl --dbname='<url of the empty database>' ${target}/events.pgdump`,
      'then check the restored log with `npx sinergi audit verify --at N --seal HEX` against a seal written down before.',
    ],
  }),
  kurrentdb: entry('kurrentdb', {
    settings: (env) => ({ url: required(env, 'KURRENTDB_URL', 'SINERGI_EVENT_STORE=kurrentdb', 'kurrentdb://localhost:2113?tls=false') }),
    open: ({ url }, { clock }) => KurrentDbEventStore.connect(url, { clock }),
    backupAdvice: () => [
      'The events are on KurrentDB, outside the data directory: back up its node with KurrentDB\'s own procedure (stop the',
      'node and copy its data volume, or its online backup), then check a restore with `npx sinergi audit verify --at N --seal HEX`.',
    ],
  }),
};

export type EventStoreAdapterName = keyof typeof ENTRIES;
type SettingsOf = { [Name in EventStoreAdapterName]: ReturnType<(typeof ENTRIES)[Name]['settings']> };
type SelectionOf = { [Name in EventStoreAdapterName]: ReturnType<(typeof ENTRIES)[Name]['selection']> };
const ADAPTERS: { [Name in EventStoreAdapterName]: EventStoreAdapter<SettingsOf[Name]> } = ENTRIES;

/** Which event store runs, with the settings its adapter read. */
export type EventStoreSelection = SelectionOf[EventStoreAdapterName];

const isAdapterName = (name: string): name is EventStoreAdapterName => Object.hasOwn(ADAPTERS, name);

/** The adapter SINERGI_EVENT_STORE names (SQLite when it names none), with its settings from the environment. */
export function eventStoreFromEnv(env: NodeJS.ProcessEnv): EventStoreSelection {
  const name = env.SINERGI_EVENT_STORE ?? 'sqlite';
  if (!isAdapterName(name)) throw new Error(`SINERGI_EVENT_STORE must be one of ${Object.keys(ADAPTERS).join(', ')}, got "${name}"`);
  return ENTRIES[name].selection(env);
}

/** The part of the configuration that says which store to open. */
export interface EventStoreConfig {
  eventStore: EventStoreSelection;
  eventStoreFile: string;
}

/** The adapter the configuration names, connected. */
export function openEventStore(config: EventStoreConfig, clock: Clock, options: { pollIntervalMs?: number } = {}): Promise<EventStore> {
  return openSelected(config.eventStore, { eventStoreFile: config.eventStoreFile, clock, ...options });
}

async function openSelected<Name extends EventStoreAdapterName>(selection: { adapter: Name } & SettingsOf[Name], context: OpenContext): Promise<EventStore> {
  return ADAPTERS[selection.adapter].open(selection, context);
}

/** What `sinergi backup` tells the operator to run for the events, when they are not a file of the data directory. */
export function eventStoreBackupAdvice<Name extends EventStoreAdapterName>(selection: { adapter: Name } & SettingsOf[Name], target: string): string[] {
  return ADAPTERS[selection.adapter].backupAdvice(selection, target);
}

function required(env: NodeJS.ProcessEnv, name: string, because: string, example: string): string {
  const value = env[name];
  if (!value) throw new Error(`${because} needs ${name}, for example ${name}=${example}`);
  return value;
}
