import { Logger } from '@nestjs/common';
import type { Actor, RecordedEvent } from '../core/event';
import type { EventStore, Subscription } from '../core/event-store.port';
import { type UserEvent, type UserProfile, USER_STREAM_PREFIX } from '../access/user.decider';
import type { Principal } from '../access/principal';
import { type Contact, type ContactEvent, type ContactRole, CONTACTS_STREAM_PREFIX } from '../regions/contacts';
import { type PolicyOverride, type RegionPolicyEvent, REGION_POLICY_STREAM_PREFIX } from '../regions/region-policy';
import {
  type RegionSettings,
  type RegionSettingsEvent,
  REGION_SETTINGS_STREAM_PREFIX,
  evolveRegionSettings,
  initialRegionSettings,
} from '../region-settings/domain/region-settings';
import type { SealedSecret, SecretBox } from './secret-box';

const logger = new Logger('Registry');

/** A built-in user as the API and `sinergi user list` show them: never the token, nor its digest. */
export interface BuiltInUser extends UserProfile {
  createdAt: string;
  createdBy: Actor;
  revokedAt?: string;
  revokedBy?: Actor;
}

/** A region's policy override as last recorded, with the global position that recorded it. */
export interface RecordedOverride {
  override: PolicyOverride;
  position: number;
}

type RegistryEvent = UserEvent | ContactEvent | RegionPolicyEvent | RegionSettingsEvent;

/** The streams the registry folds, by the prefix of their names. */
export const REGISTRY_STREAM_PREFIXES = [USER_STREAM_PREFIX, CONTACTS_STREAM_PREFIX, REGION_POLICY_STREAM_PREFIX, REGION_SETTINGS_STREAM_PREFIX];
export const isRegistryStream = (streamId: string): boolean => REGISTRY_STREAM_PREFIXES.some((prefix) => streamId.startsWith(prefix));

/**
 * The users, reminder contacts, regions' policy overrides and regions' settings, folded from their streams
 * (`user-<id>`, `contacts-<region>`, `region-policy-<region>`, `region-settings-<region>`) into memory: a read model
 * every node builds from the same log at start and keeps live through its subscription, so every node answers the
 * same, a token check is a map lookup, and a revocation recorded on any node reaches every node as soon as its
 * subscription sees the event (PostgreSQL announces each commit to every node with NOTIFY). At start it reads only
 * those streams (an indexed read by stream prefix), so its start follows them, not the length of the log.
 */
export class Registry {
  private readonly users = new Map<string, BuiltInUser>();
  /** Active users by token digest: the token check. */
  private readonly principals = new Map<string, Principal>();
  private readonly digests = new Map<string, string>();
  private readonly contactsByRegion = new Map<string, Map<string, Contact>>();
  private readonly regionOfContact = new Map<string, string>();
  private readonly overrides = new Map<string, RecordedOverride>();
  private readonly settings = new Map<string, RegionSettings>();
  private appliedPosition = 0;
  private policyRevision = 0;
  private subscription: Subscription | undefined;
  private store: EventStore | undefined;
  private failure: unknown;
  /** What the store's `writtenElsewhere` said when this registry last caught up with it. */
  private caughtUpWhileElsewhere: number | undefined;

  constructor(private readonly secrets: SecretBox) {}

  /** Folds its streams as they stand, then follows them; resolves once it holds what the store held when called. */
  async start(store: EventStore): Promise<void> {
    this.store = store;
    const head = await store.headPosition();
    for (const event of await store.readStreamsByPrefix(REGISTRY_STREAM_PREFIXES, head)) this.fold(event);
    this.appliedPosition = head;
    // Its own streams only: the store reads past the others' events (an import's thousands) without decoding them.
    this.subscription = store.subscribe(
      head,
      (event) => this.apply(event),
      (error) => {
        this.failure = error;
        logger.error(`the registry stopped following the log: ${String(error)}`);
      },
      { streamPrefixes: REGISTRY_STREAM_PREFIXES },
    );
  }

  async close(): Promise<void> {
    await this.subscription?.close();
  }

  /** The last global position folded in. */
  get position(): number {
    return this.appliedPosition;
  }

  /** Resolves once every event up to `position` is folded in: a command's own result is visible right after it. */
  async caughtUpTo(position: number): Promise<void> {
    if (this.appliedPosition >= position) return;
    if (this.failure) throw this.failure;
    if (!this.subscription) throw new Error('the registry has not started');
    await this.subscription.caughtUp(position).catch((error: unknown) => {
      throw this.failure ?? error;
    });
  }

  /**
   * Resolves once everything the store holds now is folded in. For what this node has not seen yet: a token issued
   * or revoked on another node a moment ago. Where the store can tell that nothing but this process has written
   * since the last time (SQLite), that is all it asks: this process's own changes are folded in before they are
   * answered. Otherwise one query for the head, and a read of what is new.
   */
  async caughtUpWithStore(): Promise<void> {
    if (!this.store) return;
    const elsewhere = await this.store.writtenElsewhere();
    if (elsewhere !== undefined && elsewhere === this.caughtUpWhileElsewhere) return;
    await this.caughtUpTo(await this.store.headPosition());
    this.caughtUpWhileElsewhere = elsewhere;
  }

  // Users

  /** The active user a token digest belongs to. */
  principalOfDigest(tokenSha256: string): Principal | undefined {
    return this.principals.get(tokenSha256);
  }

  user(userId: string): BuiltInUser | undefined {
    return this.users.get(userId);
  }

  allUsers(): BuiltInUser[] {
    return [...this.users.values()].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.userId < b.userId ? -1 : 1));
  }

  /** The token digest of a user: for the takeover's check only, never shown. */
  tokenDigestOf(userId: string): string | undefined {
    return this.digests.get(userId);
  }

  // Contacts

  /** The region a contact id belongs to, if any. */
  regionOfContactId(contactId: string): string | undefined {
    return this.regionOfContact.get(contactId);
  }

  contactsOfRegion(region: string): Contact[] {
    return [...(this.contactsByRegion.get(region)?.values() ?? [])].sort((a, b) => (a.contactId < b.contactId ? -1 : 1));
  }

  /** A contact of that region: a contact of any other region is not found through it. */
  contactOfRegion(region: string, contactId: string): Contact | undefined {
    return this.contactsByRegion.get(region)?.get(contactId);
  }

  /** The contacts a recipient of a deadline stands for: a region's coordinators, or the staff or head of one OPD. */
  contactsFor(recipient: { region: string; role: ContactRole; opd?: string }): Contact[] {
    const opd = recipient.role === 'coordinator' ? undefined : recipient.opd;
    return this.contactsOfRegion(recipient.region).filter((c) => c.role === recipient.role && (c.opd ?? undefined) === opd);
  }

  // Policies

  policyOverride(region: string): RecordedOverride | undefined {
    return this.overrides.get(region);
  }

  /** The regions that have recorded an override (an empty one included). */
  get regionsWithPolicyOverrides(): Iterable<string> {
    return this.overrides.keys();
  }

  /** Moves whenever any region's override changes: the scheduler replans when it does. */
  get policyChanges(): number {
    return this.policyRevision;
  }

  // Region settings

  /** A region's settings as last recorded: who signs its reports, whether it publishes open data. */
  regionSettings(region: string): RegionSettings {
    return this.settings.get(region) ?? { ...initialRegionSettings, region };
  }

  /** The regions that publish their agreements as open data, in code order, with the day each opted in. */
  openDataPublishers(): { region: string; since?: string }[] {
    return [...this.settings.values()]
      .filter((settings) => settings.openData.published)
      .map(({ region, openData }) => ({ region, since: openData.since }))
      .sort((a, b) => (a.region < b.region ? -1 : 1));
  }

  private apply(recorded: RecordedEvent): void {
    if (isRegistryStream(recorded.streamId)) this.fold(recorded);
    this.appliedPosition = recorded.position;
  }

  private fold(recorded: RecordedEvent): void {
    const event = { type: recorded.type, data: recorded.data } as RegistryEvent;
    const { actor, occurredAt } = recorded.metadata;
    switch (event.type) {
      case 'UserAdded': {
        const { tokenSha256, ...profile } = event.data;
        this.users.set(profile.userId, { ...profile, createdAt: occurredAt, createdBy: actor });
        this.digests.set(profile.userId, tokenSha256);
        const { userId, name, role, region, opd, national } = profile;
        this.principals.set(tokenSha256, Object.freeze({ userId, name, role, region, ...(opd ? { opd } : {}), national, via: 'api-token' as const }));
        break;
      }
      case 'UserRevoked': {
        const user = this.users.get(event.data.userId);
        if (user) this.users.set(user.userId, { ...user, revokedAt: occurredAt, revokedBy: actor });
        const digest = this.digests.get(event.data.userId);
        if (digest) this.principals.delete(digest);
        break;
      }
      case 'ContactSaved': {
        const { webhookSecret, ...details } = event.data;
        const opened = webhookSecret && this.opened(webhookSecret, details.contactId);
        const contact: Contact = { ...details, version: recorded.position, hasWebhookSecret: webhookSecret !== undefined, ...(opened ? { webhookSecret: opened } : {}) };
        let region = this.contactsByRegion.get(details.region);
        if (!region) this.contactsByRegion.set(details.region, (region = new Map()));
        region.set(details.contactId, contact);
        this.regionOfContact.set(details.contactId, details.region);
        break;
      }
      case 'ContactRemoved':
        this.contactsByRegion.get(event.data.region)?.delete(event.data.contactId);
        if (this.regionOfContact.get(event.data.contactId) === event.data.region) this.regionOfContact.delete(event.data.contactId);
        break;
      case 'ReminderPolicyChanged':
        this.overrides.set(event.data.region, { override: event.data.override, position: recorded.position });
        this.policyRevision++;
        break;
      case 'ReportSignatorySet':
      case 'OpenDataPublished':
      case 'OpenDataWithdrawn':
        this.settings.set(event.data.region, evolveRegionSettings(this.settings.get(event.data.region) ?? initialRegionSettings, event));
        break;
      default:
        break;
    }
  }

  /** Undefined when this node lacks the key that sealed it: the webhook is then held back rather than sent unsigned. */
  private opened(sealed: SealedSecret, contactId: string): string | undefined {
    try {
      return this.secrets.open(sealed);
    } catch (error) {
      logger.error(`the webhook secret of contact ${contactId} cannot be opened: ${String(error)}`);
      return undefined;
    }
  }
}
