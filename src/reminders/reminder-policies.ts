import { readFileSync } from 'node:fs';
import { InvalidInput } from '../core/domain-error';
import {
  type AgreementPolicy,
  DEFAULT_POLICY,
  POLICY_DURATIONS,
  type PolicyDuration,
  DEFAULT_REMINDER_POLICY,
  type ReminderDeadlineKind,
  type ReminderPolicy,
  type ReminderRule,
} from '../agreements/domain/policy';
import type { RemindersStore } from './reminders.store';

/** What a region may change: the reminder rules, the hour they go out, and every duration of the lifecycle. */
export interface PolicyOverride {
  /** In the region's own time zone. */
  sendAtHour?: number;
  /** The name `sendAtHour` had while every region was on Jakarta time: overrides saved then still count. */
  sendAtHourWib?: number;
  catchUpDays?: number;
  rules?: Partial<Record<ReminderDeadlineKind, Partial<Omit<ReminderRule, 'basis' | 'note'>> & { note?: string }>>;
  durations?: Partial<Record<PolicyDuration, number>>;
}

/** A region's policy: the defaults, then the config file's entry, then what the region set through the API. */
export interface EffectivePolicy {
  region: string;
  /** Changes whenever an override does, so a plan made under an older policy can be told apart. */
  version: string;
  reminders: ReminderPolicy;
  agreement: AgreementPolicy;
  overriddenBy: ('config-file' | 'api')[];
}

export class InvalidPolicyOverride extends InvalidInput {}

const KINDS = Object.keys(DEFAULT_REMINDER_POLICY.rules) as ReminderDeadlineKind[];

/**
 * The reminder policy of each region. Every entry of DOMAIN.md's table is a default with its basis (law or
 * practice); a region overrides entries in the config file (`SINERGI_POLICY_FILE`: `{ "regions": { "36": {...} } }`)
 * or through the API, and the scheduler reschedules whatever the change affects.
 */
export class ReminderPolicies {
  private readonly fromFile: Map<string, PolicyOverride>;
  private readonly fromApi = new Map<string, PolicyOverride>();
  private readonly cache = new Map<string, EffectivePolicy>();
  private revision = 0;

  constructor(
    private readonly store: RemindersStore,
    policyFile?: string,
  ) {
    this.fromFile = new Map(policyFile ? Object.entries(readPolicyFile(policyFile)) : []);
    for (const { region, override } of store.policyOverrides()) this.fromApi.set(region, JSON.parse(override) as PolicyOverride);
  }

  /** Bumped by every override saved through the API: the scheduler replans when it changes. */
  get changes(): number {
    return this.revision;
  }

  of(region: string): EffectivePolicy {
    let policy = this.cache.get(region);
    if (!policy) {
      policy = effectivePolicy(region, this.fromFile.get(region), this.fromApi.get(region));
      this.cache.set(region, policy);
    }
    return policy;
  }

  override(region: string, override: PolicyOverride, by: string, at: string): EffectivePolicy {
    validateOverride(override);
    this.store.savePolicyOverride(region, JSON.stringify(override), by, at);
    this.fromApi.set(region, override);
    this.cache.delete(region);
    this.revision++;
    return this.of(region);
  }
}

function effectivePolicy(region: string, fromFile: PolicyOverride | undefined, fromApi: PolicyOverride | undefined): EffectivePolicy {
  let reminders = DEFAULT_REMINDER_POLICY;
  let agreement = DEFAULT_POLICY;
  for (const override of [fromFile, fromApi]) {
    if (!override) continue;
    const rules = { ...reminders.rules };
    for (const kind of KINDS) {
      const change = override.rules?.[kind];
      if (change) rules[kind] = { ...rules[kind], ...change, basis: 'practice', note: change.note ?? `${rules[kind].note} (changed by region ${region})` };
    }
    reminders = {
      ...reminders,
      rules,
      sendAtHour: override.sendAtHour ?? override.sendAtHourWib ?? reminders.sendAtHour,
      catchUpDays: override.catchUpDays ?? reminders.catchUpDays,
    };
    const durations = { ...agreement };
    for (const name of POLICY_DURATIONS) {
      const value = override.durations?.[name];
      // The basis stays: a law's bound still holds the region's value (the override is checked against it).
      if (value !== undefined) durations[name] = { ...durations[name], value, note: `${durations[name].note} (changed by region ${region})` };
    }
    agreement = durations;
  }
  const overriddenBy = [...(fromFile ? (['config-file'] as const) : []), ...(fromApi ? (['api'] as const) : [])];
  const version = `${DEFAULT_REMINDER_POLICY.version}.${DEFAULT_POLICY.version}${overriddenBy.length ? `+${hashOf(JSON.stringify([fromFile, fromApi]))}` : ''}`;
  return { region, version, reminders, agreement, overriddenBy };
}

function validateOverride(override: PolicyOverride): void {
  const days = (value: unknown, field: string) => {
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 3650)) {
      throw new InvalidPolicyOverride(`${field} must be a whole number of days from 0 to 3650`, field);
    }
  };
  for (const field of ['sendAtHour', 'sendAtHourWib'] as const) {
    const hour = override[field];
    if (hour !== undefined && (!Number.isInteger(hour) || hour < 0 || hour > 23)) throw new InvalidPolicyOverride(`${field} must be an hour from 0 to 23`, field);
  }
  days(override.catchUpDays, 'catchUpDays');
  for (const [name, value] of Object.entries(override.durations ?? {})) {
    if (!(POLICY_DURATIONS as readonly string[]).includes(name)) throw new InvalidPolicyOverride(`unknown duration ${name}`, `durations.${name}`);
    const { unit, basis, bounds } = DEFAULT_POLICY[name as PolicyDuration];
    if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) {
      const why = basis === 'law' ? 'as far as the law allows' : 'a sane range';
      throw new InvalidPolicyOverride(`durations.${name} must be a whole number of ${unit} from ${bounds.min} to ${bounds.max} (${why})`, `durations.${name}`);
    }
  }
  for (const [kind, rule] of Object.entries(override.rules ?? {})) {
    if (!KINDS.includes(kind as ReminderDeadlineKind)) throw new InvalidPolicyOverride(`unknown deadline kind ${kind}`, `rules.${kind}`);
    if (rule.remindDaysBefore !== undefined) {
      if (!Array.isArray(rule.remindDaysBefore)) throw new InvalidPolicyOverride('remindDaysBefore must be a list of days', `rules.${kind}.remindDaysBefore`);
      rule.remindDaysBefore.forEach((d, i) => days(d, `rules.${kind}.remindDaysBefore.${i}`));
    }
    if (rule.escalation) {
      days(rule.escalation.afterDays, `rules.${kind}.escalation.afterDays`);
      days(rule.escalation.everyDays, `rules.${kind}.escalation.everyDays`);
      if (!Number.isInteger(rule.escalation.times) || rule.escalation.times < 0 || rule.escalation.times > 52) {
        throw new InvalidPolicyOverride('escalation.times must be from 0 to 52', `rules.${kind}.escalation.times`);
      }
    }
  }
}

function readPolicyFile(file: string): Record<string, PolicyOverride> {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { regions?: Record<string, PolicyOverride> };
  for (const override of Object.values(parsed.regions ?? {})) validateOverride(override);
  return parsed.regions ?? {};
}

function hashOf(text: string): string {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return (hash >>> 0).toString(36);
}
