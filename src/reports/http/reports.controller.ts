import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Response } from 'express';
import type { Principal } from '../../access/principal';
import { CurrentPrincipal } from '../../access/request-actor';
import { RegionCodePipe } from '../../read-models/http/read-models.controller';
import { GetSemesterReport } from '../application/semester-reports';
import type { SemesterReport } from '../domain/semester-report';
import { ReportRenderThread } from '../render/render-thread';

export const REPORT_FORMATS = ['pdf', 'xlsx', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const CONTENT_TYPES: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};

export class SemesterReportQuery {
  /** The year reported on. */
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;

  /** 1: January to June; 2: July to December. */
  @Type(() => Number)
  @IsIn([1, 2])
  semester!: 1 | 2;

  /** `pdf` (default), `xlsx`, or `json` (the same content, for screens). */
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}

/** The file a report is delivered as, for the API and the command line alike: a PDF or workbook is laid out off the server's thread. */
export function renderReport(thread: ReportRenderThread, report: SemesterReport, format: ReportFormat): Promise<Buffer> {
  return format === 'json' ? Promise.resolve(Buffer.from(JSON.stringify(report))) : thread.render(report, format);
}

export const reportFileName = (report: Pick<SemesterReport, 'region' | 'year' | 'semester'>, format: ReportFormat): string =>
  `laporan-kerja-sama-${report.region.code}-${report.year}-semester-${report.semester}.${format}`;

@ApiTags('reports')
@Controller('regions/:code/reports')
export class ReportsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly renderThread: ReportRenderThread,
  ) {}

  /**
   * The region's report of a semester (laporan pelaksanaan kerja sama daerah), as the state stood at the end of the
   * semester (today while it runs): register, progress, recaps, expiry watch, the signature set for the region, and
   * the log position and seal it was made from. A province's report also has its kabupaten/kota's figures.
   */
  @Get('semester')
  @ApiProduces(CONTENT_TYPES.pdf, CONTENT_TYPES.xlsx, 'application/json')
  async semester(
    @CurrentPrincipal() viewer: Principal,
    @Param('code', RegionCodePipe) code: string,
    @Query() query: SemesterReportQuery,
    @Res() response: Response,
  ): Promise<void> {
    const format = query.format ?? 'pdf';
    const report = await this.queries.execute(new GetSemesterReport(code, { year: query.year, semester: query.semester }, viewer));
    const body = await renderReport(this.renderThread, report, format);
    response.setHeader('Content-Type', CONTENT_TYPES[format]);
    if (format !== 'json') response.setHeader('Content-Disposition', `attachment; filename="${reportFileName(report, format)}"`);
    response.setHeader('Sinergi-Log-Position', String(report.source.position));
    response.setHeader('Sinergi-Log-Seal', report.source.seal);
    response.send(body);
  }
}
