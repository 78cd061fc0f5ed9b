import { Global, Inject, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { SinergiConfig } from '../config/sinergi.config';
import { Clock } from '../core/clock.port';
import { CommandProcessor } from '../core/command-processor';
import { EventStore } from '../core/event-store.port';
import { ContactDirectory } from '../regions/contact-directory';
import { Registry } from '../registry/registry';
import { ReadModelReader } from '../read-models/queries/read-model.reader';
import { ReadModelsModule } from '../read-models/read-models.module';
import { RegionDirectory } from '../regions/domain/region-directory';
import { RegionPolicies } from '../regions/region-policies.port';
import { RemindersController } from './reminders.controller';
import { ReminderPolicies } from './reminder-policies';
import { RemindersRuntime } from './reminders.runtime';

/**
 * Reminders derived from the deadline schedule, carried by BullMQ timers, delivered by mail and webhook. Global: the
 * regions' policies it keeps date the deadlines of the command path and of the read models' queries too.
 */
@Global()
@Module({
  imports: [ReadModelsModule],
  controllers: [RemindersController],
  providers: [
    {
      provide: ReminderPolicies,
      useFactory: (registry: Registry, processor: CommandProcessor, config: SinergiConfig) => new ReminderPolicies(registry, processor, config.reminders.policyFile),
      inject: [Registry, CommandProcessor, SinergiConfig],
    },
    {
      provide: RegionPolicies,
      useFactory: (policies: ReminderPolicies): RegionPolicies => ({
        agreementPolicyOf: (region) => policies.of(region).agreement,
        regionsWithOwnDurations: () => policies.regionsWithOwnDurations(),
      }),
      inject: [ReminderPolicies],
    },
    {
      provide: RemindersRuntime,
      useFactory: (
        config: SinergiConfig,
        policies: ReminderPolicies,
        regionPolicies: RegionPolicies,
        contacts: ContactDirectory,
        reader: ReadModelReader,
        events: EventStore,
        commands: CommandBus,
        clock: Clock,
        regions: RegionDirectory,
      ) => new RemindersRuntime(config, policies, regionPolicies, contacts, reader, events, commands, clock, regions),
      inject: [SinergiConfig, ReminderPolicies, RegionPolicies, ContactDirectory, ReadModelReader, EventStore, CommandBus, Clock, RegionDirectory],
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
