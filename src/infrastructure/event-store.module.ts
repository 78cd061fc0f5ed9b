import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../core/clock.port';
import { EventStore } from '../core/event-store.port';
import { SinergiConfig } from '../config/sinergi.config';
import { openEventStore } from './event-store-adapters';
import { tracing } from '../core/tracing';

/** The event store the configuration names, connected on start and closed on shutdown. */
@Global()
@Module({
  providers: [{ provide: EventStore, useFactory: (config: SinergiConfig, clock: Clock) => openEventStore(config, clock), inject: [SinergiConfig, Clock] }],
  exports: [EventStore],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await tracing().flush();
    await this.store.close();
  }
}
