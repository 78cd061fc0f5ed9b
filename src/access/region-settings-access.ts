import type { Actor } from '../core/event';
import { ActsForAnotherRegion, RoleNotAllowed } from './access.errors';
import { authorizeRegionRead } from '../agreements/application/agreement-access';
import type { Principal } from './principal';

/**
 * Who may change a region's settings (the signatory of its reports, its open data): the region's coordinators, and
 * the deployment's admins. Throws the rule the actor breaks (HTTP 403).
 */
export function authorizeRegionSettingsChange(actor: Actor, region: string): void {
  if (actor.role === 'admin') return;
  if (actor.role !== 'coordinator') throw new RoleNotAllowed(actor.role, "change a region's settings");
  if (actor.region !== region) throw new ActsForAnotherRegion(actor.region, region, 'code');
}

/** Who may read them: whoever reads the region, and the admins who set them. */
export function authorizeRegionSettingsRead(viewer: Principal, region: string): void {
  if (viewer.role === 'admin') return;
  authorizeRegionRead(viewer, region);
}
