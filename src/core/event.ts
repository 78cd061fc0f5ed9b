export type Role = 'coordinator' | 'dinas-officer' | 'auditor' | 'admin' | 'system';

/** Who did it: recorded on every event. `opd` is set for dinas officers. */
export interface Actor {
  userId: string;
  role: Role;
  region: string;
  opd?: string;
  /**
   * `sso`: `userId` is a subject of the deployment's single sign-on. Absent: a built-in user of Sinergi (or the
   * engine). The two kinds of id live apart, so a built-in user can never pass for a person of the identity provider.
   */
  via?: 'sso';
}

export interface EventMetadata {
  actor: Actor;
  /** When it happened in the world, as the command said (ISO 8601). */
  occurredAt: string;
  /** When the store committed it (ISO 8601). */
  recordedAt: string;
  correlationId: string;
  causationId: string;
  reason?: string;
  idempotencyKey?: string;
  /** SHA-256 of the request that carried the idempotency key: the key replays only that request. */
  requestSha256?: string;
}

/**
 * The version of the event envelope and data every event is written with (`schemaVersion` of each event); not the
 * version of a store's database schema, which each store keeps for itself.
 */
export const EVENT_SCHEMA_VERSION = 1;

/** A domain event as deciders produce it. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

/** An event ready to append: the store adds recordedAt, revision, position and the hash. */
export interface NewEvent {
  id: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: Omit<EventMetadata, 'recordedAt'>;
}

/** An event as stored: the envelope every reader sees. */
export interface RecordedEvent {
  id: string;
  streamId: string;
  /** 0-based index of the event in its stream. */
  revision: number;
  /** 1-based place of the event in the store's global order. */
  position: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: EventMetadata;
  /** SHA-256 (hex) of this event's canonical form, chained to `previousHash`. */
  hash: string;
  /** Hash of the previous event of the same stream; the genesis hash for revision 0. */
  previousHash: string;
}
