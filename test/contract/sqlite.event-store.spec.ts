import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Clock } from '../../src/core/clock.port';
import type { RecordedEvent } from '../../src/core/event';
import { WrongExpectedRevision } from '../../src/core/event-store.port';
import { eventHash } from '../../src/core/hash-chain';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite.event-store';
import { event, eventStoreContract, eventually, streamName } from './event-store.contract';

const directories: string[] = [];

function freshFile(): string {
  const directory = mkdtempSync(join(tmpdir(), 'sinergi-sqlite-'));
  directories.push(directory);
  return join(directory, 'events.db');
}

afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

eventStoreContract('SqliteEventStore', async () => {
  const file = freshFile();
  return { store: SqliteEventStore.open(file), another: async () => SqliteEventStore.open(file) };
});

class FixedClock extends Clock {
  constructor(private readonly at: string) {
    super();
  }
  now(): Date {
    return new Date(this.at);
  }
}

describe('SqliteEventStore', () => {
  let file: string;
  let store: SqliteEventStore;
  const opened: SqliteEventStore[] = [];

  function open(options?: Parameters<typeof SqliteEventStore.open>[1]): SqliteEventStore {
    const s = SqliteEventStore.open(file, options);
    opened.push(s);
    return s;
  }

  beforeEach(() => {
    file = freshFile();
    store = open();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  describe('a new file', () => {
    it('is created with its parent directories, in WAL mode, with the schema version recorded', async () => {
      const nested = join(freshFile(), '..', 'a', 'b', 'events.db');
      await SqliteEventStore.open(nested).close();

      const db = new Database(nested, { readonly: true });
      try {
        expect(db.pragma('user_version', { simple: true })).toBe(1);
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
        const tables = db.prepare('SELECT name FROM sqlite_master WHERE type = ? ORDER BY name').pluck().all('table');
        expect(tables).toEqual(['events', 'idempotency_keys']);
      } finally {
        db.close();
      }
    });
  });

  describe('a stored event', () => {
    it('is a plain row an auditor can read: JSON text for data and metadata, hashes in hex', async () => {
      const s = streamName();
      await store.append(s, [event({ data: { title: 'air bersih' } })], 'no-stream', { idempotencyKey: 'k' });

      const db = new Database(file, { readonly: true });
      try {
        const row = db.prepare('SELECT * FROM events').get() as Record<string, unknown>;
        expect(row).toMatchObject({ position: 1, stream_id: s, revision: 0, type: 'SomethingHappened', schema_version: 1 });
        expect(JSON.parse(row.data as string)).toEqual({ title: 'air bersih' });
        expect(JSON.parse(row.metadata as string)).toMatchObject({ actor: { userId: 'user-1' } });
        expect([row.previous_hash, row.hash]).toEqual(['0'.repeat(64), expect.stringMatching(/^[0-9a-f]{64}$/)]);
        expect(db.prepare('SELECT * FROM idempotency_keys').all()).toEqual([
          { key: 'k', stream_id: s, first_revision: 0, last_revision: 0, last_position: 1 },
        ]);
      } finally {
        db.close();
      }
    });

    it('is stamped with recordedAt from the clock, which its hash covers', async () => {
      const clocked = open({ clock: new FixedClock('2025-10-24T09:30:00.000Z') });
      const s = streamName();
      await clocked.append(s, [event()], 'no-stream');

      const [recorded] = await clocked.readStream(s);
      expect(recorded.metadata.recordedAt).toBe('2025-10-24T09:30:00.000Z');
      expect(recorded.hash).toBe(eventHash(recorded));
    });
  });

  describe('appends arriving in the same tick (group commit)', () => {
    it('are committed in one durable transaction', async () => {
      const before = store.stats.commits;

      await Promise.all(Array.from({ length: 50 }, () => store.append(streamName(), [event(), event()], 'no-stream')));

      expect(store.stats.commits - before).toBe(1);
      expect(await store.headPosition()).toBe(100);
    });

    it('see the appends before them in the group', async () => {
      const s = streamName();

      const [first, second] = await Promise.all([
        store.append(s, [event()], 'no-stream'),
        store.append(s, [event(), event()], 0),
      ]);

      expect([first.lastRevision, second.firstRevision, second.lastRevision]).toEqual([0, 1, 2]);
      expect(store.stats.commits).toBe(1);
      const events = await store.readStream(s);
      expect(events[1].previousHash).toBe(events[0].hash);
    });

    it('fail alone when one conflicts: the others commit and resolve', async () => {
      const [a, b, c] = [streamName(), streamName(), streamName()];
      await store.append(b, [event()], 'no-stream');
      const before = store.stats.commits;

      const outcomes = await Promise.allSettled([
        store.append(a, [event(), event()], 'no-stream'),
        store.append(b, [event(), event()], 5),
        store.append(c, [event()], 'no-stream'),
      ]);

      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevision);
      expect(store.stats.commits - before).toBe(1);
      expect((await store.readAll(0, 100)).map((e) => [e.streamId, e.revision, e.position])).toEqual([
        [b, 0, 1],
        [a, 0, 2],
        [a, 1, 3],
        [c, 0, 4],
      ]);
    });
  });

  describe('a reopened file', () => {
    it('holds every event and continues the chains and positions', async () => {
      const s = streamName();
      await store.append(s, [event(), event()], 'no-stream', { idempotencyKey: 'before-reopen' });
      const written = await store.readAll(0, 100);
      await store.close();

      const reopened = open();

      expect(await reopened.readAll(0, 100)).toEqual(written);
      expect(await reopened.append(s, [event()], 'no-stream', { idempotencyKey: 'before-reopen' })).toMatchObject({
        replayed: true,
        lastRevision: 1,
      });
      const next = await reopened.append(s, [event()], 1);
      expect(next).toMatchObject({ firstRevision: 2, lastPosition: 3 });
      const [third] = await reopened.readStream(s, { afterRevision: 1 });
      expect(third.previousHash).toBe(written[1].hash);
    });
  });

  describe('a second store on the same file', () => {
    it("sees the first store's commits through its subscription, by polling", async () => {
      const other = open({ pollIntervalMs: 50 });
      const seen: RecordedEvent[] = [];
      const subscription = other.subscribe(0, (e) => {
        seen.push(e);
      });
      const s = streamName();

      await store.append(s, [event(), event()], 'no-stream');
      await eventually(() => expect(seen.map((e) => e.revision)).toEqual([0, 1]));
      await store.append(s, [event()], 1);
      await eventually(() => expect(seen.map((e) => e.revision)).toEqual([0, 1, 2]));
      await subscription.close();

      expect(seen).toEqual(await store.readAll(0, 10));
    });

    it('is held to the expected revision against the first store', async () => {
      const other = open();
      const s = streamName();
      await store.append(s, [event()], 'no-stream');

      await expect(other.append(s, [event()], 'no-stream')).rejects.toBeInstanceOf(WrongExpectedRevision);
      expect(await other.append(s, [event()], 0)).toMatchObject({ firstRevision: 1, lastPosition: 2 });
    });

    it("makes the first store forget the heads it knew: its reads and appends see the other's events", async () => {
      const other = open();
      const s = streamName();
      await store.append(s, [event()], 'no-stream');
      expect(await store.readStream(s, { afterRevision: 0 })).toEqual([]);
      await store.append(s, [event()], 0);

      await other.append(s, [event()], 1);

      expect((await store.readStream(s, { afterRevision: 1 })).map((e) => e.revision)).toEqual([2]);
      await expect(store.append(s, [event()], 1)).rejects.toBeInstanceOf(WrongExpectedRevision);
      await store.append(s, [event()], 2);
      const stream = await store.readStream(s);
      expect(stream.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
      // The chain runs through the other store's event.
      expect(stream[3].previousHash).toBe(stream[2].hash);
      expect(stream[3].metadata.recordedAt >= stream[2].metadata.recordedAt).toBe(true);
    });
  });
});
