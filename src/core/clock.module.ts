import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock.port';

/** The clock every part of the engine reads the time from (a test moves it). */
@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }],
  exports: [Clock],
})
export class ClockModule {}
