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
