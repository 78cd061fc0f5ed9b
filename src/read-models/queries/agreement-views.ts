import type { AgreementStatus } from '../../../projections/agreement-status/agreement-status';
import { agreementStatusProjection } from '../../../projections/agreement-status/agreement-status.projection';
import type { Deadline } from '../../../projections/agreement-status/deadlines';
import type { SqlValue } from '../../../projections/projection';
import { daysBetween, type IsoDate } from '../../agreements/domain/dates';
import type { ReadModelSnapshot } from './read-model.reader';

/** A pending deadline as of today: `daysLeft` is negative once it has passed. */
export interface DeadlineView extends Deadline {
  daysLeft: number;
  overdueDays: number;
}

export interface FollowUpCounts {
  open: number;
  /** Open and past their due date, as of today. */
  overdue: number;
  done: number;
  cancelled: number;
}

/** The agreement-status document with what depends on today's date and on the policy in force. */
export interface AgreementStatusView extends AgreementStatus {
  followUpCounts: FollowUpCounts;
  /** The earliest pending deadline, overdue or not. */
  nextDeadline: DeadlineView | null;
  /** Days until the end date, while the KSB is active. */
  daysUntilEnd: number | null;
}

export function deadlineView(deadline: Deadline, today: IsoDate): DeadlineView {
  const daysLeft = daysBetween(today, deadline.dueOn);
  return { ...deadline, daysLeft, overdueDays: Math.max(0, -daysLeft) };
}

/** As of today in the proposer's time zone, with the deadlines under the proposer's policy (see `deadlinesOf`). */
export function agreementStatusView(status: AgreementStatus, snapshot: ReadModelSnapshot): AgreementStatusView {
  const today = snapshot.todayIn(status.proposer);
  const counts: FollowUpCounts = { open: 0, overdue: 0, done: 0, cancelled: 0 };
  for (const followUp of status.followUps) {
    switch (followUp.status) {
      case 'completed':
        counts.done++;
        break;
      case 'cancelled':
        counts.cancelled++;
        break;
      case 'assigned':
      case 'acknowledged':
      case 'in-progress':
        counts.open++;
        if (followUp.dueDate < today) counts.overdue++;
        break;
    }
  }
  const [next] = snapshot.deadlinesOf(status);
  const { validUntil } = status.dates;
  return {
    ...status,
    followUpCounts: counts,
    nextDeadline: next ? deadlineView(next, today) : null,
    daysUntilEnd: status.stage === 'active' && validUntil ? daysBetween(today, validUntil) : null,
  };
}

/**
 * The agreement-status documents of the agreements a region is a party to; with `dueBy`, only those whose deadline
 * floor is on or before that day (a superset of those with a deadline due by then, whatever the policy).
 */
export async function documentsOfRegion(snapshot: ReadModelSnapshot, region: string, options: { dueBy?: IsoDate } = {}): Promise<AgreementStatus[]> {
  const { main, lists } = snapshot.tables(agreementStatusProjection);
  const params: SqlValue[] = options.dueBy ? [region, options.dueBy] : [region];
  return (
    await snapshot.all<{ document: string }>(
      `SELECT s.document FROM ${lists.parties} p JOIN ${main} s ON s.key = p.key
       WHERE p.region = ? ${options.dueBy ? 'AND s.deadline_floor_on <= ?' : ''} ORDER BY s.key`,
      ...params,
    )
  ).map((row) => JSON.parse(row.document) as AgreementStatus);
}
