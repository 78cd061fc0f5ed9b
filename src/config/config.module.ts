import { Global, Module } from '@nestjs/common';
import { SinergiConfig } from './sinergi.config';

/** The configuration read from the environment at start. */
@Global()
@Module({
  providers: [{ provide: SinergiConfig, useFactory: () => SinergiConfig.fromEnv() }],
  exports: [SinergiConfig],
})
export class ConfigModule {}
