import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PublicRoute } from '../http/request-actor';
import { type Region, RegionDirectory } from '../regions/region-directory';

/** The official region names by code, for screens that show regions by name: public data, no token needed. */
@ApiTags('regions')
@Controller('regions')
export class RegionsController {
  private readonly list: Region[];

  constructor(regions: RegionDirectory) {
    this.list = regions.all().sort((a, b) => (a.code < b.code ? -1 : 1));
  }

  @Get()
  @PublicRoute()
  @Header('Cache-Control', 'public, max-age=86400')
  all(): Region[] {
    return this.list;
  }
}
