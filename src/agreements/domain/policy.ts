/**
 * Every duration of the lifecycle is a policy parameter: the official texts do not fix the day counts,
 * so each entry says whether it rests on law or on practice, and a region may override it.
 */
export interface PolicyParameter {
  value: number;
  unit: 'days' | 'months';
  basis: 'law' | 'practice';
  note: string;
}

export interface AgreementPolicy {
  version: number;
  ksbMaxTermMonths: PolicyParameter;
  pksMaxTermMonths: PolicyParameter;
  offerAnswerDays: PolicyParameter;
  ksbWithoutPksDays: PolicyParameter;
  reciprocalVisitSchedulingDays: PolicyParameter;
}

export const DEFAULT_POLICY: AgreementPolicy = {
  version: 1,
  ksbMaxTermMonths: {
    value: 60,
    unit: 'months',
    basis: 'practice',
    note: 'Common regional guidance (5 years); not confirmed in the text of PP 28/2018.',
  },
  pksMaxTermMonths: {
    value: 60,
    unit: 'months',
    basis: 'practice',
    note: 'Common regional guidance (5 years); a PKS never ends after its KSB.',
  },
  offerAnswerDays: {
    value: 30,
    unit: 'days',
    basis: 'practice',
    note: 'How long a counterpart may take to answer an offer.',
  },
  ksbWithoutPksDays: {
    value: 180,
    unit: 'days',
    basis: 'practice',
    note: 'How long an active KSB may stay without a PKS before inspectors flag it.',
  },
  reciprocalVisitSchedulingDays: {
    value: 90,
    unit: 'days',
    basis: 'practice',
    note: 'How long a requested reciprocal visit may stay unscheduled.',
  },
};

/** The rows of DOMAIN.md's deadline table that reminders follow. */
export type ReminderDeadlineKind =
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
  /** The engine records the end of the agreement (or PKS) on its due date. */
  recordExpiryOnDueDay?: true;
  basis: 'law' | 'practice';
  note: string;
}

export interface ReminderPolicy {
  version: number;
  rules: Record<ReminderDeadlineKind, ReminderRule>;
  /** Reminders go out at this hour, Jakarta time (WIB). */
  sendAtHourWib: number;
  /**
   * A reminder whose day passed while nothing could send it (Redis down, server stopped) is still sent within this
   * many days; older ones are left out, since a later reminder of the same deadline supersedes them.
   */
  catchUpDays: number;
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  version: 1,
  sendAtHourWib: 8,
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
      recordExpiryOnDueDay: true,
      basis: 'practice',
      note: 'Inspectors flag agreements that expired without extension; the engine records the expiry on the day.',
    },
    'pks-end': {
      remindDaysBefore: [180, 90, 30],
      remindOnDueDay: false,
      recordExpiryOnDueDay: true,
      basis: 'practice',
      note: 'As for the KSB; a PKS never ends after its KSB.',
    },
  },
};
