import type { Decider } from '../core/decider';
import type { DeadlineKind, PolicyDuration, ReminderRule } from '../agreements/domain/policy';

/** What a region may change: the reminder rules, the hour they go out, and every duration of the lifecycle. */
export interface PolicyOverride {
  /** In the region's own time zone. */
  sendAtHour?: number;
  /** The name `sendAtHour` had while every region was on Jakarta time: overrides saved then still count. */
  sendAtHourWib?: number;
  catchUpDays?: number;
  rules?: Partial<Record<DeadlineKind, Partial<Pick<ReminderRule, 'remindDaysBefore' | 'remindOnDueDay' | 'escalation' | 'note'>>>>;
  durations?: Partial<Record<PolicyDuration, number>>;
}

/** A region's policy overrides are one stream: each change with who made it and when. */
export const regionPolicyStreamId = (region: string): string => `region-policy-${region}`;
export const REGION_POLICY_STREAM_PREFIX = 'region-policy-';

/** The region's whole override, replacing the one before (an empty override returns to the defaults). */
export type ReminderPolicyChanged = { type: 'ReminderPolicyChanged'; data: { region: string; override: PolicyOverride } };
export type RegionPolicyEvent = ReminderPolicyChanged;
export type RegionPolicyCommand = { type: 'ChangeReminderPolicy'; data: ReminderPolicyChanged['data'] };

export const regionPolicyDecider: Decider<null, RegionPolicyCommand, RegionPolicyEvent> = {
  initialState: null,
  evolve: (state) => state,
  decide: (command) => [{ type: 'ReminderPolicyChanged', data: command.data }],
};
