import type { Deadline, Recipient } from '../../projections/agreement-status/deadlines';
import { instantInZone, type IsoDate, timeZoneOf } from '../agreements/domain/dates';
import type { ReminderPolicy } from '../agreements/domain/policy';

/**
 * One timer of the schedule: a deadline, one step of its reminder rule (`D-7`, `D0`, `E1` for the first
 * escalation), for the reminded people of one region (each region follows its own policy). The end of a KSB or PKS
 * is recorded by the expiry watch, with or without reminders.
 */
export interface PlannedReminder {
  /** `<deadlineId>|<region>|<step>|<dueOn>`: a deadline that moves gets new ids, so its old timers go stale. */
  reminderId: string;
  /** The reminder id as BullMQ accepts it. */
  jobId: string;
  deadlineId: string;
  agreementId: string;
  kind: Deadline['kind'];
  dueOn: IsoDate;
  step: string;
  escalation: boolean;
  /** The region whose people are reminded. */
  region: string;
  recipients: Recipient[];
  fireOn: IsoDate;
  /** Epoch milliseconds: `fireOn` at the policy's hour, in the reminded region's time zone. */
  fireAt: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** When a reminder of `day` goes out to a region: at the policy's hour on that day, in the region's own zone. */
export function fireInstant(day: IsoDate, hour: number, region: string): number {
  return instantInZone(day, timeZoneOf(region), hour);
}

/** BullMQ refuses `:` in custom ids (it separates key parts); everything else the ids hold is kept readable. */
export const jobIdOf = (reminderId: string): string => reminderId.replace(/[^A-Za-z0-9._|/@-]/g, '_');

/**
 * The reminders one deadline calls for, under the policy of each reminded region, that are still worth sending on
 * `today`: those due from `today - catchUpDays` on. Pure: the same schedule and policies give the same plan.
 */
export function planReminders(deadline: Deadline, policyOf: (region: string) => ReminderPolicy, today: IsoDate): PlannedReminder[] {
  const planned: PlannedReminder[] = [];
  const regions = [...new Set(deadline.recipients.map((r) => r.region))];
  // Days as epoch milliseconds: a full reconcile plans every deadline at once, and parsing dates dominated it.
  const dueMs = Date.parse(`${deadline.dueOn}T00:00:00Z`);
  const todayMs = Date.parse(`${today}T00:00:00Z`);
  const plan = (
    region: string,
    policy: ReminderPolicy,
    step: string,
    daysAfterDue: number,
    escalation: boolean,
    recipients: Recipient[],
  ) => {
    const fireOnMs = dueMs + daysAfterDue * DAY_MS;
    // A reminder is sent only while it still means something.
    if (fireOnMs < todayMs - policy.catchUpDays * DAY_MS) return;
    if (recipients.length === 0) return;
    const reminderId = `${deadline.deadlineId}|${region}|${step}|${deadline.dueOn}`;
    planned.push({
      reminderId,
      jobId: jobIdOf(reminderId),
      deadlineId: deadline.deadlineId,
      agreementId: deadline.agreementId,
      kind: deadline.kind,
      dueOn: deadline.dueOn,
      step,
      escalation,
      region,
      recipients,
      fireOn: new Date(fireOnMs).toISOString().slice(0, 10),
      fireAt: fireOnMs + (policy.sendAtHour - timeZoneOf(region).offsetHours) * HOUR_MS,
    });
  };
  for (const region of regions) {
    const policy = policyOf(region);
    const rule = policy.rules[deadline.kind];
    // Shared by every reminder of the region: the people reminded before the deadline, and those on escalation.
    const ofRegion = deadline.recipients.filter((r) => r.region === region);
    const beforeEscalation = ofRegion.filter((r) => !r.onEscalation);
    for (const days of rule.remindDaysBefore) plan(region, policy, `D-${days}`, -days, false, beforeEscalation);
    if (rule.remindOnDueDay) plan(region, policy, 'D0', 0, false, beforeEscalation);
    if (rule.escalation) {
      const { afterDays, everyDays, times } = rule.escalation;
      for (let n = 0; n < times; n++) plan(region, policy, `E${n + 1}`, afterDays + n * everyDays, true, ofRegion);
    }
  }
  return planned.sort((a, b) => a.fireAt - b.fireAt || (a.reminderId < b.reminderId ? -1 : 1));
}

/** A later reminder of the same deadline and region, already due, makes an earlier one pointless. */
export function isSuperseded(reminder: PlannedReminder, plan: readonly PlannedReminder[], now: number): boolean {
  return plan.some(
    (other) =>
      other.deadlineId === reminder.deadlineId &&
      other.region === reminder.region &&
      other.fireAt > reminder.fireAt &&
      other.fireAt <= now,
  );
}
