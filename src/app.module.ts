import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AgreementsModule } from './agreements/agreements.module';
import { HealthController } from './health/health.controller';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { HeaderActorGuard } from './http/request-actor';
import { EventStoreModule } from './infrastructure/event-store.module';

@Module({
  imports: [CqrsModule.forRoot(), EventStoreModule, AgreementsModule],
  controllers: [HealthController],
  providers: [
    { provide: APP_GUARD, useClass: HeaderActorGuard },
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
  ],
})
export class AppModule {}
