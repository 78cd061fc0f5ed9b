import { activityProjection } from './activity/activity.projection';
import { agreementStatusProjection } from './agreement-status/agreement-status.projection';
import type { AnyProjection } from './projection';

/** Every read model, by name: what the projector keeps live and `sinergi rebuild` can rebuild. */
export const ALL_PROJECTIONS: readonly AnyProjection[] = [agreementStatusProjection, activityProjection];

export function projectionsNamed(names: readonly string[]): AnyProjection[] {
  return names.map((name) => {
    const projection = ALL_PROJECTIONS.find((p) => p.name === name);
    if (!projection) throw new Error(`no projection is named "${name}"; known: ${ALL_PROJECTIONS.map((p) => p.name).join(', ')}`);
    return projection;
  });
}
