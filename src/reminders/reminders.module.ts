import { join } from 'node:path';
import { Global, Inject, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { SinergiConfig } from '../config/sinergi.config';
import { Clock } from '../core/clock.port';
import { EventStore } from '../core/event-store.port';
import { ReadModelReader } from '../read-models/read-model.reader';
import { ReadModelsModule } from '../read-models/read-models.module';
import { RegionPolicies } from '../regions/region-policies.port';
import { RemindersController } from './reminders.controller';
import { ReminderPolicies } from './reminder-policies';
import { RemindersRuntime } from './reminders.runtime';
import { RemindersStore } from './reminders.store';

/**
 * Reminders derived from the deadline schedule, carried by BullMQ timers, delivered by mail and webhook. Global: the
 * regions' policies it keeps date the deadlines of the command path and of the read models' queries too.
 */
@Global()
@Module({
  imports: [ReadModelsModule],
  controllers: [RemindersController],
  providers: [
    { provide: RemindersStore, useFactory: (config: SinergiConfig) => RemindersStore.open(join(config.dataDir, 'reminders.sqlite')), inject: [SinergiConfig] },
    {
      provide: ReminderPolicies,
      useFactory: (store: RemindersStore, config: SinergiConfig) => new ReminderPolicies(store, config.reminders.policyFile),
      inject: [RemindersStore, SinergiConfig],
    },
    {
      provide: RegionPolicies,
      useFactory: (policies: ReminderPolicies): RegionPolicies => ({ agreementPolicyOf: (region) => policies.of(region).agreement }),
      inject: [ReminderPolicies],
    },
    {
      provide: RemindersRuntime,
      useFactory: (
        config: SinergiConfig,
        store: RemindersStore,
        policies: ReminderPolicies,
        regionPolicies: RegionPolicies,
        reader: ReadModelReader,
        events: EventStore,
        commands: CommandBus,
        clock: Clock,
      ) => new RemindersRuntime(config, store, policies, regionPolicies, reader, events, commands, clock),
      inject: [SinergiConfig, RemindersStore, ReminderPolicies, RegionPolicies, ReadModelReader, EventStore, CommandBus, Clock],
    },
  ],
  exports: [RemindersRuntime, RegionPolicies],
})
export class RemindersModule implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(@Inject(RemindersRuntime) private readonly runtime: RemindersRuntime) {}

  onApplicationBootstrap(): void {
    this.runtime.start();
  }

  /** Before the event store and read models close: jobs in hand finish first. */
  async onModuleDestroy(): Promise<void> {
    await this.runtime.stop();
  }
}
