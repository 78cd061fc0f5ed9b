import { Global, Module } from '@nestjs/common';
import { COMMAND_OBSERVER } from '../core/command-processor';
import { Metrics } from './metrics';

/** The registry every part of the engine counts into, the commands' observer; /metrics serves it (ObservabilityModule). */
@Global()
@Module({
  providers: [Metrics, { provide: COMMAND_OBSERVER, useExisting: Metrics }],
  exports: [Metrics, COMMAND_OBSERVER],
})
export class MetricsModule {}
