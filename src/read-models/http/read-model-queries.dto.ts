import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { IsIsoDate, IsRegionCode } from '../../agreements/http/dto/validators';
import type { AgreementStage } from '../../agreements/domain/agreement.state';
import { AGREEMENT_SORTS } from '../queries/agreement-list.query';
import { IsText } from '../../http/validation';

type ListedStage = Exclude<AgreementStage, 'none'>;
// A record, so that a stage added to the domain and forgotten here fails to compile.
const STAGES = Object.keys({
  proposed: true,
  negotiating: true,
  'awaiting-signatures': true,
  active: true,
  expired: true,
  terminated: true,
  declined: true,
  withdrawn: true,
} satisfies Record<ListedStage, true>) as ListedStage[];

const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,1000}$/;
const SORT_PATTERN = new RegExp(`^-?(${AGREEMENT_SORTS.join('|')})$`);

/** `GET /agreements`: agreement status, filtered, sorted and paged. */
export class AgreementListQueryDto {
  /** Only agreements this region is a party to (Kemendagri code). */
  @IsOptional()
  @IsRegionCode()
  region?: string;

  @IsOptional()
  @IsIn(STAGES)
  stage?: ListedStage;

  /** A field of cooperation (urusan), as recorded in the proposal. */
  @IsOptional()
  @IsText(200)
  field?: string;

  /** Text the title contains (case-insensitive). */
  @IsOptional()
  @IsText(200)
  q?: string;

  /** `updated`, `title`, `offeredOn`, `validUntil` or `nextDeadline`; a leading `-` sorts descending. Default `-updated`. */
  @IsOptional()
  @Matches(SORT_PATTERN, { message: `sort must be one of ${AGREEMENT_SORTS.join(', ')}, optionally prefixed with -` })
  sort?: string;

  /** A page by number (read by offset); the `links` of a page lead to the next and previous ones by cursor. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page?: number;

  /** The page after this cursor (from `links.next`): as fast however deep. */
  @IsOptional()
  @Matches(CURSOR_PATTERN, { message: 'after must be a cursor from a page\'s links' })
  after?: string;

  /** The page before this cursor (from `links.prev`). */
  @IsOptional()
  @Matches(CURSOR_PATTERN, { message: 'before must be a cursor from a page\'s links' })
  before?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

/** `GET /regions/:code/portfolio`. */
export class PortfolioQueryDto {
  /** Count only agreements at this stage. */
  @IsOptional()
  @IsIn(STAGES)
  stage?: ListedStage;
}

/** `GET /regions/:code/worklist`. */
export class WorklistQueryDto {
  /** Only this OPD's follow-ups. */
  @IsOptional()
  @IsText(200)
  opd?: string;
}

/** `GET /regions/:code/deadlines`. */
export class DeadlinesQueryDto {
  /** First due date included; without it, pending deadlines already past are included. */
  @IsOptional()
  @IsIsoDate()
  from?: string;

  /** Last due date included. */
  @IsOptional()
  @IsIsoDate()
  to?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

/** `GET /regions/:code/activity`. */
export class ActivityQueryDto {
  /** Only events before this position: the `nextBefore` of the previous page. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  before?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
