import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { type ValidationError, validateSync } from 'class-validator';
import { type CommandProcessor, commandContextOf } from '../core/command-processor';
import { InvalidInput } from '../core/domain-error';
import type { Actor } from '../core/event';
import {
  type AgreementPolicy,
  DEFAULT_POLICY,
  DEFAULT_REMINDER_POLICY,
  POLICY_DURATIONS,
  type DeadlineKind,
  type ReminderPolicy,
} from '../agreements/domain/policy';
import { PolicyOverrideDto } from '../regions/policy-override.dto';
import { type PolicyOverride, regionPolicyDecider, regionPolicyStreamId } from '../regions/region-policy';
import type { Registry } from '../registry/registry';

export type { PolicyOverride } from '../regions/region-policy';

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

const KINDS = Object.keys(DEFAULT_REMINDER_POLICY.rules) as DeadlineKind[];

/**
 * The reminder policy of each region. Every entry of DOMAIN.md's table is a default with its basis (law or
 * practice); a region overrides entries in the config file (`SINERGI_POLICY_FILE`: `{ "regions": { "36": {...} } }`)
 * or through the API, which records the change in the region's stream (`region-policy-<region>`): every node reads
 * it from the registry, and the scheduler reschedules whatever the change affects.
 */
export class ReminderPolicies {
  private readonly fromFile: Map<string, PolicyOverride>;
  private readonly cache = new Map<string, { position: number | undefined; policy: EffectivePolicy }>();
  private ownDurations: { changes: number; regions: readonly string[] } | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly processor: CommandProcessor,
    policyFile?: string,
  ) {
    this.fromFile = new Map(policyFile ? Object.entries(readPolicyFile(policyFile)) : []);
  }

  /** Moves with every override recorded through the API, on any node: the scheduler replans when it changes. */
  get changes(): number {
    return this.registry.policyChanges;
  }

  of(region: string): EffectivePolicy {
    const recorded = this.registry.policyOverride(region);
    const cached = this.cache.get(region);
    if (cached && cached.position === recorded?.position) return cached.policy;
    const policy = effectivePolicy(region, this.fromFile.get(region), recorded?.override);
    this.cache.set(region, { position: recorded?.position, policy });
    return policy;
  }

  /** The regions whose agreement durations differ from the defaults, from the config file or the API. */
  regionsWithOwnDurations(): readonly string[] {
    const changes = this.registry.policyChanges;
    if (this.ownDurations?.changes !== changes) {
      const regions = [...new Set([...this.fromFile.keys(), ...this.registry.regionsWithPolicyOverrides])].sort();
      const own = regions.filter((region) => POLICY_DURATIONS.some((name) => this.of(region).agreement[name].value !== DEFAULT_POLICY[name].value));
      this.ownDurations = { changes, regions: own };
    }
    return this.ownDurations.regions;
  }

  /** Records the region's new override (validated as the API's DTO is); the effective policy follows from it. */
  async override(region: string, override: PolicyOverride, by: Actor, at: Date): Promise<EffectivePolicy> {
    validateOverride(override, 'override');
    const command = { type: 'ChangeReminderPolicy' as const, data: { region, override } };
    const result = await this.processor.handle(regionPolicyDecider, regionPolicyStreamId(region), command, commandContextOf(by, at));
    await this.registry.caughtUpTo(result.position);
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

/** The same rules as the API's body (`PolicyOverrideDto`), for the config file and any caller: the first broken rule, by field. */
export function validateOverride(override: unknown, source: string): void {
  const errors = validateSync(plainToInstance(PolicyOverrideDto, override ?? {}), { whitelist: true, forbidNonWhitelisted: true });
  const first = firstProblem(errors);
  if (first) throw new InvalidPolicyOverride(`${source}: ${first.field}: ${first.message}`, first.field);
}

function firstProblem(errors: readonly ValidationError[], prefix = ''): { field: string; message: string } | undefined {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const message = Object.values(error.constraints ?? {})[0];
    if (message) return { field, message };
    const nested = firstProblem(error.children ?? [], field);
    if (nested) return nested;
  }
  return undefined;
}

function readPolicyFile(file: string): Record<string, PolicyOverride> {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { regions?: Record<string, PolicyOverride> };
  for (const [region, override] of Object.entries(parsed.regions ?? {})) validateOverride(override, `${file}: regions.${region}`);
  return parsed.regions ?? {};
}

function hashOf(text: string): string {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return (hash >>> 0).toString(36);
}
