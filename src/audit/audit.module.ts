import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DocumentsModule } from '../documents/documents.module';
import { ReadModelsModule } from '../read-models/read-models.module';
import { AuditController } from './audit.controller';
import { auditQueryHandlers } from './audit.queries';

@Module({
  imports: [CqrsModule, ReadModelsModule, DocumentsModule],
  controllers: [AuditController],
  providers: [...auditQueryHandlers],
})
export class AuditModule {}
