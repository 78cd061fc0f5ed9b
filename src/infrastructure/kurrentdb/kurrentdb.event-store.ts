import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  type AllStreamSubscription,
  type AppendStreamRequest,
  BACKWARDS,
  END,
  type EventData,
  jsonEvent,
  KurrentDBClient,
  NO_STREAM,
  type ReadPosition,
  type ResolvedEvent,
  START,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { type Clock, SystemClock } from '../../core/clock.port';
import type { NewEvent, RecordedEvent } from '../../core/event';
import {
  type AppendOptions,
  type AppendResult,
  EventStore,
  type EventStoreCounter,
  type ExpectedRevision,
  type ReadStreamOptions,
  type SubscribeOptions,
  type Subscription,
  WrongExpectedRevision,
} from '../../core/event-store.port';
import { assertContinues, type RecordedAppend, type RecordedEventImport } from '../../core/recorded-event-import';
import { appendResultOf, type ChainHead, inGlobalOrder, recordedAtAfter, revisionMatches, stampEvents } from '../../core/recorded-events';
import { PositionWaiters } from '../position-waiters';

/** Stream names this adapter keeps for itself. */
export const RESERVED_STREAM_PREFIX = 'sinergi-';
/** Every event again, in the port's global order: its revision + 1 is the event's position. */
export const GLOBAL_LOG_STREAM = `${RESERVED_STREAM_PREFIX}log`;
const idempotencyStream = (key: string): string => `${RESERVED_STREAM_PREFIX}idempotency-${key}`;
const EVENT_ID_STREAM_PREFIX = `${RESERVED_STREAM_PREFIX}event-`;
/** One stream per event id, written expecting no stream: an event id is stored once, as the other stores' unique index. */
const eventIdStream = (id: string): string => `${EVENT_ID_STREAM_PREFIX}${id}`;

/** An append carried an event id the log already holds: nothing of it was written. */
export class EventIdTaken extends Error {
  constructor(id: string) {
    super(`event ${id} is already stored: an event id is written once`);
    this.name = 'EventIdTaken';
  }
}

/** The part of the KurrentDB client this adapter uses, so that its mapping can be exercised without a server. */
export type KurrentDbConnection = Pick<KurrentDBClient, 'readStream' | 'readAll' | 'multiStreamAppend' | 'subscribeToAll' | 'dispose'>;

export interface KurrentDbEventStoreOptions {
  /** Stamps `metadata.recordedAt`. */
  clock?: Clock;
  /** How many times an append is tried in all, when another writer keeps moving the global log first. */
  maxAttempts?: number;
}

/** What the appends of this store went through, since it was opened. */
export interface KurrentDbAppendStats {
  /** Appends that wrote events. */
  appended: number;
  /** Tries that found the global log moved by another writer (another node), and were made again. */
  logConflicts: number;
  /** Tries that found a stream further than this store knew it (another node wrote to it), and were made again. */
  staleStreams: number;
  /** Appends given up after `maxAttempts` tries (each failed with {@link GlobalLogContention}). */
  gaveUp: number;
}

/** Another writer kept moving the global log first: the append was given up, nothing of it written. */
export class GlobalLogContention extends Error {
  constructor(streamId: string, attempts: number) {
    super(`the KurrentDB global log kept moving: ${streamId} was not appended after ${attempts} attempts`);
    this.name = 'GlobalLogContention';
  }
}

/** Events per atomic write when importing: a KurrentDB transaction has a size limit. */
const IMPORT_RUN = 500;
const LONGEST_RETRY_DELAY_MS = 5000;
/** Streams whose head the store remembers; the least recently used is forgotten first. */
const KNOWN_STREAM_HEADS = 10_000;
const DEFAULT_MAX_ATTEMPTS = 20;

/** Where a stream ends, as far as this store knows: what the next append expects and chains its hash to. */
type StreamHead = ChainHead;

/** Where the global log ends: its last position, and the time that recordedAt must not go below. */
interface LogHead {
  position: number;
  recordedAt: string;
}

const EMPTY_LOG: LogHead = { position: 0, recordedAt: '' };

/**
 * The event store on KurrentDB (EventStoreDB's successor), version 25.1 or newer: it needs atomic appends to
 * several streams.
 *
 * The port numbers the global order 1, 2, 3 ... without gaps, and the log verifier checks exactly that; KurrentDB's
 * own `$all` positions are byte offsets in its transaction file. So every append writes, in one atomic
 * multi-stream append:
 * - the events to their stream (`agreement-…`), expecting the revision their hashes were chained to, which keeps
 *   the hash chain linked to the event it was computed from;
 * - the same events to {@link GLOBAL_LOG_STREAM}, expecting its last revision: a concurrent writer makes one of
 *   the two appends fail and try again, so log revisions are handed out in commit order and position = revision + 1;
 * - with an idempotency key, a record of the result to `sinergi-idempotency-<key>`, expecting no stream, so a key
 *   is used once even by concurrent writers; `findAppend` reads it back;
 * - for each event, a record to `sinergi-event-<id>`, expecting no stream, so an event id is stored once (the
 *   unique index of the SQL stores).
 * Each KurrentDB event's data is the whole Sinergi envelope (JSON), so ids, recordedAt and hashes survive unchanged;
 * KurrentDB event ids are derived from the Sinergi ids (UUID v5), so a retried write carries the same ids.
 * The global log doubles the storage of the events: the price of an exact, gapless order that subscriptions to
 * `$all` (filtered to the log stream) can follow and resume from a plain position number.
 *
 * An append costs one round trip when the store knows where its stream and the log end, as it does after its own
 * appends and reads: it writes expecting those heads, and KurrentDB checks them in the same atomic step (a
 * `no-stream` append needs no head at all). Only when KurrentDB refuses (another node wrote first) does it read
 * what moved and try again, at most `maxAttempts` times in all; an idempotency key is looked up only then, since a
 * used key makes the write fail on the key's stream. {@link KurrentDbEventStore.appendStats} counts the retries.
 */
export class KurrentDbEventStore extends EventStore implements RecordedEventImport {
  /** Appends of this process run one after another: they would only make each other retry. */
  private appendsDone: Promise<unknown> = Promise.resolve();
  private readonly subscriptions = new Set<KurrentDbSubscription>();
  private readonly clock: Clock;
  private readonly maxAttempts: number;
  private readonly logger = new Logger('KurrentDbEventStore');
  private readonly stats: KurrentDbAppendStats = { appended: 0, logConflicts: 0, staleStreams: 0, gaveUp: 0 };
  /** The log's head as this store last saw it; undefined when it must be read. */
  private logHead: LogHead | undefined;
  /** Heads of recently written or read streams, least recently used first. */
  private readonly streamHeads = new Map<string, StreamHead>();
  private closed = false;

  constructor(
    private readonly client: KurrentDbConnection,
    options: KurrentDbEventStoreOptions = {},
  ) {
    super();
    this.clock = options.clock ?? new SystemClock();
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  }

  /** `url` is a KurrentDB connection string, such as `kurrentdb://localhost:2113?tls=false`. */
  static connect(url: string, options: KurrentDbEventStoreOptions = {}): KurrentDbEventStore {
    return new KurrentDbEventStore(KurrentDBClient.connectionString(url), options);
  }

  /**
   * Resolves once KurrentDB acknowledged the write. An empty `events` array writes nothing but is still checked
   * against `expectedRevision`, and resolves with where the stream is, as the other stores do.
   */
  append(
    streamId: string,
    events: NewEvent[],
    expectedRevision: ExpectedRevision,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('the event store is closed'));
    if (streamId.startsWith(RESERVED_STREAM_PREFIX)) {
      return Promise.reject(new Error(`stream names starting with "${RESERVED_STREAM_PREFIX}" are kept for the store itself`));
    }
    const appended = this.appendsDone.then(() => this.appendNow(streamId, events, expectedRevision, options.idempotencyKey));
    this.appendsDone = appended.catch(() => undefined);
    return appended;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const after = options.afterRevision ?? -1;
    const to = options.toRevision ?? Number.MAX_SAFE_INTEGER;
    if (to <= after) return [];
    const events = await this.read(streamId, { fromRevision: BigInt(after + 1), maxCount: to - after });
    // Read to its end, the stream's last event is its head: the next append to it needs no read of its own.
    if (options.toRevision === undefined && events.length > 0) this.rememberStreamHead(events[events.length - 1]);
    return events;
  }

  async readAll(afterPosition: number, limit: number): Promise<RecordedEvent[]> {
    if (limit <= 0) return [];
    return this.read(GLOBAL_LOG_STREAM, { fromRevision: BigInt(afterPosition), maxCount: limit });
  }

  /**
   * A read of `$all` filtered on the server by stream name: only the matching events cross the wire, and they come in
   * commit order, which is the port's global order, so the read stops at the first event past `toPosition`. (The
   * `$ce-` category streams would spare the server its scan, but they need the system projections enabled.)
   */
  async readStreamsByPrefix(prefixes: readonly string[], toPosition: number): Promise<RecordedEvent[]> {
    if (prefixes.length === 0) return [];
    const events: RecordedEvent[] = [];
    for await (const resolved of this.client.readAll({ fromPosition: START, filter: streamNameFilter({ prefixes: [...prefixes] }) })) {
      const event = decodeEnvelope(dataOf(resolved));
      if (event.position > toPosition) break;
      events.push(event);
    }
    return inGlobalOrder(events);
  }

  async headPosition(): Promise<number> {
    return (await this.readLogHead()).position;
  }

  /** Counts of what this store's appends went through, so that contention on the global log can be watched. */
  appendStats(): Readonly<KurrentDbAppendStats> {
    return { ...this.stats };
  }

  counters(): EventStoreCounter[] {
    return [
      { name: 'sinergi_kurrentdb_log_conflicts_total', help: 'KurrentDB appends tried again: another writer moved the global log first', read: () => this.stats.logConflicts },
      { name: 'sinergi_kurrentdb_stale_streams_total', help: 'KurrentDB appends tried again: another writer moved the stream first', read: () => this.stats.staleStreams },
      { name: 'sinergi_kurrentdb_appends_given_up_total', help: 'KurrentDB appends given up after their last try (GlobalLogContention)', read: () => this.stats.gaveUp },
    ];
  }

  async findAppend(idempotencyKey: string): Promise<AppendResult | undefined> {
    for await (const resolved of readOrNothing(this.client, idempotencyStream(idempotencyKey), { maxCount: 1 })) {
      return { ...(dataOf(resolved) as Omit<AppendResult, 'replayed'>), replayed: false };
    }
    return undefined;
  }

  subscribe(
    afterPosition: number,
    handler: (event: RecordedEvent) => Promise<void> | void,
    onError?: (error: unknown) => void,
    options: SubscribeOptions = {},
  ): Subscription {
    const prefixes = options.streamPrefixes;
    const subscription = new KurrentDbSubscription(
      afterPosition,
      (after) => this.subscribeToLog(after),
      // The log's envelopes are read and decoded either way: the other streams' events are passed over here.
      prefixes ? (event) => (prefixes.some((prefix) => event.streamId.startsWith(prefix)) ? handler(event) : undefined) : handler,
      onError,
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /**
   * Writes recorded events unchanged, one atomic multi-stream append per run of consecutive events of one stream,
   * each expecting the revisions the source had before it, with the idempotency keys whose append ends in the run.
   */
  async importRecorded(events: readonly RecordedEvent[], appends: readonly RecordedAppend[]): Promise<void> {
    assertContinues(await this.headPosition(), events);
    this.forgetHeads();
    for (const run of runsOfOneStream(events)) {
      const first = run[0];
      const last = run[run.length - 1];
      const keys = appends.filter((a) => a.result.lastPosition >= first.position && a.result.lastPosition <= last.position);
      await this.client.multiStreamAppend([
        { streamName: first.streamId, events: run.map(streamCopy), expectedState: expectedAfter(first.revision - 1) },
        { streamName: GLOBAL_LOG_STREAM, events: run.map(logCopy), expectedState: expectedAfter(first.position - 2) },
        ...keys.map(idempotencyRecord),
        ...run.map(eventIdRecord),
      ]);
    }
  }

  /** Waits for the appends under way, stops every subscription (awaiting running handlers) and disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.appendsDone;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  private async appendNow(
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision,
    idempotencyKey: string | undefined,
  ): Promise<AppendResult> {
    if (events.length === 0) return this.checkOnly(streamId, expected, idempotencyKey);
    const repeated = events.find((event, i) => events.findIndex((other) => other.id === event.id) !== i);
    if (repeated) throw new EventIdTaken(repeated.id);
    for (let attempt = 1; ; attempt++) {
      let head = await this.streamHeadFor(streamId, expected);
      if (!revisionMatches(expected, head?.revision ?? -1)) {
        // What this store remembers may be behind another node's appends: only the stored head can refuse.
        head = await this.readStreamHead(streamId);
        if (!revisionMatches(expected, head?.revision ?? -1)) return this.refuse(streamId, expected, head?.revision ?? -1, idempotencyKey);
      }
      const log = this.logHead ?? (await this.readLogHead());
      const start = log.position;
      const recorded = stampEvents(streamId, events, head, start, recordedAtAfter(this.clock.now(), log.recordedAt));
      const current = head?.revision ?? -1;
      const result = appendResultOf(streamId, recorded, head);
      const requests: AppendStreamRequest[] = [
        { streamName: streamId, events: recorded.map(streamCopy), expectedState: expectedAfter(current) },
        { streamName: GLOBAL_LOG_STREAM, events: recorded.map(logCopy), expectedState: expectedAfter(start - 1) },
      ];
      if (idempotencyKey !== undefined) requests.push(idempotencyRecord({ key: idempotencyKey, result }));
      requests.push(...recorded.map(eventIdRecord));
      try {
        await this.client.multiStreamAppend(requests);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        // A used key fails the write on the key's stream (or first on a stream the first append moved).
        const prior = idempotencyKey === undefined ? undefined : await this.findAppend(idempotencyKey);
        if (prior) return { ...prior, replayed: true };
        await this.afterRefusal(streamId, expected, error, attempt);
        continue;
      }
      this.stats.appended++;
      this.rememberLogHead(recorded[recorded.length - 1]);
      return result;
    }
  }

  /** An empty append: checked against the stored stream, writing nothing. */
  private async checkOnly(streamId: string, expected: ExpectedRevision, idempotencyKey: string | undefined): Promise<AppendResult> {
    const prior = idempotencyKey === undefined ? undefined : await this.findAppend(idempotencyKey);
    if (prior) return { ...prior, replayed: true };
    const last = await this.lastEvent(streamId);
    const current = last?.revision ?? -1;
    if (!revisionMatches(expected, current)) throw new WrongExpectedRevision(streamId, expected, last ? current : 'no-stream');
    return appendResultOf(streamId, [], last);
  }

  /**
   * KurrentDB refused a write (its idempotency key unused) because a stream was not where this store expected it:
   * forget what moved, refuse the append if its own stream is not where the caller expects it, or try again.
   */
  private async afterRefusal(streamId: string, expected: ExpectedRevision, refusal: WrongExpectedVersionError, attempt: number): Promise<void> {
    if (refusal.streamName.startsWith(EVENT_ID_STREAM_PREFIX)) throw new EventIdTaken(refusal.streamName.slice(EVENT_ID_STREAM_PREFIX.length));
    if (refusal.streamName === streamId) {
      this.streamHeads.delete(streamId);
      const actual = refusal.actualState === 'no_stream' ? -1 : Number(refusal.actualState);
      if (!revisionMatches(expected, actual)) throw new WrongExpectedRevision(streamId, expected, actual < 0 ? 'no-stream' : actual);
      this.stats.staleStreams++;
    } else {
      // The global log moved (or, for a moment, a key another node is writing: looked up again on the next try).
      this.logHead = undefined;
      this.stats.logConflicts++;
    }
    if (attempt >= this.maxAttempts) {
      this.stats.gaveUp++;
      this.logger.warn(`gave up appending to ${streamId} after ${attempt} attempts: other writers kept moving the global log`);
      throw new GlobalLogContention(streamId, attempt);
    }
    // Another node is writing: a random pause, growing with each try, lets one of the two go first.
    if (refusal.streamName !== streamId) await pause(Math.random() * Math.min(10 * attempt, 200));
  }

  /** Throws WrongExpectedRevision, unless the idempotency key was used: then the first append's result is the answer. */
  private async refuse(streamId: string, expected: ExpectedRevision, actual: number, idempotencyKey: string | undefined): Promise<AppendResult> {
    const prior = idempotencyKey === undefined ? undefined : await this.findAppend(idempotencyKey);
    if (prior) return { ...prior, replayed: true };
    throw new WrongExpectedRevision(streamId, expected, actual < 0 ? 'no-stream' : actual);
  }

  /** The head to append after: remembered, known from a `no-stream` expectation, or read. */
  private async streamHeadFor(streamId: string, expected: ExpectedRevision): Promise<StreamHead | undefined> {
    const known = this.streamHeads.get(streamId);
    if (known) return known;
    return expected === 'no-stream' ? undefined : this.readStreamHead(streamId);
  }

  private async readStreamHead(streamId: string): Promise<StreamHead | undefined> {
    const last = await this.lastEvent(streamId);
    if (last) this.rememberStreamHead(last);
    return last;
  }

  private async readLogHead(): Promise<LogHead> {
    const last = await this.lastEvent(GLOBAL_LOG_STREAM);
    if (!last) return (this.logHead ??= EMPTY_LOG);
    this.rememberLogHead(last);
    return { position: last.position, recordedAt: last.metadata.recordedAt };
  }

  /** Keeps `event` as the head of its stream, unless a later one is known already. */
  private rememberStreamHead(event: RecordedEvent): void {
    const known = this.streamHeads.get(event.streamId);
    if (known && known.revision > event.revision) return;
    this.streamHeads.delete(event.streamId);
    this.streamHeads.set(event.streamId, { revision: event.revision, hash: event.hash });
    if (this.streamHeads.size > KNOWN_STREAM_HEADS) this.streamHeads.delete(this.streamHeads.keys().next().value as string);
  }

  /**
   * Keeps `event`, the last of the log, as the head of the log and of its stream, unless a later one is known.
   * (A stream's last event is not the log's: other streams may have been written after it.)
   */
  private rememberLogHead(event: RecordedEvent): void {
    this.rememberStreamHead(event);
    if (!this.logHead || this.logHead.position < event.position) {
      this.logHead = { position: event.position, recordedAt: event.metadata.recordedAt };
    }
  }

  private forgetHeads(): void {
    this.logHead = undefined;
    this.streamHeads.clear();
  }

  private async read(streamName: string, options: { fromRevision: bigint; maxCount: number }): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const resolved of readOrNothing(this.client, streamName, options)) events.push(decodeEnvelope(dataOf(resolved)));
    return events;
  }

  private async lastEvent(streamName: string): Promise<RecordedEvent | undefined> {
    for await (const resolved of readOrNothing(this.client, streamName, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
      return decodeEnvelope(dataOf(resolved));
    }
    return undefined;
  }

  /**
   * A live subscription to `$all`, filtered to the global log, from the log event at `afterPosition` (whose `$all`
   * position KurrentDB tells when reading it). Events at or before `afterPosition` are skipped by the subscription.
   */
  private async subscribeToLog(afterPosition: number): Promise<AllStreamSubscription> {
    let fromPosition: ReadPosition = START;
    if (afterPosition > 0) {
      for await (const resolved of readOrNothing(this.client, GLOBAL_LOG_STREAM, {
        fromRevision: BigInt(afterPosition - 1),
        maxCount: 1,
      })) {
        fromPosition = resolved.event?.position ?? START;
      }
    }
    return this.client.subscribeToAll({
      fromPosition,
      filter: streamNameFilter({ prefixes: [GLOBAL_LOG_STREAM] }),
    });
  }
}

type ReadOptions = NonNullable<Parameters<KurrentDbConnection['readStream']>[1]>;

/** A stream's events; none when it does not exist. */
async function* readOrNothing(client: KurrentDbConnection, streamName: string, options: ReadOptions): AsyncGenerator<ResolvedEvent> {
  try {
    yield* client.readStream(streamName, options);
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
}

/** KurrentDB's expected state for a stream whose last revision is `revision` (-1: no stream). */
function expectedAfter(revision: number): AppendStreamRequest['expectedState'] {
  return revision < 0 ? NO_STREAM : BigInt(revision);
}

function streamCopy(event: RecordedEvent): EventData {
  return jsonEvent({ id: derivedId('event', event.id), type: event.type, data: envelope(event) });
}

function logCopy(event: RecordedEvent): EventData {
  return jsonEvent({ id: derivedId('log', event.id), type: event.type, data: envelope(event) });
}

function idempotencyRecord({ key, result }: RecordedAppend): AppendStreamRequest {
  const { streamId, firstRevision, lastRevision, lastPosition } = result;
  return {
    streamName: idempotencyStream(key),
    events: [
      jsonEvent({ id: derivedId('idempotency', key), type: 'AppendRecorded', data: { streamId, firstRevision, lastRevision, lastPosition } }),
    ],
    expectedState: NO_STREAM,
  };
}

/**
 * The record that `event` holds its id. Its KurrentDB id names the stream and revision too: a write repeated by the
 * client is the same write (KurrentDB takes it as done), while the same Sinergi id appended anew is refused.
 */
function eventIdRecord(event: RecordedEvent): AppendStreamRequest {
  const { id, streamId, revision } = event;
  return {
    streamName: eventIdStream(id),
    events: [jsonEvent({ id: derivedId('event-id', `${streamId}:${revision}:${id}`), type: 'EventIdRecorded', data: { streamId, revision } })],
    expectedState: NO_STREAM,
  };
}

function envelope(event: RecordedEvent): Record<string, unknown> {
  const { id, streamId, revision, position, type, schemaVersion, data, metadata, hash, previousHash } = event;
  return { id, streamId, revision, position, type, schemaVersion, data, metadata, hash, previousHash };
}

function dataOf(resolved: ResolvedEvent): unknown {
  const data = resolved.event?.data;
  return data instanceof Uint8Array ? (JSON.parse(Buffer.from(data).toString('utf8')) as unknown) : data;
}

function decodeEnvelope(data: unknown): RecordedEvent {
  const candidate = data as Partial<RecordedEvent> | null;
  if (!candidate || typeof candidate.position !== 'number' || typeof candidate.hash !== 'string' || !candidate.metadata) {
    throw new Error('a KurrentDB event without a Sinergi envelope was found in a Sinergi stream');
  }
  return candidate as RecordedEvent;
}

function* runsOfOneStream(events: readonly RecordedEvent[]): Generator<RecordedEvent[]> {
  let run: RecordedEvent[] = [];
  for (const event of events) {
    if (run.length > 0 && (run[0].streamId !== event.streamId || run.length >= IMPORT_RUN)) {
      yield run;
      run = [];
    }
    run.push(event);
  }
  if (run.length > 0) yield run;
}

const ID_NAMESPACE = Buffer.from('5f0b6a43c2d84e0f9a1e6d2b7c3f8e91', 'hex');

/** UUID version 5 (RFC 9562) of `kind:value`: the same Sinergi id always gives the same KurrentDB id. */
function derivedId(kind: string, value: string): string {
  const bytes = createHash('sha1').update(ID_NAMESPACE).update(`${kind}:${value}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Which subscription's handler is running, so that closing from inside the handler does not wait for itself. */
const runningHandler = new AsyncLocalStorage<KurrentDbSubscription>();

/**
 * Follows the global log through a catch-up subscription to `$all`. When the connection drops, it subscribes
 * again from the last event it delivered (with backoff), so the handler sees every event once and in order; only
 * a failing handler stops it. The position it delivers is the checkpoint a projection stores with its read model.
 */
class KurrentDbSubscription implements Subscription {
  private closed = false;
  private live: AllStreamSubscription | undefined;
  private wake: (() => void) | undefined;
  private readonly done: Promise<void>;
  private readonly waiters = new PositionWaiters();

  constructor(
    private position: number,
    private readonly connect: (afterPosition: number) => Promise<AllStreamSubscription>,
    handler: (event: RecordedEvent) => Promise<void> | void,
    onError: ((error: unknown) => void) | undefined,
    onStop: () => void,
  ) {
    this.done = this.run(handler, onError).finally(() => {
      this.closed = true;
      this.waiters.stopped();
      onStop();
    });
  }

  caughtUp(position: number): Promise<void> {
    return this.waiters.until(position, this.position, this.closed);
  }

  close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    const stopping = this.live?.unsubscribe().catch(() => undefined);
    return runningHandler.getStore() === this ? Promise.resolve() : Promise.all([stopping, this.done]).then(() => undefined);
  }

  private async run(
    handler: (event: RecordedEvent) => Promise<void> | void,
    onError: ((error: unknown) => void) | undefined,
  ): Promise<void> {
    // Let subscribe() return before the first read or handler call.
    await Promise.resolve();
    let failures = 0;
    while (!this.closed) {
      try {
        const live = await this.connect(this.position);
        this.live = live;
        if (this.closed) {
          await live.unsubscribe();
          return;
        }
        for await (const resolved of live) {
          if (this.closed) break;
          if (resolved.event?.streamId !== GLOBAL_LOG_STREAM) continue;
          const event = decodeEnvelope(dataOf(resolved));
          if (event.position <= this.position) continue;
          failures = 0;
          try {
            await runningHandler.run(this, () => handler(event));
          } catch (error) {
            this.closed = true;
            await live.unsubscribe().catch(() => undefined);
            onError?.(error);
            return;
          }
          this.position = event.position;
          this.settleWaiters();
        }
      } catch {
        // A dropped connection or a server going away: subscribe again below.
      }
      if (this.closed) return;
      failures++;
      await this.sleep(Math.min(100 * 2 ** failures, LONGEST_RETRY_DELAY_MS));
    }
  }

  private settleWaiters(): void {
    this.waiters.reached(this.position);
  }

  private sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms).unref();
      this.wake = wake;
    });
  }
}
