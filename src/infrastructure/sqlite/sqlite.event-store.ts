import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
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

const SCHEMA_VERSION = 1;

// Plain columns and JSON text, so an auditor can read (and a test can tamper with) rows with the sqlite3 CLI.
const SCHEMA = `
  CREATE TABLE events (
    position       INTEGER PRIMARY KEY,
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
    last_position  INTEGER NOT NULL
  );
`;

export interface SqliteEventStoreOptions {
  /** Stamps `metadata.recordedAt`. */
  clock?: Clock;
  /** How often a subscription looks for commits made by other processes on the same file. */
  pollIntervalMs?: number;
  /** How long a write waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
}

export type SqliteEventStoreStats = GroupCommitStats;

/**
 * What this connection knows of the file without reading it: the heads of streams it wrote or read to the end,
 * and the last recorded-at stamp. True while no other connection has committed (SQLite's `data_version`, read
 * before what it guards), so an append to a known stream looks nothing up under the write lock.
 */
interface Known {
  version: number;
  heads: KnownHeads;
  lastRecordedAt: string | undefined;
}

/** A group's writes, applied to what is known once the group has committed. */
interface GroupWrites {
  heads: Map<string, StreamHead>;
  recordedAt: string;
  /** The log's last position, moved by each append of the group. */
  position: number;
}

/**
 * The embedded event store: one SQLite file in WAL mode with `synchronous = FULL`, so an acknowledged
 * append survives a crash or a power loss.
 *
 * Appends that arrive together are committed in one transaction (GroupCommit): the fsync, which dominates the
 * cost of a durable append, is paid once per group instead of once per append. Each append of a group runs in its
 * own savepoint, so it is checked against the appends before it and fails alone.
 */
export class SqliteEventStore extends EventStore {
  private readonly statements;
  private readonly commitGroup;
  private readonly groups = new GroupCommit(
    async (group) => this.commit(group),
    (streams) => {
      for (const subscription of this.subscriptions) subscription.notify(streams);
    },
  );
  private readonly subscriptions = new Set<PollingSubscription>();
  private known: Known = { version: -1, heads: new KnownHeads(), lastRecordedAt: undefined };
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
    private readonly pollIntervalMs: number,
  ) {
    super();
    this.statements = {
      head: db.prepare<[string], StreamHead>(
        'SELECT revision, hash, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
      ),
      insertEvent: db.prepare<[number, string, string, number, string, number, string, string, string, string]>(
        `INSERT INTO events (position, id, stream_id, revision, type, schema_version, data, metadata, previous_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertKey: db.prepare<[string, string, number, number, number]>(
        `INSERT INTO idempotency_keys (key, stream_id, first_revision, last_revision, last_position)
         VALUES (?, ?, ?, ?, ?)`,
      ),
      findKey: db.prepare<[string], IdempotencyRow>(
        'SELECT stream_id, first_revision, last_revision, last_position FROM idempotency_keys WHERE key = ?',
      ),
      readStream: db.prepare<[string, number, number], EventRow>(
        'SELECT * FROM events WHERE stream_id = ? AND revision > ? AND revision <= ? ORDER BY revision',
      ),
      readAll: db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
      // A range on stream_id: the (stream_id, revision) index answers it.
      readPrefix: db.prepare<[string, string, number], EventRow>('SELECT * FROM events WHERE stream_id >= ? AND stream_id < ? AND position <= ?'),
      readHashes: db.prepare<[number, number], StoredHash>('SELECT position, hash FROM events WHERE position > ? ORDER BY position LIMIT ?'),
      headPosition: db.prepare<[], number>('SELECT coalesce(max(position), 0) FROM events').pluck(),
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
    };
    // A nested better-sqlite3 transaction is a savepoint: a throwing append rolls back only its own writes.
    const appendOne = db.transaction((append: QueuedAppend, writes: GroupWrites) => this.write(append, writes));
    const lastRecordedAt = db.prepare<[], string>(
      "SELECT json_extract(metadata, '$.recordedAt') FROM events ORDER BY position DESC LIMIT 1",
    ).pluck();
    this.commitGroup = db.transaction((group: readonly QueuedAppend[]): CommittedGroup & { writes: GroupWrites } => {
      // Stamped once the write lock is held, so that it follows the last event of every writer process.
      const known = this.knowledge();
      const recordedAt = recordedAtAfter(this.clock.now(), known.lastRecordedAt ?? lastRecordedAt.get());
      const writes: GroupWrites = { heads: new Map(), recordedAt, position: this.statements.headPosition.get() ?? 0 };
      let written = 0;
      const outcomes = group.map((append): AppendOutcome => {
        try {
          const result: AppendResult = appendOne(append, writes);
          if (!result.replayed) written += append.events.length;
          return { ok: true, result };
        } catch (error) {
          return { ok: false, error };
        }
      });
      return { outcomes, written, writes };
    });
  }

  /** Opens (creating the directory, file and schema if missing) the store kept in `file`. */
  static open(file: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    try {
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteEventStore(db, options.clock ?? new SystemClock(), options.pollIntervalMs ?? 150);
  }

  get stats(): Readonly<SqliteEventStoreStats> {
    return this.groups.stats;
  }

  counters(): EventStoreCounter[] {
    return this.groups.counters();
  }

  /**
   * Resolves once the events are durably committed. An empty `events` array writes nothing (not even the
   * idempotency key) but is still checked against `expectedRevision`; it resolves with the stream as it is:
   * `lastRevision` is the current revision (-1 for a missing stream), `firstRevision` is `lastRevision + 1`,
   * `lastPosition` is the position of the stream's last event (0 for a missing stream).
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
    const after = options.afterRevision ?? -1;
    const toEnd = options.toRevision === undefined;
    const known = this.knowledge();
    const rows = this.statements.readStream.all(streamId, after, options.toRevision ?? Number.MAX_SAFE_INTEGER);
    const last = rows[rows.length - 1];
    if (toEnd && last) known.heads.set(streamId, { revision: last.revision, hash: last.hash, position: Number(last.position) });
    return rows.map(toRecordedEvent);
  }

  async readAll(afterPosition: number, limit: number): Promise<RecordedEvent[]> {
    return this.readAllNow(afterPosition, limit);
  }

  async readStreamsByPrefix(prefixes: readonly string[], toPosition: number): Promise<RecordedEvent[]> {
    return inGlobalOrder(prefixes.flatMap((prefix) => this.statements.readPrefix.all(prefix, prefixEnd(prefix), toPosition).map(toRecordedEvent)));
  }

  /** SQLite's `data_version`: it moves with every commit of another connection, never with this one's own. */
  override async writtenElsewhere(): Promise<number> {
    return this.statements.dataVersion.get() as number;
  }

  override async readHashes(afterPosition: number, limit: number): Promise<StoredHash[]> {
    return this.statements.readHashes.all(afterPosition, limit);
  }

  async headPosition(): Promise<number> {
    return this.statements.headPosition.get() ?? 0;
  }

  async findAppend(idempotencyKey: string): Promise<AppendResult | undefined> {
    const row = this.statements.findKey.get(idempotencyKey);
    return row && { ...toAppendResult(row), replayed: false };
  }

  subscribe(
    afterPosition: number,
    handler: (event: RecordedEvent) => Promise<void> | void,
    onError?: (error: unknown) => void,
    options: SubscribeOptions = {},
  ): Subscription {
    const prefixes = options.streamPrefixes;
    const subscription = new PollingSubscription(
      afterPosition,
      prefixes ? this.prefixedReader(prefixes) : (after) => everyEvent(this.readAllNow(after, SUBSCRIPTION_BATCH), after),
      handler,
      onError,
      this.pollIntervalMs,
      () => this.subscriptions.delete(subscription),
      prefixes,
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Commits the appends still queued, stops every subscription (awaiting running handlers) and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.groups.close();
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.db.close();
  }

  /**
   * A subscription's read of some streams: their events after a position, up to the head read in the same
   * transaction, so that the log is known read up to there; the other streams' rows are never decoded.
   */
  private prefixedReader(prefixes: readonly string[]): (afterPosition: number) => SubscriptionRead {
    const ranges = prefixRanges(prefixes);
    const select = this.db.prepare<unknown[], EventRow>(
      `SELECT * FROM events WHERE position > ? AND position <= ? AND (${ranges.map(() => '(stream_id >= ? AND stream_id < ?)').join(' OR ')})
       ORDER BY position LIMIT ?`,
    );
    const bounds = ranges.flatMap(({ from, to }) => [from, to]);
    return this.db.transaction((after: number): SubscriptionRead => {
      const head = this.statements.headPosition.get() ?? 0;
      const events = select.all(after, head, ...bounds, SUBSCRIPTION_BATCH).map(toRecordedEvent);
      return { events, upTo: events.length === SUBSCRIPTION_BATCH ? (events.at(-1) as RecordedEvent).position : head };
    });
  }

  private readAllNow(afterPosition: number, limit: number): RecordedEvent[] {
    return this.statements.readAll.all(afterPosition, limit).map(toRecordedEvent);
  }

  /** One group, in one durable transaction; what is known of the file moves on once it has committed. */
  private commit(group: readonly QueuedAppend[]): CommittedGroup {
    // IMMEDIATE takes the write lock up front, so a concurrent writer process makes us wait (busy_timeout)
    // instead of failing when a read transaction would have to be upgraded.
    const { outcomes, written, writes } = this.commitGroup.immediate(group);
    for (const [streamId, head] of writes.heads) this.known.heads.set(streamId, head);
    if (writes.heads.size > 0) this.known.lastRecordedAt = writes.recordedAt;
    return { outcomes, written };
  }

  /** What is known of the file, forgotten as soon as another connection has committed to it. */
  private knowledge(): Known {
    const version = this.statements.dataVersion.get() as number;
    if (version !== this.known.version) this.known = { version, heads: new KnownHeads(), lastRecordedAt: undefined };
    return this.known;
  }

  /**
   * Runs inside the group's transaction, in the append's own savepoint. The stream's head is what this group
   * wrote, or what is known, or read from the file; the new head is known once the group has committed.
   */
  private write(append: QueuedAppend, writes: GroupWrites): AppendResult {
    const { streamId, events, expected, idempotencyKey } = append;
    if (idempotencyKey !== undefined) {
      const prior = this.statements.findKey.get(idempotencyKey);
      if (prior) return { ...toAppendResult(prior), replayed: true };
    }
    const head = writes.heads.get(streamId) ?? this.known.heads.get(streamId) ?? this.statements.head.get(streamId);
    const current = head?.revision ?? -1;
    if (!revisionMatches(expected, current)) {
      throw new WrongExpectedRevision(streamId, expected, head ? current : 'no-stream');
    }
    const recorded = stampEvents(streamId, events, head, writes.position, writes.recordedAt);
    for (const e of recorded) {
      const row = [e.position, e.id, streamId, e.revision, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata)] as const;
      this.statements.insertEvent.run(...row, e.previousHash, e.hash);
    }
    const result = appendResultOf(streamId, recorded, head);
    const last = recorded.at(-1);
    if (!last) return result;
    if (idempotencyKey !== undefined) {
      this.statements.insertKey.run(idempotencyKey, streamId, result.firstRevision, result.lastRevision, result.lastPosition);
    }
    writes.position = last.position;
    writes.heads.set(streamId, { revision: last.revision, hash: last.hash, position: last.position });
    return result;
  }
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`the event store file has schema version ${version}; this code knows up to ${SCHEMA_VERSION}`);
    }
    if (version === 0) {
      db.exec(SCHEMA);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
  }).immediate();
}
