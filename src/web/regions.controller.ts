import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type TimeZone, timeZoneOf } from '../agreements/domain/dates';
import { PublicRoute } from '../access/request-actor';
import { type Region, RegionDirectory } from '../regions/domain/region-directory';

/** A region as the screens show it: with the zone of its clock (WIB, WITA, WIT), by which the web app counts its days. */
export interface RegionWithClock extends Region {
  timeZone: TimeZone;
}

/**
 * The official region names by code, with each region's time zone, for screens that show regions by name and dates
 * on their clock: public data, no token needed.
 */
@ApiTags('regions')
@Controller('regions')
export class RegionsController {
  private readonly list: RegionWithClock[];

  constructor(regions: RegionDirectory) {
    this.list = regions
      .all()
      .sort((a, b) => (a.code < b.code ? -1 : 1))
      .map((region) => ({ ...region, timeZone: timeZoneOf(region.code) }));
  }

  @Get()
  @PublicRoute()
  @Header('Cache-Control', 'public, max-age=86400')
  all(): RegionWithClock[] {
    return this.list;
  }
}
