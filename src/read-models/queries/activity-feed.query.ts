import { Injectable } from '@nestjs/common';
import { type ActivityEntry, activityProjection } from '../../../projections/activity/activity.projection';
import { agreementStatusProjection } from '../../../projections/agreement-status/agreement-status.projection';
import { ReadModelReader } from './read-model.reader';

export interface ActivityFeed {
  region: string;
  /** Newest first. */
  items: ActivityEntry[];
  /** Pass as `before` for the next page; absent on the last page. */
  nextBefore?: number;
}

/** Who did what on the agreements a region is a party to, newest first. */
@Injectable()
export class ActivityFeedQuery {
  constructor(private readonly reader: ReadModelReader) {}

  feed(region: string, options: { before?: number; limit: number }): Promise<ActivityFeed> {
    return this.reader.read(async (snapshot) => {
      const activity = snapshot.tables(activityProjection).main;
      const { parties } = snapshot.tables(agreementStatusProjection).lists;
      const rows = await snapshot.all<{ document: string }>(
        `SELECT a.document FROM ${parties} p JOIN ${activity} a ON a.agreement_id = p.key
         WHERE p.region = ? AND a.key < ? ORDER BY a.key DESC LIMIT ?`,
        region,
        options.before ?? Number.MAX_SAFE_INTEGER,
        options.limit + 1,
      );
      const items = rows.slice(0, options.limit).map((row) => JSON.parse(row.document) as ActivityEntry);
      return { region, items, ...(rows.length > options.limit ? { nextBefore: items[items.length - 1].position } : {}) };
    });
  }
}
