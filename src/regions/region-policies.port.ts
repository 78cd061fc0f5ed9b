import { type AgreementPolicy, DEFAULT_POLICY } from '../agreements/domain/policy';

/**
 * The durations in force for a region: the defaults of DOMAIN.md with the region's overrides. An agreement follows
 * its proposer's (the region that offered it keeps its file), on the command path and wherever a deadline is dated.
 */
export abstract class RegionPolicies {
  abstract agreementPolicyOf(region: string): AgreementPolicy;
  /**
   * The regions whose durations differ from the defaults (an override in the config file or through the API): every
   * other region's deadlines fall where `DEFAULT_POLICY` puts them, which the read model stores and indexes.
   */
  abstract regionsWithOwnDurations(): readonly string[];
}

/** Every region on the defaults of DOMAIN.md: for tools that run the command path without the regions' overrides. */
export const DEFAULT_REGION_POLICIES: RegionPolicies = { agreementPolicyOf: () => DEFAULT_POLICY, regionsWithOwnDurations: () => [] };
