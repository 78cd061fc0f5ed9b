import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsString,
  Length,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { DEFAULT_POLICY, type PolicyDuration } from '../agreements/domain/policy';
import type { PolicyOverride } from './region-policy';

/** Optional, but never `null`: a field is either left out or valid. */
const Optional = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);

/** The most reminders a region may ask for before a deadline: with the escalations, every deadline plans a bounded number of jobs. */
export const MAX_REMINDERS_BEFORE = 10;
export const MAX_ESCALATIONS = 20;

export class EscalationOverrideDto {
  /** First escalation this many days after the due date (0: on the day). */
  @IsInt()
  @Min(0)
  @Max(365)
  afterDays!: number;

  /** Then one every this many days. */
  @IsInt()
  @Min(1)
  @Max(365)
  everyDays!: number;

  /** Escalations in all. */
  @IsInt()
  @Min(0)
  @Max(MAX_ESCALATIONS)
  times!: number;
}

export class RuleOverrideDto {
  /** Days before the due date, each at most three years. */
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_REMINDERS_BEFORE)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(1095, { each: true })
  remindDaysBefore?: number[];

  @Optional()
  @IsBoolean()
  remindOnDueDay?: boolean;

  @Optional()
  @ValidateNested()
  @Type(() => EscalationOverrideDto)
  escalation?: EscalationOverrideDto;

  /** Why the region changed it (law, a regional regulation, practice). */
  @Optional()
  @IsString()
  @Length(1, 500)
  note?: string;
}

/** One entry per deadline kind of the reminder table; any other name is refused. */
export class RulesOverrideDto {
  @Optional() @ValidateNested() @Type(() => RuleOverrideDto) 'offer-answer'?: RuleOverrideDto;
  @Optional() @ValidateNested() @Type(() => RuleOverrideDto) 'ksb-without-pks'?: RuleOverrideDto;
  @Optional() @ValidateNested() @Type(() => RuleOverrideDto) 'follow-up-due'?: RuleOverrideDto;
  @Optional() @ValidateNested() @Type(() => RuleOverrideDto) 'visit-scheduling'?: RuleOverrideDto;
  @Optional() @ValidateNested() @Type(() => RuleOverrideDto) 'semester-report'?: RuleOverrideDto;
  @Optional() @ValidateNested() @Type(() => RuleOverrideDto) monev?: RuleOverrideDto;
  @Optional() @ValidateNested() @Type(() => RuleOverrideDto) 'ksb-end'?: RuleOverrideDto;
  @Optional() @ValidateNested() @Type(() => RuleOverrideDto) 'pks-end'?: RuleOverrideDto;
}

/** A whole number within the duration's bounds: as far as the law allows, or a sane range where practice sets it. */
const WithinBounds = (name: PolicyDuration): PropertyDecorator => {
  const { unit, basis, bounds } = DEFAULT_POLICY[name];
  return ValidateBy({
    name: 'withinPolicyBounds',
    validator: {
      validate: (value: unknown) => Number.isInteger(value) && (value as number) >= bounds.min && (value as number) <= bounds.max,
      defaultMessage: () =>
        `durations.${name} must be a whole number of ${unit} from ${bounds.min} to ${bounds.max} (${basis === 'law' ? 'as far as the law allows' : 'a sane range'})`,
    },
  });
};

/** One entry per duration of the lifecycle, each within its own bounds; any other name is refused. */
export class DurationsOverrideDto implements Partial<Record<PolicyDuration, number>> {
  @Optional() @WithinBounds('ksbMaxTermMonths') ksbMaxTermMonths?: number;
  @Optional() @WithinBounds('pksMaxTermMonths') pksMaxTermMonths?: number;
  @Optional() @WithinBounds('offerAnswerDays') offerAnswerDays?: number;
  @Optional() @WithinBounds('ksbWithoutPksDays') ksbWithoutPksDays?: number;
  @Optional() @WithinBounds('reciprocalVisitSchedulingDays') reciprocalVisitSchedulingDays?: number;
  @Optional() @WithinBounds('monevIntervalMonths') monevIntervalMonths?: number;
  @Optional() @WithinBounds('semesterReportDueDays') semesterReportDueDays?: number;
}

/** A region's override of the reminder policy: the whole override, replacing the one before. */
export class PolicyOverrideDto implements PolicyOverride {
  /** The hour reminders go out (0–23), in the region's own time zone. */
  @Optional()
  @IsInt()
  @Min(0)
  @Max(23)
  sendAtHour?: number;

  /** The name `sendAtHour` had while every region was on Jakarta time. */
  @Optional()
  @IsInt()
  @Min(0)
  @Max(23)
  sendAtHourWib?: number;

  /** How many days late a reminder is still sent. */
  @Optional()
  @IsInt()
  @Min(0)
  @Max(30)
  catchUpDays?: number;

  @Optional()
  @ValidateNested()
  @Type(() => RulesOverrideDto)
  rules?: RulesOverrideDto;

  @Optional()
  @ValidateNested()
  @Type(() => DurationsOverrideDto)
  durations?: DurationsOverrideDto;
}
