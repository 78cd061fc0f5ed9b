import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LogSealer } from '../audit/log-sealer';
import { ReadModelsModule } from '../read-models/read-models.module';
import { GetSemesterReportHandler, SemesterReports } from './application/semester-reports';
import { ReportsController } from './http/reports.controller';
import { ReportRenderThread } from './render/render-thread';

@Module({
  imports: [CqrsModule, ReadModelsModule],
  controllers: [ReportsController],
  providers: [SemesterReports, GetSemesterReportHandler, LogSealer, ReportRenderThread],
  exports: [SemesterReports, ReportRenderThread],
})
export class ReportsModule {}
