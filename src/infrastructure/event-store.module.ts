import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Clock, SystemClock } from '../core/clock.port';
import { CommandProcessor } from '../core/command-processor';
import { EventStore } from '../core/event-store.port';
import { SinergiConfig } from '../config/sinergi.config';
import { RegionDirectory } from '../regions/region-directory';
import { SqliteEventStore } from './sqlite/sqlite.event-store';

/** The composition of the ports: which adapters run, chosen from the configuration. */
@Global()
@Module({
  providers: [
    { provide: SinergiConfig, useFactory: () => SinergiConfig.fromEnv() },
    { provide: Clock, useClass: SystemClock },
    { provide: RegionDirectory, useFactory: () => RegionDirectory.load() },
    {
      provide: EventStore,
      useFactory: (config: SinergiConfig, clock: Clock) => SqliteEventStore.open(config.eventStoreFile, { clock }),
      inject: [SinergiConfig, Clock],
    },
    { provide: CommandProcessor, useFactory: (store: EventStore) => new CommandProcessor(store), inject: [EventStore] },
  ],
  exports: [SinergiConfig, Clock, RegionDirectory, EventStore, CommandProcessor],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.store instanceof SqliteEventStore) await this.store.close();
  }
}
