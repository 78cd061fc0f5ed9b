import { Controller, Get, Header, Param, Query, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { dateInJakarta } from '../../agreements/domain/dates';
import { Clock } from '../../core/clock.port';
import { type CsvDialect, csvLine, csvStart } from '../../core/csv';
import { CsvDialectQuery, csvDialectOf } from '../../http/csv-query';
import { PublicRoute } from '../../access/request-actor';
import { RegionCodePipe } from '../../read-models/http/read-models.controller';
import { OpenDataFeed, type OpenDataScope } from '../application/open-data.feed';
import { OPEN_COLUMNS, openAgreementCells } from '../application/open-agreement';
import type { OpenDataMetadata } from '../application/open-data-metadata';

/** Writes chunk after chunk, waiting whenever the client is slower than the read: memory stays flat. */
async function streamOut(response: Response, chunks: AsyncIterable<string>): Promise<void> {
  for await (const chunk of chunks) {
    if (response.destroyed) return;
    if (!response.write(chunk)) {
      await new Promise<void>((resolve) => {
        const go = (): void => {
          response.off('drain', go);
          response.off('close', go);
          resolve();
        };
        response.on('drain', go);
        response.on('close', go);
      });
    }
  }
  response.end();
}

async function* csvChunks(feed: OpenDataFeed, scope: OpenDataScope, dialect: CsvDialect): AsyncGenerator<string> {
  yield csvStart(dialect) + csvLine(OPEN_COLUMNS.map((c) => c.name), dialect);
  for await (const page of feed.pages(scope)) yield page.map((record) => csvLine(openAgreementCells(record), dialect)).join('');
}

async function* jsonChunks(feed: OpenDataFeed, scope: OpenDataScope): AsyncGenerator<string> {
  let separator = '';
  yield '[';
  for await (const page of feed.pages(scope)) {
    let chunk = '';
    for (const record of page) {
      chunk += `${separator}\n${JSON.stringify(record)}`;
      separator = ',';
    }
    yield chunk;
  }
  yield '\n]\n';
}

const CSV = 'text/csv; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Open data, without a token: the agreements of the regions that opted in (a setting of the region), public facts
 * only, with metadata in the Satu Data Indonesia manner. A region that has not opted in answers 404.
 */
@ApiTags('open data')
@PublicRoute()
@Controller('open-data')
export class OpenDataController {
  constructor(
    private readonly feed: OpenDataFeed,
    private readonly clock: Clock,
  ) {}

  /** The regions that publish their agreements, with the day they opted in. */
  @Get('regions.json')
  async publishers(): Promise<{ code: string; name: string; level: string; provinceCode: string; since?: string }[]> {
    return (await this.feed.publishers()).map(({ region, since }) => ({ ...region, ...(since ? { since } : {}) }));
  }

  /** What the national dataset holds: title, producers, period, every column's definition, codes, licence, last update. */
  @Get('metadata.json')
  metadata(): Promise<OpenDataMetadata> {
    return this.feed.metadata({}, '/open-data', dateInJakarta(this.clock.now()));
  }

  /** Every publishing region's agreements, one line each. */
  @Get('agreements.csv')
  @ApiProduces(CSV)
  @Header('Content-Type', CSV)
  @Header('Content-Disposition', 'attachment; filename="kerja-sama-daerah.csv"')
  nationalCsv(@Query() query: CsvDialectQuery, @Res() response: Response): Promise<void> {
    return streamOut(response, csvChunks(this.feed, {}, csvDialectOf(query)));
  }

  @Get('agreements.json')
  @Header('Content-Type', JSON_TYPE)
  nationalJson(@Res() response: Response): Promise<void> {
    return streamOut(response, jsonChunks(this.feed, {}));
  }

  @Get('regions/:code/metadata.json')
  async regionMetadata(@Param('code', RegionCodePipe) code: string): Promise<OpenDataMetadata> {
    await this.feed.requirePublished(code);
    return this.feed.metadata({ region: code }, `/open-data/regions/${code}`, dateInJakarta(this.clock.now()));
  }

  /** The agreements the region is a party to, when it publishes. */
  @Get('regions/:code/agreements.csv')
  @ApiProduces(CSV)
  async regionCsv(@Param('code', RegionCodePipe) code: string, @Query() query: CsvDialectQuery, @Res() response: Response): Promise<void> {
    await this.feed.requirePublished(code);
    response.setHeader('Content-Type', CSV);
    response.setHeader('Content-Disposition', `attachment; filename="kerja-sama-daerah-${code}.csv"`);
    return streamOut(response, csvChunks(this.feed, { region: code }, csvDialectOf(query)));
  }

  @Get('regions/:code/agreements.json')
  async regionJson(@Param('code', RegionCodePipe) code: string, @Res() response: Response): Promise<void> {
    await this.feed.requirePublished(code);
    response.setHeader('Content-Type', JSON_TYPE);
    return streamOut(response, jsonChunks(this.feed, { region: code }));
  }
}
