import { Injectable } from '@nestjs/common';
import type { FollowUpSummary } from '../../../projections/agreement-status/agreement-status';
import { isFollowUpOpen } from '../../agreements/domain/agreement.state';
import { daysBetween, type IsoDate } from '../../agreements/domain/dates';
import { ReadModelReader } from './read-model.reader';
import { documentsOfRegion } from './agreement-views';

/** An open follow-up with the agreement (and PKS) it serves, and where it stands as of today. */
export interface WorklistItem extends FollowUpSummary {
  agreementId: string;
  agreementTitle: string;
  pksTitle?: string;
  daysLeft: number;
  overdueDays: number;
}

export interface Worklist {
  region: string;
  opd?: string;
  /** Per OPD of the region: how many follow-ups are open, and how many of them overdue. */
  opds: { opd: string; open: number; overdue: number }[];
  /** Earliest due first. */
  items: WorklistItem[];
  asOf: IsoDate;
}

/** The dinas worklist: the open follow-ups of one region's OPDs (or of one OPD), from its agreements' documents. */
@Injectable()
export class WorklistQuery {
  constructor(private readonly reader: ReadModelReader) {}

  worklist(region: string, opd?: string): Promise<Worklist> {
    return this.reader.read(async (snapshot) => {
      const items = (await documentsOfRegion(snapshot, region)).flatMap((status) => {
        // A due date ends at midnight of the agreement's own day (its proposer's time zone).
        const today = snapshot.todayIn(status.proposer);
        return status.followUps
          .filter((f) => f.party === region && isFollowUpOpen(f.status) && (!opd || f.opd === opd))
          .map((followUp): WorklistItem => {
            const pksTitle = followUp.pksId ? status.pks.find((p) => p.pksId === followUp.pksId)?.title : undefined;
            const daysLeft = daysBetween(today, followUp.dueDate);
            return {
              ...followUp,
              agreementId: status.agreementId,
              agreementTitle: status.title,
              ...(pksTitle ? { pksTitle } : {}),
              daysLeft,
              overdueDays: Math.max(0, -daysLeft),
            };
          });
      });
      items.sort((a, b) => a.daysLeft - b.daysLeft || a.agreementId.localeCompare(b.agreementId) || a.followUpId.localeCompare(b.followUpId));
      const opds = new Map<string, { opd: string; open: number; overdue: number }>();
      for (const item of items) {
        const summary = opds.get(item.opd) ?? { opd: item.opd, open: 0, overdue: 0 };
        summary.open++;
        if (item.overdueDays > 0) summary.overdue++;
        opds.set(item.opd, summary);
      }
      return {
        region,
        ...(opd ? { opd } : {}),
        opds: [...opds.values()].sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.opd.localeCompare(b.opd)),
        items,
        asOf: snapshot.todayIn(region),
      };
    });
  }
}
