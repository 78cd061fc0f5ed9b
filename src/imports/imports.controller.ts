import { Controller, Header, HttpCode, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import multer from 'multer';
import { actorOf } from '../access/principal';
import { ActsForAnotherRegion } from '../access/access.errors';
import { AllowedRoles, type AuthenticatedRequest, principalOf, PublicRoute } from '../access/request-actor';
import { AgreementImporter, type ImportReport } from './agreement-importer';
import { ImportLimits } from './import-limits';
import { templateCsv, templateXlsx } from './import-template';
import { ImportFileRejected } from './spreadsheet';

/**
 * Bringing in the agreements an office already has. The report comes at the end, as JSON; a client that accepts
 * `application/x-ndjson` gets progress lines first (`{"progress":{"done":n,"total":m}}`), then `{"report":…}`.
 */
@ApiTags('imports')
@Controller('imports')
export class ImportsController {
  constructor(
    private readonly importer: AgreementImporter,
    private readonly limits: ImportLimits,
  ) {}

  /** The spreadsheet template with every column and an example KSB and PKS: `format=xlsx` (default) or `csv`. A blank form: public. */
  @Get('template')
  @PublicRoute()
  @ApiQuery({ name: 'format', required: false, enum: ['xlsx', 'csv'] })
  async template(@Query('format') format: string | undefined, @Res() response: Response): Promise<void> {
    const csv = format === 'csv';
    response
      .status(200)
      .type(csv ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .setHeader('Content-Disposition', `attachment; filename="templat-impor-kerja-sama.${csv ? 'csv' : 'xlsx'}"`)
      .send(csv ? templateCsv() : await templateXlsx());
  }

  /**
   * Imports a spreadsheet (XLSX or CSV, field `file`) of the region's existing KSB and PKS; `dryRun=true` checks
   * every row and writes nothing. `region` is the importing office's (a coordinator's own by default; an admin names
   * it): every row must have it as a party.
   */
  @Post()
  @HttpCode(200)
  @AllowedRoles('coordinator', 'admin')
  @Header('Cache-Control', 'no-store')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiQuery({ name: 'dryRun', required: false, type: Boolean })
  @ApiQuery({ name: 'region', required: false, type: String })
  async import(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Query('dryRun') dryRun: string | undefined,
    @Query('region') regionParam: string | undefined,
  ): Promise<void> {
    const principal = principalOf(request);
    const region = regionParam?.trim() || principal.region;
    if (principal.role !== 'admin' && region !== principal.region) throw new ActsForAnotherRegion(principal.region, region, 'region');
    const file = await this.receive(request, response);
    const streaming = (request.header('accept') ?? '').includes('application/x-ndjson');
    const run = (onProgress?: (done: number, total: number) => void): Promise<ImportReport> =>
      this.importer.run(
        { content: file.buffer, fileName: file.originalname, dryRun: dryRun === 'true', actor: actorOf(principal), region, onProgress },
        this.limits,
      );
    if (!streaming) {
      response.status(200).json(await run());
      return;
    }
    response.status(200).type('application/x-ndjson');
    let shown = -1;
    try {
      const report = await run((done, total) => {
        // A line per percent at most: enough for a progress bar, little for the connection.
        const percent = Math.floor((done * 100) / Math.max(total, 1));
        if (percent === shown) return;
        shown = percent;
        response.write(`${JSON.stringify({ progress: { done, total } })}\n`);
      });
      response.end(`${JSON.stringify({ report })}\n`);
    } catch (error) {
      if (!(error instanceof ImportFileRejected)) throw error;
      response.end(`${JSON.stringify({ error: { rule: error.rule, message: error.message } })}\n`);
    }
  }

  /** The uploaded file, held in memory up to the limit; a larger one is refused before it is read. */
  private async receive(request: AuthenticatedRequest, response: Response): Promise<Express.Multer.File> {
    const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: this.limits.maxBytes, files: 1 } }).single('file');
    await new Promise<void>((resolve, reject) =>
      upload(request, response, (error: unknown) => {
        if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') {
          reject(new ImportFileRejected('FileTooLarge', `Berkas melebihi batas ${this.limits.maxBytes / 1024 / 1024} MB. Bagi data ke beberapa berkas.`));
        } else if (error) reject(new ImportFileRejected('NotASpreadsheet', 'Unggahan tidak dapat dibaca. Kirim satu berkas XLSX atau CSV pada kolom "file".'));
        else resolve();
      }),
    );
    if (!request.file) throw new ImportFileRejected('EmptyFile', 'Tidak ada berkas yang diunggah. Pilih berkas XLSX atau CSV.');
    return request.file;
  }
}
