import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ReadModelsModule } from '../read-models/read-models.module';
import { AuditController } from './audit.controller';
import { auditQueryHandlers } from './audit.queries';

@Module({
  imports: [CqrsModule, ReadModelsModule],
  controllers: [AuditController],
  providers: [...auditQueryHandlers],
})
export class AuditModule {}
