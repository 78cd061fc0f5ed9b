import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AccessModule } from './access/access.module';
import { AgreementsModule } from './agreements/agreements.module';
import { AuditModule } from './audit/audit.module';
import { DocumentsModule } from './documents/documents.module';
import { HealthController } from './health/health.controller';
import { ObservabilityModule } from './observability/observability.module';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { ConfigModule } from './config/config.module';
import { ClockModule } from './core/clock.module';
import { CommandProcessorModule } from './core/command-processor.module';
import { EventStoreModule } from './infrastructure/event-store.module';
import { MetricsModule } from './observability/metrics.module';
import { RegionsModule } from './regions/regions.module';
import { ImportsModule } from './imports/imports.module';
import { OpenDataModule } from './open-data/open-data.module';
import { ReadModelsModule } from './read-models/read-models.module';
import { RegionSettingsModule } from './region-settings/region-settings.module';
import { RegistryModule } from './registry/registry.module';
import { RemindersModule } from './reminders/reminders.module';
import { ReportsModule } from './reports/reports.module';
import { WebModule } from './web/web.module';

@Module({
  imports: [
    CqrsModule.forRoot(),
    ConfigModule,
    ClockModule,
    MetricsModule,
    RegionsModule,
    EventStoreModule,
    CommandProcessorModule,
    RegistryModule,
    AccessModule,
    AgreementsModule,
    DocumentsModule,
    AuditModule,
    ImportsModule,
    ReadModelsModule,
    RegionSettingsModule,
    ReportsModule,
    OpenDataModule,
    RemindersModule,
    WebModule,
    ObservabilityModule,
  ],
  controllers: [HealthController],
  providers: [
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
  ],
})
export class AppModule {}
