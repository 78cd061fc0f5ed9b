import { Client, Pool, type PoolClient, type QueryResult } from 'pg';
import { type Clock, SystemClock } from '../../core/clock.port';
import type { NewEvent, RecordedEvent } from '../../core/event';
import {
  type AppendOptions,
  type AppendResult,
  EventStore,
  type EventStoreCounter,
  type ExpectedRevision,
  type ReadStreamOptions,
  type StoredHash,
  type SubscribeOptions,
  type Subscription,
  WrongExpectedRevision,
} from '../../core/event-store.port';
import { assertContinues, type RecordedAppend, type RecordedEventImport } from '../../core/recorded-event-import';
import {
  appendResultOf,
  type EventRow,
  inGlobalOrder,
  prefixEnd,
  type IdempotencyRow,
  recordedAtAfter,
  revisionMatches,
  stampEvents,
  toAppendResult,
  toRecordedEvent,
} from '../../core/recorded-events';
import { type AppendOutcome, type CommittedGroup, GroupCommit, type GroupCommitStats, type QueuedAppend } from '../group-commit';
import { KnownHeads, type StreamHead } from '../known-heads';
import { everyEvent, PollingSubscription, prefixRanges, SUBSCRIPTION_BATCH, type SubscriptionRead } from '../polling-subscription';

const SCHEMA_VERSION = 2;

/** Announces commits to the subscriptions of every process sharing the database. */
const COMMIT_CHANNEL = 'sinergi_event_store_commits';

// Version 2: stream ids in byte order ("C"), whatever the database's collation, so that a range of them is a prefix.
const STREAM_PREFIX_INDEX = 'CREATE INDEX events_by_stream_prefix ON events (stream_id COLLATE "C", position)';

// The same columns as the SQLite store. data and metadata are JSON text, not JSONB: the text read back is the
// text written, so an event hashes the same forever (JSONB would rewrite numbers such as -0 or 1e400).
const SCHEMA = `
  CREATE TABLE events (
    position       BIGINT  PRIMARY KEY,
    id             TEXT    NOT NULL UNIQUE,
    stream_id      TEXT    NOT NULL,
    revision       INTEGER NOT NULL,
    type           TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    data           TEXT    NOT NULL,
    metadata       TEXT    NOT NULL,
    previous_hash  TEXT    NOT NULL,
    hash           TEXT    NOT NULL,
    UNIQUE (stream_id, revision)
  );
  CREATE TABLE idempotency_keys (
    key            TEXT    PRIMARY KEY,
    stream_id      TEXT    NOT NULL,
    first_revision INTEGER NOT NULL,
    last_revision  INTEGER NOT NULL,
    last_position  BIGINT  NOT NULL
  );
  -- The one row every append locks until it commits: positions are handed out in commit order, so a reader
  -- never sees position N+1 while N is still uncommitted, and never skips an event that commits later.
  CREATE TABLE event_log_head (
    only_row         BOOLEAN PRIMARY KEY DEFAULT true CHECK (only_row),
    position         BIGINT  NOT NULL,
    last_recorded_at TEXT    NOT NULL
  );
  INSERT INTO event_log_head (position, last_recorded_at) VALUES (0, '');
  ${STREAM_PREFIX_INDEX};
  CREATE TABLE event_store_schema (version INTEGER NOT NULL);
  INSERT INTO event_store_schema (version) VALUES (${SCHEMA_VERSION});
`;

export interface PostgresEventStoreOptions {
  /** Stamps `metadata.recordedAt`. */
  clock?: Clock;
  /** How often a subscription reads when no commit was announced: the fallback for a lost notification. */
  pollIntervalMs?: number;
  /** Connections to the server, one of them for a write at a time. */
  poolSize?: number;
}

export type PostgresEventStoreStats = GroupCommitStats;

/** The log's head, locked: the last position handed out and the latest recordedAt. */
interface LockedHead {
  position: number;
  lastRecordedAt: string;
}

/**
 * The event store on PostgreSQL (durable with the server's default `synchronous_commit = on`).
 *
 * Every writing transaction locks the single `event_log_head` row, so writes are serialised and positions are
 * assigned in commit order: the global order has no gap that a reader could see and later find filled.
 * The price of that lock is that one transaction commits at a time, so appends that arrive while one commits are
 * grouped into the next transaction (group commit), each in its own savepoint so that it fails alone.
 */
export class PostgresEventStore extends EventStore implements RecordedEventImport {
  private readonly groups = new GroupCommit(
    (group) => this.commitOnKnownHeads(group).then((committed) => committed ?? this.commitWithLookUp(group)),
    (streams) => this.announceCommit(streams),
  );
  private readonly subscriptions = new Set<PollingSubscription>();
  private listener: CommitListener | undefined;
  /** The log as this store last committed it, while nobody else has written since. */
  private known: KnownLog | undefined;
  private closed = false;

  private constructor(
    private readonly pool: Pool,
    private readonly connectionString: string,
    private readonly clock: Clock,
    private readonly pollIntervalMs: number,
  ) {
    super();
  }

  /** Connects, creating the tables if the database has none yet. */
  static async open(connectionString: string, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    const pool = new Pool({ connectionString, max: options.poolSize ?? 10 });
    // An idle connection that breaks (a restarting server) must not crash the process: the pool replaces it.
    pool.on('error', () => undefined);
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresEventStore(pool, connectionString, options.clock ?? new SystemClock(), options.pollIntervalMs ?? 500);
  }

  get stats(): Readonly<PostgresEventStoreStats> {
    return this.groups.stats;
  }

  counters(): EventStoreCounter[] {
    return this.groups.counters();
  }

  /**
   * Resolves once the events are committed. An empty `events` array writes nothing (not even the idempotency key)
   * but is still checked against `expectedRevision`, and resolves with where the stream is, as the SQLite store does.
   */
  append(
    streamId: string,
    events: NewEvent[],
    expectedRevision: ExpectedRevision,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    return this.groups.append({ streamId, events, expected: expectedRevision, idempotencyKey: options.idempotencyKey });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      'SELECT * FROM events WHERE stream_id = $1 AND revision > $2 AND revision <= $3 ORDER BY revision',
      [streamId, options.afterRevision ?? -1, options.toRevision ?? 2 ** 31 - 1],
    );
    return rows.map(toRecordedEvent);
  }

  override async readHashes(afterPosition: number, limit: number): Promise<StoredHash[]> {
    const { rows } = await this.pool.query<{ position: string; hash: string }>('SELECT position, hash FROM events WHERE position > $1 ORDER BY position LIMIT $2', [
      afterPosition,
      limit,
    ]);
    return rows.map((row) => ({ position: Number(row.position), hash: row.hash }));
  }

  async readAll(afterPosition: number, limit: number): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>('SELECT * FROM events WHERE position > $1 ORDER BY position LIMIT $2', [
      afterPosition,
      limit,
    ]);
    return rows.map(toRecordedEvent);
  }

  /**
   * A subscription's read of some streams: their events after a position, up to the head read in the same statement
   * (writes are serialised on the head, so no event below it is still to commit), so that the log is known read up
   * to there.
   */
  private async readPrefixed(prefixes: readonly string[], after: number): Promise<SubscriptionRead> {
    const ranges = prefixRanges(prefixes);
    const streams = ranges.map((_, i) => `(e.stream_id COLLATE "C" >= $${3 + 2 * i} AND e.stream_id COLLATE "C" < $${4 + 2 * i})`).join(' OR ');
    const { rows } = await this.pool.query<EventRow & { head: string }>(
      `SELECT h.position AS head, e.* FROM event_log_head h
       LEFT JOIN LATERAL (SELECT * FROM events e WHERE e.position > $1 AND e.position <= h.position AND (${streams}) ORDER BY e.position LIMIT $2) e ON true
       ORDER BY e.position`,
      [after, SUBSCRIPTION_BATCH, ...ranges.flatMap(({ from, to }) => [from, to])],
    );
    const head = Number(rows[0].head);
    const events = rows.filter((row) => row.id !== null).map(({ head: _head, ...row }) => toRecordedEvent(row as EventRow));
    return { events, upTo: events.length === SUBSCRIPTION_BATCH ? (events.at(-1) as RecordedEvent).position : head };
  }

  async readStreamsByPrefix(prefixes: readonly string[], toPosition: number): Promise<RecordedEvent[]> {
    const reads = prefixes.map((prefix) =>
      this.pool.query<EventRow>('SELECT * FROM events WHERE stream_id COLLATE "C" >= $1 AND stream_id COLLATE "C" < $2 AND position <= $3', [
        prefix,
        prefixEnd(prefix),
        toPosition,
      ]),
    );
    return inGlobalOrder((await Promise.all(reads)).flatMap(({ rows }) => rows.map(toRecordedEvent)));
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>('SELECT position FROM event_log_head');
    return Number(rows[0].position);
  }

  async findAppend(idempotencyKey: string): Promise<AppendResult | undefined> {
    const { rows } = await this.pool.query<IdempotencyRow>('SELECT * FROM idempotency_keys WHERE key = $1', [idempotencyKey]);
    return rows[0] && { ...toAppendResult(rows[0]), replayed: false };
  }

  subscribe(
    afterPosition: number,
    handler: (event: RecordedEvent) => Promise<void> | void,
    onError?: (error: unknown) => void,
    options: SubscribeOptions = {},
  ): Subscription {
    this.listener ??= new CommitListener(this.connectionString, () => this.announceCommit());
    const prefixes = options.streamPrefixes;
    const subscription = new PollingSubscription(
      afterPosition,
      prefixes ? (after) => this.readPrefixed(prefixes, after) : async (after) => everyEvent(await this.readAll(after, SUBSCRIPTION_BATCH), after),
      handler,
      onError,
      this.pollIntervalMs,
      () => this.subscriptions.delete(subscription),
      prefixes,
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async importRecorded(events: readonly RecordedEvent[], appends: readonly RecordedAppend[]): Promise<void> {
    await this.inTransaction(async (client, head) => {
      assertContinues(head.position, events);
      if (events.length > 0) await client.query(INSERT_EVENTS, eventColumns(events));
      for (const { key, result } of appends) {
        await client.query(
          `INSERT INTO idempotency_keys (key, stream_id, first_revision, last_revision, last_position)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING`,
          [key, result.streamId, result.firstRevision, result.lastRevision, result.lastPosition],
        );
      }
      const last = events.at(-1);
      if (last) await advanceHead(client, last.position, last.metadata.recordedAt);
    });
    if (events.length > 0) this.announceCommit();
  }

  /** Commits the appends still queued, stops every subscription (awaiting running handlers) and disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.groups.close();
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.listener?.close();
    await this.pool.end();
  }

  /** Wakes the subscriptions: those of `streams`, where this store knows which streams the commit wrote. */
  private announceCommit(streams?: readonly string[]): void {
    for (const subscription of this.subscriptions) subscription.notify(streams);
  }

  /**
   * The common case, in one round trip: every stream of the group is known and nobody else has written since this
   * store's last commit. One statement (its own durable transaction) moves the head only if it is still where this
   * store left it, and writes the group with it. Undefined when it wrote nothing: the group goes the long way.
   */
  private async commitOnKnownHeads(group: readonly QueuedAppend[]): Promise<CommittedGroup | undefined> {
    const known = this.known;
    if (!known || !group.every((append) => known.heads.get(append.streamId))) return undefined;
    const plan = new GroupPlan(knownLog(known.heads), known.position, recordedAtAfter(this.clock.now(), known.lastRecordedAt));
    const outcomes = plan.decide(group);
    if (plan.events.length === 0) return undefined;
    try {
      if ((await writeGroup(this.pool, plan, known.position)) === 0) {
        // Another store wrote: what this one knows is out of date.
        this.known = undefined;
        return undefined;
      }
    } catch (error) {
      // A key or an event id already stored: the long way finds which append it is, and fails that one alone.
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) return undefined;
      throw error;
    }
    this.learn(plan);
    return { outcomes, written: plan.events.length };
  }

  /**
   * One transaction holding the log's head: look up the streams' heads, the idempotency keys and the event ids the
   * group names, decide it in memory, write it in one statement, commit. Four round trips whatever its size.
   */
  private async commitWithLookUp(group: readonly QueuedAppend[]): Promise<CommittedGroup> {
    const { head, found, plan, outcomes } = await this.inTransaction(async (client, head) => {
      const found = await lookUp(client, group);
      // Taken under the lock, so that it follows the last event of every writing host.
      const plan = new GroupPlan(found, head.position, recordedAtAfter(this.clock.now(), head.lastRecordedAt));
      const outcomes = plan.decide(group);
      if (plan.events.length > 0) await writeGroup(client, plan);
      return { head, found, plan, outcomes };
    });
    // What was looked up under the lock is the log as it is; what this store knew before is, if others wrote since.
    if (this.known?.position !== head.position) this.known = { position: head.position, lastRecordedAt: head.lastRecordedAt, heads: new KnownHeads() };
    for (const [streamId, streamHead] of found.heads) this.known.heads.set(streamId, streamHead);
    this.learn(plan);
    return { outcomes, written: plan.events.length };
  }

  /** After a commit: the log is where this group left it. */
  private learn(plan: GroupPlan): void {
    if (!this.known || plan.events.length === 0) return;
    this.known.position = plan.head;
    this.known.lastRecordedAt = plan.recordedAt;
    for (const [streamId, head] of plan.heads) this.known.heads.set(streamId, head);
  }

  /** Runs `work` in a transaction holding the log's head, which it hands over. */
  private async inTransaction<T>(work: (client: PoolClient, head: LockedHead) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      // One round trip: a query without parameters may hold several statements, and each gets its result.
      const [, { rows }] = (await client.query('BEGIN; SELECT position, last_recorded_at FROM event_log_head FOR UPDATE')) as unknown as [
        unknown,
        QueryResult<{ position: string; last_recorded_at: string }>,
      ];
      const result = await work(client, { position: Number(rows[0].position), lastRecordedAt: rows[0].last_recorded_at });
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      // A connection that failed mid-transaction is thrown away rather than handed to the next caller.
      const rolledBack = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      client.release(!rolledBack);
      throw error;
    }
  }
}

async function migrate(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Two processes starting on an empty database must not both create the tables.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('sinergi event store schema'))");
    const { rows } = await client.query<{ exists: boolean }>("SELECT to_regclass('event_store_schema') IS NOT NULL AS exists");
    if (rows[0].exists) {
      const version = (await client.query<{ version: number }>('SELECT version FROM event_store_schema')).rows[0].version;
      if (version > SCHEMA_VERSION) {
        throw new Error(`the event store database has schema version ${version}; this code knows up to ${SCHEMA_VERSION}`);
      }
      if (version < 2) {
        await client.query(STREAM_PREFIX_INDEX);
        await client.query('UPDATE event_store_schema SET version = 2');
      }
    } else {
      await client.query(SCHEMA);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** What a group is decided against: the log as looked up under the head's lock, or as this store last left it. */
interface Log {
  head(streamId: string): StreamHead | undefined;
  key(key: string): Omit<AppendResult, 'replayed'> | undefined;
  hasEvent(id: string): boolean;
}

/** What the database holds of a group's streams, keys and event ids, read under the head's lock. */
interface LookedUp extends Log {
  heads: Map<string, StreamHead>;
}

/** The log as this store last committed it: true while the head is still at `position`. */
interface KnownLog {
  position: number;
  lastRecordedAt: string;
  heads: KnownHeads;
}

/** Known streams' heads; keys and event ids are checked by the database's unique constraints instead. */
const knownLog = (heads: KnownHeads): Log => ({ head: (streamId) => heads.get(streamId), key: () => undefined, hasEvent: () => false });

const UNIQUE_VIOLATION = '23505';

async function lookUp(client: PoolClient, group: readonly QueuedAppend[]): Promise<LookedUp> {
  const streams = [...new Set(group.map((a) => a.streamId))];
  const keys = [...new Set(group.flatMap((a) => (a.idempotencyKey === undefined ? [] : [a.idempotencyKey])))];
  const ids = group.flatMap((a) => a.events.map((e) => e.id));
  const { rows } = await client.query<{ heads: HeadRow[]; keys: (IdempotencyRow & { key: string })[]; ids: string[] }>({
    name: 'sinergi-look-up',
    text: `SELECT
       (SELECT coalesce(json_agg(h), '[]') FROM unnest($1::text[]) AS s(stream_id)
          CROSS JOIN LATERAL (SELECT stream_id, revision, hash, position FROM events e
                              WHERE e.stream_id = s.stream_id ORDER BY revision DESC LIMIT 1) h) AS heads,
       (SELECT coalesce(json_agg(k), '[]') FROM idempotency_keys k WHERE key = ANY($2::text[])) AS keys,
       (SELECT coalesce(json_agg(id), '[]') FROM events WHERE id = ANY($3::text[])) AS ids`,
    values: [streams, keys, ids],
  });
  const [found] = rows;
  const heads = new Map(found.heads.map((h) => [h.stream_id, { revision: h.revision, hash: h.hash, position: Number(h.position) }]));
  const keyed = new Map(found.keys.map((k) => [k.key, toAppendResult(k)]));
  const stored = new Set(found.ids);
  return { heads, head: (streamId) => heads.get(streamId), key: (key) => keyed.get(key), hasEvent: (id) => stored.has(id) };
}

interface HeadRow {
  stream_id: string;
  revision: number;
  hash: string;
  position: string | number;
}

/** The group's appends decided in memory, in order, each against the log and the appends before it. */
class GroupPlan {
  readonly events: RecordedEvent[] = [];
  readonly keys: { key: string; result: AppendResult }[] = [];
  /** The heads of the streams the group writes. */
  readonly heads = new Map<string, StreamHead>();
  private readonly ids = new Set<string>();
  private position: number;

  constructor(
    private readonly log: Log,
    head: number,
    readonly recordedAt: string,
  ) {
    this.position = head;
  }

  /** Each append's outcome: a failed append fails alone and leaves the plan as it was. */
  decide(group: readonly QueuedAppend[]): AppendOutcome[] {
    return group.map((append) => {
      try {
        return { ok: true, result: this.add(append) };
      } catch (error) {
        return { ok: false, error };
      }
    });
  }

  get head(): number {
    return this.position;
  }

  private add({ streamId, events, expected, idempotencyKey }: QueuedAppend): AppendResult {
    if (idempotencyKey !== undefined) {
      const prior = this.keys.find((k) => k.key === idempotencyKey)?.result ?? this.log.key(idempotencyKey);
      if (prior) return { ...prior, replayed: true };
    }
    const last = this.heads.get(streamId) ?? this.log.head(streamId);
    const current = last?.revision ?? -1;
    if (!revisionMatches(expected, current)) throw new WrongExpectedRevision(streamId, expected, last ? current : 'no-stream');
    if (events.length === 0) return appendResultOf(streamId, [], last);
    const ids = new Set(events.map((e) => e.id));
    const taken = events.find(({ id }) => this.ids.has(id) || this.log.hasEvent(id));
    if (taken || ids.size < events.length) throw new Error(`event ${taken?.id ?? 'id'} is already stored: an event id is written once`);
    const recorded = stampEvents(streamId, events, last, this.position, this.recordedAt);
    const result = appendResultOf(streamId, recorded, last);
    this.events.push(...recorded);
    for (const id of ids) this.ids.add(id);
    this.position = result.lastPosition;
    this.heads.set(streamId, { revision: result.lastRevision, hash: recorded[recorded.length - 1].hash, position: result.lastPosition });
    if (idempotencyKey !== undefined) this.keys.push({ key: idempotencyKey, result });
    return result;
  }
}

/**
 * Writes the group's events and keys, moves the head and announces the commit, in one statement; with `from`,
 * only if the head is still there (the statement waits for a writer holding it, then sees where it left it).
 * Returns 1 when written, 0 when the head had moved.
 */
async function writeGroup(db: Pool | PoolClient, plan: GroupPlan, from?: number): Promise<number> {
  // Named: each connection parses and plans it once.
  const { rowCount } = await db.query({
    name: 'sinergi-write-group',
    text: `WITH moved AS (UPDATE event_log_head SET position = $16, last_recorded_at = $17
                    WHERE $19::bigint IS NULL OR position = $19 RETURNING position),
          written AS (${INSERT_EVENTS} WHERE EXISTS (SELECT FROM moved)),
          keyed AS (INSERT INTO idempotency_keys (key, stream_id, first_revision, last_revision, last_position)
                    SELECT * FROM unnest($11::text[], $12::text[], $13::int[], $14::int[], $15::bigint[])
                    WHERE EXISTS (SELECT FROM moved))
     SELECT pg_notify($18, position::text) FROM moved`,
    values: [
      ...eventColumns(plan.events),
      plan.keys.map((k) => k.key),
      plan.keys.map((k) => k.result.streamId),
      plan.keys.map((k) => k.result.firstRevision),
      plan.keys.map((k) => k.result.lastRevision),
      plan.keys.map((k) => k.result.lastPosition),
      plan.head,
      plan.recordedAt,
      COMMIT_CHANNEL,
      from ?? null,
    ],
  });
  return rowCount ?? 0;
}

/** Inserts events given as ten column arrays ($1..$10): however many rows, in one statement. */
const INSERT_EVENTS = `INSERT INTO events (position, id, stream_id, revision, type, schema_version, data, metadata, previous_hash, hash)
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[])`;

function eventColumns(events: readonly RecordedEvent[]): unknown[][] {
  return [
    events.map((e) => e.position),
    events.map((e) => e.id),
    events.map((e) => e.streamId),
    events.map((e) => e.revision),
    events.map((e) => e.type),
    events.map((e) => e.schemaVersion),
    events.map((e) => JSON.stringify(e.data)),
    events.map((e) => JSON.stringify(e.metadata)),
    events.map((e) => e.previousHash),
    events.map((e) => e.hash),
  ];
}

/** Moves the head and announces the commit to every listening process (NOTIFY is delivered at commit). */
async function advanceHead(client: PoolClient, position: number, recordedAt: string): Promise<void> {
  await client.query(
    `WITH moved AS (UPDATE event_log_head SET position = $1, last_recorded_at = $2 RETURNING position)
     SELECT pg_notify($3, position::text) FROM moved`,
    [position, recordedAt, COMMIT_CHANNEL],
  );
}

/**
 * One connection that LISTENs for the commits of every process and wakes the subscriptions. When it drops it
 * reconnects; meanwhile the subscriptions' polling keeps them moving.
 */
class CommitListener {
  private client: Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly onCommit: () => void,
    private readonly reconnectDelayMs = 1000,
  ) {
    void this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.connectionString });
    this.client = client;
    let dropped = false;
    const drop = (): void => {
      if (dropped) return;
      dropped = true;
      client.end().catch(() => undefined);
      if (this.closed) return;
      // A commit may have been announced while nobody listened.
      this.onCommit();
      this.reconnectTimer = setTimeout(() => void this.connect(), this.reconnectDelayMs).unref();
    };
    client.on('notification', () => this.onCommit());
    client.on('error', drop);
    client.on('end', drop);
    try {
      await client.connect();
      await client.query(`LISTEN ${COMMIT_CHANNEL}`);
      if (this.closed) {
        await client.end();
        return;
      }
      // Commits made before LISTEN took effect were announced to nobody: look once more.
      this.onCommit();
    } catch {
      drop();
    }
  }
}

