import { Controller, Get, Injectable, Param, type PipeTransform, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Principal } from '../../access/principal';
import { InvalidInput, NotFound } from '../../core/domain-error';
import { authorizeRegionRead, regionReadScope } from '../../agreements/application/agreement-access';
import { CurrentPrincipal } from '../../access/request-actor';
import { RegionDirectory } from '../../regions/domain/region-directory';
import { type ActivityFeed, ActivityFeedQuery } from '../queries/activity-feed.query';
import { type AgreementSort, AgreementListQuery, type Page } from '../queries/agreement-list.query';
import type { AgreementStatusView } from '../queries/agreement-views';
import { type DeadlineSchedule, DeadlineScheduleQuery } from '../queries/deadline-schedule.query';
import { type RegionPortfolio, RegionPortfolioQuery } from '../queries/region-portfolio.query';
import { type Worklist, WorklistQuery } from '../queries/worklist.query';
import { ActivityQueryDto, AgreementListQueryDto, DeadlinesQueryDto, PortfolioQueryDto, WorklistQueryDto } from './read-model-queries.dto';

export class RegionNotFound extends NotFound {
  constructor(code: string) {
    super(`${code} is not an official Kemendagri region code`, 'code');
  }
}

export class OnePagePosition extends InvalidInput {
  constructor() {
    super('give one of page, after and before: a page by number, or the page after or before a cursor', 'page');
  }
}

/** A page of the list with the links to the pages next to it: the same filters and sort, and a cursor. */
export type LinkedPage<Item> = Page<Item> & { links: { next?: string; prev?: string } };

/** The `:code` of a region route: an official region code, or 404. */
@Injectable()
export class RegionCodePipe implements PipeTransform<string, string> {
  constructor(private readonly regions: RegionDirectory) {}

  transform(code: string): string {
    if (!this.regions.find(code)) throw new RegionNotFound(code);
    return code;
  }
}

/**
 * The read models. Queries read documents the projections keep, never the event streams; figures relative to
 * today (days left, overdue days, ending soon) are computed at query time from the clock.
 */
@ApiTags('read models')
@Controller()
export class ReadModelsController {
  constructor(
    private readonly agreements: AgreementListQuery,
    private readonly portfolios: RegionPortfolioQuery,
    private readonly worklists: WorklistQuery,
    private readonly deadlines: DeadlineScheduleQuery,
    private readonly activity: ActivityFeedQuery,
  ) {}

  /**
   * Where every agreement stands: stage, parties, key dates, PKS, follow-up counts, next deadline. `links.next` and
   * `links.prev` lead to the pages next to this one by cursor (keyset), so a deep page answers as fast as the first.
   */
  @Get('agreements')
  async list(@CurrentPrincipal() viewer: Principal, @Query() query: AgreementListQueryDto): Promise<LinkedPage<AgreementStatusView>> {
    const sort = query.sort ?? '-updated';
    if ([query.page, query.after, query.before].filter((given) => given !== undefined).length > 1) throw new OnePagePosition();
    const pageSize = query.pageSize ?? 20;
    const { next, prev, ...page } = await this.agreements.list({
      region: regionReadScope(viewer, query.region),
      stage: query.stage,
      field: query.field,
      q: query.q,
      sort: sort.replace(/^-/, '') as AgreementSort,
      descending: sort.startsWith('-'),
      page: query.after !== undefined ? { after: query.after } : query.before !== undefined ? { before: query.before } : (query.page ?? 1),
      pageSize,
    });
    const linkTo = (cursor: Record<string, string>): string => {
      const same = Object.entries({ region: query.region, stage: query.stage, field: query.field, q: query.q, sort: query.sort, pageSize: String(pageSize) }).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      );
      return `/agreements?${new URLSearchParams([...same, ...Object.entries(cursor)])}`;
    };
    return { ...page, links: { ...(next ? { next: linkTo({ after: next }) } : {}), ...(prev ? { prev: linkTo({ before: prev }) } : {}) } };
  }

  /** A region's agreements by counterpart category, stage and field, and those ending within 180/90/30 days. */
  @Get('regions/:code/portfolio')
  portfolio(@CurrentPrincipal() viewer: Principal, @Param('code', RegionCodePipe) code: string, @Query() query: PortfolioQueryDto): Promise<RegionPortfolio> {
    authorizeRegionRead(viewer, code);
    return this.portfolios.portfolio(code, query.stage);
  }

  /** Open follow-ups of the region's OPDs, earliest due first, with overdue days. */
  @Get('regions/:code/worklist')
  worklist(@CurrentPrincipal() viewer: Principal, @Param('code', RegionCodePipe) code: string, @Query() query: WorklistQueryDto): Promise<Worklist> {
    authorizeRegionRead(viewer, code);
    return this.worklists.worklist(code, query.opd);
  }

  /** Pending deadlines for which someone of the region is to be reminded, earliest first. */
  @Get('regions/:code/deadlines')
  schedule(@CurrentPrincipal() viewer: Principal, @Param('code', RegionCodePipe) code: string, @Query() query: DeadlinesQueryDto): Promise<DeadlineSchedule> {
    authorizeRegionRead(viewer, code);
    return this.deadlines.schedule(code, { from: query.from, to: query.to, limit: query.limit ?? 200 });
  }

  /** Who did what on the region's agreements, newest first. */
  @Get('regions/:code/activity')
  feed(@CurrentPrincipal() viewer: Principal, @Param('code', RegionCodePipe) code: string, @Query() query: ActivityQueryDto): Promise<ActivityFeed> {
    authorizeRegionRead(viewer, code);
    return this.activity.feed(code, { before: query.before, limit: query.limit ?? 50 });
  }
}
