/**
 * Every duration of the lifecycle is a policy parameter: the official texts do not fix the day counts,
 * so each entry says whether it rests on law or on practice, and a region may override it within its bounds.
 */
export interface PolicyParameter {
  value: number;
  unit: 'days' | 'months';
  basis: 'law' | 'practice';
  note: string;
  /** What a region may set: where the law speaks, as far as it allows; elsewhere, a sane range. */
  bounds: { min: number; max: number };
}

export interface AgreementPolicy {
  version: number;
  ksbMaxTermMonths: PolicyParameter;
  pksMaxTermMonths: PolicyParameter;
  offerAnswerDays: PolicyParameter;
  ksbWithoutPksDays: PolicyParameter;
  reciprocalVisitSchedulingDays: PolicyParameter;
  monevIntervalMonths: PolicyParameter;
  semesterReportDueDays: PolicyParameter;
}

export type PolicyDuration = Exclude<keyof AgreementPolicy, 'version'>;

export const DEFAULT_POLICY: AgreementPolicy = {
  version: 2,
  ksbMaxTermMonths: {
    value: 60,
    unit: 'months',
    basis: 'practice',
    note: 'Common regional guidance (5 years); not confirmed in the text of PP 28/2018.',
    bounds: { min: 1, max: 120 },
  },
  pksMaxTermMonths: {
    value: 60,
    unit: 'months',
    basis: 'practice',
    note: 'Common regional guidance (5 years); a PKS never ends after its KSB.',
    bounds: { min: 1, max: 120 },
  },
  offerAnswerDays: {
    value: 30,
    unit: 'days',
    basis: 'practice',
    note: 'How long a counterpart may take to answer an offer.',
    bounds: { min: 1, max: 365 },
  },
  ksbWithoutPksDays: {
    value: 180,
    unit: 'days',
    basis: 'practice',
    note: 'How long an active KSB may stay without a PKS before inspectors flag it.',
    bounds: { min: 1, max: 1095 },
  },
  reciprocalVisitSchedulingDays: {
    value: 90,
    unit: 'days',
    basis: 'practice',
    note: 'How long a requested reciprocal visit may stay unscheduled.',
    bounds: { min: 1, max: 365 },
  },
  monevIntervalMonths: {
    value: 12,
    unit: 'months',
    basis: 'law',
    note: 'PP 28/2018: monitoring and evaluation at least yearly; a region may evaluate more often, never less.',
    bounds: { min: 1, max: 12 },
  },
  semesterReportDueDays: {
    value: 31,
    unit: 'days',
    basis: 'practice',
    note: 'Days after the end of the semester: S1 (Jan–Jun) due 31 July, S2 due 31 January (practice seen in Kota Malang).',
    bounds: { min: 0, max: 90 },
  },
};

export const POLICY_DURATIONS = Object.keys(DEFAULT_POLICY).filter((key) => key !== 'version') as PolicyDuration[];

/**
 * Every duration at the lowest value a region may set: no deadline can fall earlier than it does under this policy,
 * whatever the regions set, so the read models can keep that floor as a column and narrow their reads by it.
 */
export const FLOOR_POLICY: AgreementPolicy = {
  ...DEFAULT_POLICY,
  ...Object.fromEntries(POLICY_DURATIONS.map((name) => [name, { ...DEFAULT_POLICY[name], value: DEFAULT_POLICY[name].bounds.min }])),
};

/** The deadlines of DOMAIN.md's table, one kind per row: what the read models date and reminders follow. */
export type DeadlineKind =
  | 'offer-answer'
  | 'ksb-without-pks'
  | 'follow-up-due'
  | 'visit-scheduling'
  | 'semester-report'
  | 'monev'
  | 'ksb-end'
  | 'pks-end';

/**
 * When the people of a deadline are reminded, in days relative to its due date (negative: before it). Escalation
 * reminders also reach those a deadline names only for escalation (an OPD's head, the coordinator).
 */
export interface ReminderRule {
  remindDaysBefore: number[];
  remindOnDueDay: boolean;
  /** First escalation this many days after the due date (0: on the day), then every `everyDays`, `times` in all. */
  escalation?: { afterDays: number; everyDays: number; times: number };
  basis: 'law' | 'practice';
  note: string;
}

export interface ReminderPolicy {
  version: number;
  rules: Record<DeadlineKind, ReminderRule>;
  /** Reminders go out at this hour, in the reminded region's own time zone (WIB, WITA or WIT). */
  sendAtHour: number;
  /**
   * A reminder whose day passed while nothing could send it (Redis down, server stopped) is still sent within this
   * many days; older ones are left out, since a later reminder of the same deadline supersedes them.
   */
  catchUpDays: number;
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  version: 1,
  sendAtHour: 8,
  catchUpDays: 7,
  rules: {
    'offer-answer': { remindDaysBefore: [7], remindOnDueDay: true, basis: 'practice', note: 'DOMAIN.md: remind 7 days before and on the day.' },
    'ksb-without-pks': {
      remindDaysBefore: [30],
      remindOnDueDay: false,
      escalation: { afterDays: 0, everyDays: 30, times: 1 },
      basis: 'practice',
      note: 'Inspectors flag KSBs never followed by a PKS: remind at day 150, escalate at day 180.',
    },
    'follow-up-due': {
      remindDaysBefore: [7, 1],
      remindOnDueDay: true,
      escalation: { afterDays: 7, everyDays: 7, times: 8 },
      basis: 'practice',
      note: 'Remind 7 and 1 days before and on the day; escalate 7 days overdue, then weekly (8 weeks at most).',
    },
    'visit-scheduling': { remindDaysBefore: [], remindOnDueDay: true, basis: 'practice', note: 'A requested visit unscheduled after 90 days.' },
    'semester-report': {
      remindDaysBefore: [14],
      remindOnDueDay: false,
      basis: 'practice',
      note: 'Semester reports to the governor and the Minister of Home Affairs (practice seen in Kota Malang).',
    },
    monev: { remindDaysBefore: [30], remindOnDueDay: true, basis: 'law', note: 'PP 28/2018: monitoring and evaluation at least yearly.' },
    'ksb-end': {
      remindDaysBefore: [180, 90, 30],
      remindOnDueDay: false,
      basis: 'practice',
      note: 'Inspectors flag agreements that expired without extension (the engine records the expiry on the day, reminders or not).',
    },
    'pks-end': {
      remindDaysBefore: [180, 90, 30],
      remindOnDueDay: false,
      basis: 'practice',
      note: 'As for the KSB; a PKS never ends after its KSB.',
    },
  },
};
