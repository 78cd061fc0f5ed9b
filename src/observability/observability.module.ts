import { Module } from '@nestjs/common';
import { ReadModelsModule } from '../read-models/read-models.module';
import { RemindersModule } from '../reminders/reminders.module';
import { MetricsController } from './metrics.controller';
import { ObservabilityConfig } from './observability.config';
import { StateGauges } from './state-gauges';

/** /metrics and what it reads; the access log and the JSON logs are set up with the HTTP edge (configureApp, main). */
@Module({
  imports: [ReadModelsModule, RemindersModule],
  controllers: [MetricsController],
  providers: [{ provide: ObservabilityConfig, useFactory: () => ObservabilityConfig.fromEnv() }, StateGauges],
  exports: [ObservabilityConfig],
})
export class ObservabilityModule {}
