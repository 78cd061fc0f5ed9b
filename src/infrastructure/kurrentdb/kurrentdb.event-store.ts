import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
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
import type { EventMetadata, NewEvent, RecordedEvent } from '../../core/event';
import {
  type AppendOptions,
  type AppendResult,
  EventStore,
  type ExpectedRevision,
  type ReadStreamOptions,
  type Subscription,
  WrongExpectedRevision,
} from '../../core/event-store.port';
import { eventHash, GENESIS_HASH } from '../../core/hash-chain';
import { assertContinues, type RecordedAppend, type RecordedEventImport } from '../../migration/recorded-event-import';

/** Stream names this adapter keeps for itself. */
export const RESERVED_STREAM_PREFIX = 'sinergi-';
/** Every event again, in the port's global order: its revision + 1 is the event's position. */
export const GLOBAL_LOG_STREAM = `${RESERVED_STREAM_PREFIX}log`;
const idempotencyStream = (key: string): string => `${RESERVED_STREAM_PREFIX}idempotency-${key}`;

/** The part of the KurrentDB client this adapter uses, so that its mapping can be exercised without a server. */
export type KurrentDbConnection = Pick<KurrentDBClient, 'readStream' | 'multiStreamAppend' | 'subscribeToAll' | 'dispose'>;

export interface KurrentDbEventStoreOptions {
  /** Stamps `metadata.recordedAt`. */
  clock?: Clock;
  /** How many times an append is tried again when another writer moved the global log first. */
  maxAttempts?: number;
}

/** Events per atomic write when importing: a KurrentDB transaction has a size limit. */
const IMPORT_RUN = 500;
const LONGEST_RETRY_DELAY_MS = 5000;

/**
 * The event store on KurrentDB (EventStoreDB's successor), version 25.1 or newer: it needs atomic appends to
 * several streams.
 *
 * The port numbers the global order 1, 2, 3 ... without gaps, and the log verifier checks exactly that; KurrentDB's
 * own `$all` positions are byte offsets in its transaction file. So every append writes, in one atomic
 * multi-stream append:
 * - the events to their stream (`agreement-…`), expecting the revision read just before, which also keeps the
 *   hash chain linked to the event it was computed from;
 * - the same events to {@link GLOBAL_LOG_STREAM}, expecting its last revision: a concurrent writer makes one of
 *   the two appends fail and try again, so log revisions are handed out in commit order and position = revision + 1;
 * - with an idempotency key, a record of the result to `sinergi-idempotency-<key>`, expecting no stream, so a key
 *   is used once even by concurrent writers; `findAppend` reads it back.
 * Each KurrentDB event's data is the whole Sinergi envelope (JSON), so ids, recordedAt and hashes survive unchanged;
 * KurrentDB event ids are derived from the Sinergi ids (UUID v5), so a retried write carries the same ids.
 * The global log doubles the storage of the events: the price of an exact, gapless order that subscriptions to
 * `$all` (filtered to the log stream) can follow and resume from a plain position number.
 */
export class KurrentDbEventStore extends EventStore implements RecordedEventImport {
  /** Appends of this process run one after another: they would only make each other retry. */
  private appendsDone: Promise<unknown> = Promise.resolve();
  private readonly subscriptions = new Set<KurrentDbSubscription>();
  private readonly clock: Clock;
  private readonly maxAttempts: number;
  private closed = false;

  constructor(
    private readonly client: KurrentDbConnection,
    options: KurrentDbEventStoreOptions = {},
  ) {
    super();
    this.clock = options.clock ?? new SystemClock();
    this.maxAttempts = options.maxAttempts ?? 50;
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
    return this.read(streamId, { fromRevision: BigInt(after + 1), maxCount: to - after });
  }

  async readAll(afterPosition: number, limit: number): Promise<RecordedEvent[]> {
    if (limit <= 0) return [];
    return this.read(GLOBAL_LOG_STREAM, { fromRevision: BigInt(afterPosition), maxCount: limit });
  }

  async headPosition(): Promise<number> {
    return (await this.lastEvent(GLOBAL_LOG_STREAM))?.position ?? 0;
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
  ): Subscription {
    const subscription = new KurrentDbSubscription(
      afterPosition,
      (after) => this.subscribeToLog(after),
      handler,
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
    for (const run of runsOfOneStream(events)) {
      const first = run[0];
      const last = run[run.length - 1];
      const keys = appends.filter((a) => a.result.lastPosition >= first.position && a.result.lastPosition <= last.position);
      await this.client.multiStreamAppend([
        { streamName: first.streamId, events: run.map(streamCopy), expectedState: expectedAfter(first.revision - 1) },
        { streamName: GLOBAL_LOG_STREAM, events: run.map(logCopy), expectedState: expectedAfter(first.position - 2) },
        ...keys.map(idempotencyRecord),
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
    for (let attempt = 1; ; attempt++) {
      if (idempotencyKey !== undefined) {
        const prior = await this.findAppend(idempotencyKey);
        if (prior) return { ...prior, replayed: true };
      }
      const last = await this.lastEvent(streamId);
      const current = last?.revision ?? -1;
      if (!matches(expected, current)) throw new WrongExpectedRevision(streamId, expected, last ? current : 'no-stream');
      if (events.length === 0) {
        return { streamId, firstRevision: current + 1, lastRevision: current, lastPosition: last?.position ?? 0, replayed: false };
      }
      const logHead = await this.lastEvent(GLOBAL_LOG_STREAM);
      const head = logHead?.position ?? 0;
      const recorded = stamp(streamId, events, last, head, this.recordedAt(logHead));
      const result: AppendResult = {
        streamId,
        firstRevision: current + 1,
        lastRevision: current + events.length,
        lastPosition: head + events.length,
        replayed: false,
      };
      const requests: AppendStreamRequest[] = [
        { streamName: streamId, events: recorded.map(streamCopy), expectedState: expectedAfter(current) },
        { streamName: GLOBAL_LOG_STREAM, events: recorded.map(logCopy), expectedState: expectedAfter(head - 1) },
      ];
      if (idempotencyKey !== undefined) requests.push(idempotencyRecord({ key: idempotencyKey, result }));
      try {
        await this.client.multiStreamAppend(requests);
        return result;
      } catch (error) {
        // Another writer moved the stream, the log or the key first: look again at where everything is.
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (attempt >= this.maxAttempts) {
          throw new Error(`the KurrentDB global log kept moving: ${streamId} was not appended after ${attempt} attempts`);
        }
        await pause(Math.random() * 10 * attempt);
      }
    }
  }

  /** Never earlier than the last event's: recordedAt follows the global order even when writers' clocks disagree. */
  private recordedAt(logHead: RecordedEvent | undefined): string {
    const now = this.clock.now().toISOString();
    const latest = logHead?.metadata.recordedAt ?? '';
    return now > latest ? now : latest;
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

function stamp(
  streamId: string,
  events: NewEvent[],
  last: RecordedEvent | undefined,
  head: number,
  recordedAt: string,
): RecordedEvent[] {
  let previousHash = last?.hash ?? GENESIS_HASH;
  const firstRevision = (last?.revision ?? -1) + 1;
  return events.map((event, i) => {
    const revision = firstRevision + i;
    // JSON has no undefined: store and hash null, so the stored event hashes the same when read back.
    const data = event.data === undefined ? null : event.data;
    const metadata: EventMetadata = { ...event.metadata, recordedAt };
    const { id, type, schemaVersion } = event;
    const hash = eventHash({ id, streamId, revision, type, schemaVersion, data, metadata, previousHash });
    const recorded = { id, streamId, revision, position: head + 1 + i, type, schemaVersion, data, metadata, hash, previousHash };
    previousHash = hash;
    return recorded;
  });
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

function matches(expected: ExpectedRevision, current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no-stream') return current === -1;
  return expected === current;
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

  constructor(
    private position: number,
    private readonly connect: (afterPosition: number) => Promise<AllStreamSubscription>,
    handler: (event: RecordedEvent) => Promise<void> | void,
    onError: ((error: unknown) => void) | undefined,
    onStop: () => void,
  ) {
    this.done = this.run(handler, onError).finally(onStop);
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
        }
      } catch {
        // A dropped connection or a server going away: subscribe again below.
      }
      if (this.closed) return;
      failures++;
      await this.sleep(Math.min(100 * 2 ** failures, LONGEST_RETRY_DELAY_MS));
    }
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
