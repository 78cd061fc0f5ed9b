import { Global, Module } from '@nestjs/common';
import { COMMAND_OBSERVER, type CommandObserver, CommandProcessor } from './command-processor';
import { EventStore } from './event-store.port';

/** Decides and appends every command, on the event store the composition provides, told to its observer. */
@Global()
@Module({
  providers: [
    {
      provide: CommandProcessor,
      useFactory: (store: EventStore, observer: CommandObserver) => new CommandProcessor(store, undefined, undefined, observer),
      inject: [EventStore, COMMAND_OBSERVER],
    },
  ],
  exports: [CommandProcessor],
})
export class CommandProcessorModule {}
