import { Injectable } from '@nestjs/common';
import type { IsoDate } from '../../agreements/domain/dates';
import { ReadModelReader } from './read-model.reader';
import { type DeadlineView, deadlineView, documentsOfRegion } from './agreement-views';

export interface DeadlineScheduleFilter {
  /** Inclusive; without it, deadlines already past (and still pending) are included. */
  from?: IsoDate;
  /** Inclusive. */
  to?: IsoDate;
  limit: number;
}

export interface DeadlineSchedule {
  region: string;
  /** Earliest first. */
  items: DeadlineView[];
  /** More deadlines match than `limit` allowed. */
  truncated: boolean;
  asOf: IsoDate;
}

/**
 * The deadline schedule of one region: every pending deadline for which someone of the region is to be reminded,
 * derived from its agreements' documents (those with a deadline due by `to`). The reminders consume it.
 */
@Injectable()
export class DeadlineScheduleQuery {
  constructor(private readonly reader: ReadModelReader) {}

  schedule(region: string, filter: DeadlineScheduleFilter): Promise<DeadlineSchedule> {
    return this.reader.read(async (snapshot) => {
      const matching = (await documentsOfRegion(snapshot, region, { dueBy: filter.to }))
        .flatMap((status) => snapshot.deadlinesOf(status).map((deadline) => deadlineView(deadline, snapshot.todayIn(status.proposer))))
        .filter(
          (d) =>
            d.recipients.some((r) => r.region === region) && (!filter.from || d.dueOn >= filter.from) && (!filter.to || d.dueOn <= filter.to),
        )
        .sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : a.deadlineId < b.deadlineId ? -1 : 1));
      return {
        region,
        items: matching.slice(0, filter.limit),
        truncated: matching.length > filter.limit,
        asOf: snapshot.todayIn(region),
      };
    });
  }
}
