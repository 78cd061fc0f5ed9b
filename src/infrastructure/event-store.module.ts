import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Clock, SystemClock } from '../core/clock.port';
import { CommandProcessor } from '../core/command-processor';
import { EventStore } from '../core/event-store.port';
import { SinergiConfig } from '../config/sinergi.config';
import { Metrics } from '../observability/metrics';
import { RegionDirectory } from '../regions/region-directory';
import type { GroupCommitStats } from './group-commit';
import { type KurrentDbAppendStats, KurrentDbEventStore } from './kurrentdb/kurrentdb.event-store';
import { PostgresEventStore } from './postgres/postgres.event-store';
import { SqliteEventStore } from './sqlite/sqlite.event-store';

type ClosableEventStore = SqliteEventStore | PostgresEventStore | KurrentDbEventStore;

/**
 * The adapter SINERGI_EVENT_STORE names, connected. `pollIntervalMs`: how soon a subscription sees commits made
 * by other connections where the store announces none (SQLite; PostgreSQL's NOTIFY may be lost).
 */
export async function openEventStore(config: SinergiConfig, clock: Clock, options: { pollIntervalMs?: number } = {}): Promise<ClosableEventStore> {
  const selection = config.eventStore;
  switch (selection.adapter) {
    case 'sqlite':
      return SqliteEventStore.open(config.eventStoreFile, { clock, pollIntervalMs: options.pollIntervalMs });
    case 'postgres':
      return PostgresEventStore.open(selection.url, { clock, pollIntervalMs: options.pollIntervalMs });
    case 'kurrentdb':
      return KurrentDbEventStore.connect(selection.url, { clock });
  }
}

/** The group commits of a store that has them (SQLite, PostgreSQL): commits, appends and events since it opened. */
export function groupCommitStatsOf(store: EventStore): Readonly<GroupCommitStats> | undefined {
  return store instanceof SqliteEventStore || store instanceof PostgresEventStore ? store.stats : undefined;
}

/** The retries of a KurrentDB store's appends (another node moved the global log or a stream first), since it opened. */
export function kurrentDbAppendStatsOf(store: EventStore): Readonly<KurrentDbAppendStats> | undefined {
  return store instanceof KurrentDbEventStore ? store.appendStats() : undefined;
}

/** The composition of the ports: which adapters run, chosen from the configuration. */
@Global()
@Module({
  providers: [
    { provide: SinergiConfig, useFactory: () => SinergiConfig.fromEnv() },
    { provide: Clock, useClass: SystemClock },
    { provide: RegionDirectory, useFactory: () => RegionDirectory.load() },
    { provide: EventStore, useFactory: openEventStore, inject: [SinergiConfig, Clock] },
    Metrics,
    {
      provide: CommandProcessor,
      useFactory: (store: EventStore, metrics: Metrics) => new CommandProcessor(store, undefined, undefined, metrics),
      inject: [EventStore, Metrics],
    },
  ],
  exports: [SinergiConfig, Clock, RegionDirectory, EventStore, CommandProcessor, Metrics],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.store instanceof SqliteEventStore || this.store instanceof PostgresEventStore || this.store instanceof KurrentDbEventStore) {
      await this.store.close();
    }
  }
}
