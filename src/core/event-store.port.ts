import type { NewEvent, RecordedEvent } from './event';

/** `no-stream`: the stream must not exist; a number: the revision of the stream's last event. */
export type ExpectedRevision = 'no-stream' | 'any' | number;

export interface AppendOptions {
  /** An append with a key already used is not written again: the first append's result is returned. */
  idempotencyKey?: string;
}

export interface AppendResult {
  streamId: string;
  /** Revisions of the events this append wrote (or, for a repeated idempotency key, the first append wrote). */
  firstRevision: number;
  lastRevision: number;
  lastPosition: number;
  /** True when the idempotency key had been used: nothing new was written. */
  replayed: boolean;
}

export interface ReadStreamOptions {
  /** Inclusive upper bound. */
  toRevision?: number;
  /** Exclusive lower bound: events with revision greater than this. */
  afterRevision?: number;
}

export interface StoredHash {
  position: number;
  hash: string;
}

export interface Subscription {
  /** Stops delivery; resolves once the handler is no longer running. */
  close(): Promise<void>;
  /**
   * Resolves once the subscription has read the log up to `position` and its handler has taken every event it
   * delivers up to there; rejects if the subscription stops first.
   */
  caughtUp(position: number): Promise<void>;
}

export interface SubscribeOptions {
  /**
   * Only the events of the streams whose ids start with one of these are delivered; the others are read past
   * (by the store, where it can select them, without being decoded).
   */
  streamPrefixes?: readonly string[];
}

/** A count a store keeps of its own work (its commits, its retries), read when /metrics is scraped. */
export interface EventStoreCounter {
  /** The Prometheus name, such as `sinergi_event_store_commits_total`. */
  name: string;
  help: string;
  read(): number;
}

export class WrongExpectedRevision extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no-stream',
  ) {
    super(`stream ${streamId} is at ${actual}, expected ${expected}`);
    this.name = 'WrongExpectedRevision';
  }
}

/**
 * The only source of truth. Every adapter (SQLite, PostgreSQL, KurrentDB, ...) passes the shared contract suite
 * in `test/contract/event-store.contract.ts`; what they share (stamping, hashing, the revision check, recorded-at
 * ordering) is in `recorded-events.ts`.
 */
export abstract class EventStore {
  /**
   * Appends atomically and durably: when the promise resolves, the events survive a crash.
   * Rejects with {@link WrongExpectedRevision} when the stream is not where the caller expects it.
   * An empty `events` array is checked the same way but writes nothing, not even the idempotency key; it resolves
   * with where the stream is (`lastRevision` -1 and `lastPosition` 0 for a missing stream, `firstRevision` one past).
   */
  abstract append(
    streamId: string,
    events: NewEvent[],
    expectedRevision: ExpectedRevision,
    options?: AppendOptions,
  ): Promise<AppendResult>;

  /** The events of one stream in revision order; empty when the stream does not exist. */
  abstract readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** Events of every stream in global order, with position greater than `afterPosition`. */
  abstract readAll(afterPosition: number, limit: number): Promise<RecordedEvent[]>;

  /**
   * The events of every stream whose id starts with one of `prefixes`, with position up to `toPosition` inclusive,
   * in global order: for a fold of a few kinds of streams (users, contacts ...) whose cost follows those streams,
   * not the whole log. SQLite and PostgreSQL answer from an index on the stream id; KurrentDB filters `$all` on the
   * server, so only the matching events cross the wire.
   */
  abstract readStreamsByPrefix(prefixes: readonly string[], toPosition: number): Promise<RecordedEvent[]>;

  /**
   * The position and stored hash of the events after `afterPosition`, in global order: what a seal is computed
   * from. Adapters that can read these two columns alone override this; the content is not hashed again.
   */
  async readHashes(afterPosition: number, limit: number): Promise<StoredHash[]> {
    return (await this.readAll(afterPosition, limit)).map(({ position, hash }) => ({ position, hash }));
  }

  /**
   * A token that stays the same while nothing but this store's own appends has written the log: it changes once
   * another connection or process commits (and so could have rewritten events). Undefined when the store cannot
   * tell: callers then read again whatever they rely on.
   */
  async writtenElsewhere(): Promise<number | undefined> {
    return undefined;
  }

  /** The position of the last committed event; 0 when the store is empty. */
  abstract headPosition(): Promise<number>;

  /** The first append made with this idempotency key, if any. */
  abstract findAppend(idempotencyKey: string): Promise<AppendResult | undefined>;

  /**
   * Delivers every event after `afterPosition`, in global order, then new ones as they are committed.
   * The handler is awaited before the next event is delivered; a handler that throws stops the subscription
   * and its error is passed to `onError`.
   */
  abstract subscribe(
    afterPosition: number,
    handler: (event: RecordedEvent) => Promise<void> | void,
    onError?: (error: unknown) => void,
    options?: SubscribeOptions,
  ): Subscription;

  /** What this store counts of its own work, for /metrics; none by default. */
  counters(): EventStoreCounter[] {
    return [];
  }

  /**
   * Finishes the appends under way, stops every subscription (awaiting running handlers) and lets go of the
   * database. Appends after it are refused; a second close does nothing.
   */
  abstract close(): Promise<void>;
}
