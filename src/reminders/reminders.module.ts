import { Inject, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { SinergiConfig } from '../config/sinergi.config';
import { Clock } from '../core/clock.port';
import { EventStore } from '../core/event-store.port';
import { ReadModelReader } from '../read-models/read-model.reader';
import { ReadModelsModule } from '../read-models/read-models.module';
import { RemindersController } from './reminders.controller';
import { RemindersRuntime } from './reminders.runtime';

/** Reminders derived from the deadline schedule, carried by BullMQ timers, delivered by mail and webhook. */
@Module({
  imports: [ReadModelsModule],
  controllers: [RemindersController],
  providers: [
    {
      provide: RemindersRuntime,
      useFactory: (config: SinergiConfig, reader: ReadModelReader, events: EventStore, commands: CommandBus, clock: Clock) =>
        new RemindersRuntime(config, reader, events, commands, clock),
      inject: [SinergiConfig, ReadModelReader, EventStore, CommandBus, Clock],
    },
  ],
  exports: [RemindersRuntime],
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
