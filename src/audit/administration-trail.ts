import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Principal } from '../access/principal';
import { userStreamId } from '../access/user.decider';
import type { Actor, RecordedEvent } from '../core/event';
import { EventStore } from '../core/event-store.port';
import { AllowedRoles, CurrentPrincipal } from '../access/request-actor';
import { RegionCodePipe } from '../read-models/http/read-models.controller';
import { authorizeRegionRead } from '../agreements/application/agreement-access';
import { contactsStreamId } from '../regions/contacts';
import { regionPolicyStreamId } from '../regions/region-policy';
import { Registry } from '../registry/registry';

/** One change to a region's users, contacts or policy, as an auditor reads it. */
export interface AdministrationEntry {
  streamId: string;
  revision: number;
  position: number;
  type: string;
  actor: Actor;
  occurredAt: string;
  recordedAt: string;
  reason?: string;
  /** What changed; a token digest and a sealed secret are shown only as being there. */
  data: Record<string, unknown>;
}

export interface AdministrationTrail {
  region: string;
  /** Oldest first, in the log's global order. */
  entries: AdministrationEntry[];
}

/** An auditor learns that a token was issued or a secret set, never the digest or the ciphertext. */
function shownData(event: RecordedEvent): Record<string, unknown> {
  const { tokenSha256, webhookSecret, ...data } = event.data as Record<string, unknown>;
  return { ...data, ...(tokenSha256 ? { tokenIssued: true } : {}), ...(webhookSecret ? { webhookSecret: 'sealed' } : {}) };
}

/**
 * Who granted access to whom, and who changed the region's contacts and reminder policy, when: the events of the
 * region's built-in users (`user-<id>`), of `contacts-<region>` and of `region-policy-<region>`. For auditors: the
 * region's own Inspektorat, and national auditors for any region.
 */
@ApiTags('audit')
@Controller('audit')
export class AdministrationTrailController {
  constructor(
    private readonly events: EventStore,
    private readonly registry: Registry,
  ) {}

  @Get('regions/:code/administration')
  @AllowedRoles('auditor')
  async trail(@CurrentPrincipal() viewer: Principal, @Param('code', RegionCodePipe) code: string): Promise<AdministrationTrail> {
    authorizeRegionRead(viewer, code);
    const users = this.registry.allUsers().filter((user) => user.region === code);
    const streams = [...users.map((user) => userStreamId(user.userId)), contactsStreamId(code), regionPolicyStreamId(code)];
    const recorded = (await Promise.all(streams.map((stream) => this.events.readStream(stream)))).flat();
    const entries = recorded
      .sort((a, b) => a.position - b.position)
      .map((event) => ({
        streamId: event.streamId,
        revision: event.revision,
        position: event.position,
        type: event.type,
        actor: event.metadata.actor,
        occurredAt: event.metadata.occurredAt,
        recordedAt: event.metadata.recordedAt,
        ...(event.metadata.reason ? { reason: event.metadata.reason } : {}),
        data: shownData(event),
      }));
    return { region: code, entries };
  }
}
