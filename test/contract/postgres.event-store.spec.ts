import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Clock } from '../../src/core/clock.port';
import type { RecordedEvent } from '../../src/core/event';
import { WrongExpectedRevision } from '../../src/core/event-store.port';
import { eventHash } from '../../src/core/hash-chain';
import { PostgresEventStore } from '../../src/infrastructure/postgres/postgres.event-store';
import { ImportOutOfOrder } from '../../src/core/recorded-event-import';
import { type PrivatePostgres, postgresSkipped, startPrivatePostgres } from '../support/private-postgres';
import { event, eventStoreContract, eventually, pause, streamName } from './event-store.contract';

if (postgresSkipped) {
  console.warn('PostgreSQL event store specs skipped: PostgreSQL is not installed, or SINERGI_SKIP_POSTGRES=1');
}
const describeWithPostgres = postgresSkipped ? describe.skip : describe;

let server: PrivatePostgres;
const opened: PostgresEventStore[] = [];

async function freshDatabase(): Promise<string> {
  return server.createDatabase(`events_${randomUUID().replaceAll('-', '')}`);
}

async function open(url: string, options?: Parameters<typeof PostgresEventStore.open>[1]): Promise<PostgresEventStore> {
  const store = await PostgresEventStore.open(url, options);
  opened.push(store);
  return store;
}

describeWithPostgres('the PostgreSQL event store, on a private server', () => {
  let sharedUrl: string;

  beforeAll(async () => {
    server = await startPrivatePostgres();
    sharedUrl = await freshDatabase();
  }, 60_000);
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  afterAll(() => server?.stop());

  // One database for the whole contract: the suite is written to run against a store that is not empty.
  eventStoreContract('PostgresEventStore', async () => ({
    store: await PostgresEventStore.open(sharedUrl),
    another: () => PostgresEventStore.open(sharedUrl),
  }));

  describe('PostgresEventStore', () => {
    let url: string;
    let store: PostgresEventStore;

    beforeEach(async () => {
      url = await freshDatabase();
      store = await open(url);
    });

    describe('a new database', () => {
      it('gets the tables, an empty head and the schema version, once even when two stores open it together', async () => {
        const other = await freshDatabase();
        await Promise.all([open(other), open(other)]);

        const client = new Client({ connectionString: other });
        await client.connect();
        try {
          const tables = await client.query<{ table_name: string }>(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
          );
          expect(tables.rows.map((r) => r.table_name)).toEqual(['event_log_head', 'event_store_schema', 'events', 'idempotency_keys']);
          expect((await client.query('SELECT version FROM event_store_schema')).rows).toEqual([{ version: 2 }]);
          expect((await client.query('SELECT position FROM event_log_head')).rows).toEqual([{ position: '0' }]);
        } finally {
          await client.end();
        }
      });

      it('of schema version 1 gets the index on stream ids that reads streams by prefix, and version 2', async () => {
        const client = new Client({ connectionString: url });
        await client.connect();
        const indexes = async () =>
          (await client.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE tablename = 'events' ORDER BY indexname")).rows.map((r) => r.indexname);
        try {
          await client.query('DROP INDEX events_by_stream_prefix');
          await client.query('UPDATE event_store_schema SET version = 1');
          expect(await indexes()).not.toContain('events_by_stream_prefix');

          await open(url);

          expect(await indexes()).toContain('events_by_stream_prefix');
          expect((await client.query('SELECT version FROM event_store_schema')).rows).toEqual([{ version: 2 }]);
        } finally {
          await client.end();
        }
      });
    });

    describe('a stored event', () => {
      it('is a plain row: the exact JSON text of data and metadata, hashes in hex, and its idempotency key', async () => {
        const s = streamName();
        await store.append(s, [event({ data: { title: 'air bersih', amount: 1.5e3 } })], 'no-stream', { idempotencyKey: 'k' });

        const client = new Client({ connectionString: url });
        await client.connect();
        try {
          const row = (await client.query('SELECT * FROM events')).rows[0] as Record<string, unknown>;
          expect(row).toMatchObject({ position: '1', stream_id: s, revision: 0, type: 'SomethingHappened', schema_version: 1 });
          expect(row.data).toBe('{"title":"air bersih","amount":1500}');
          expect(JSON.parse(row.metadata as string)).toMatchObject({ actor: { userId: 'user-1' } });
          expect([row.previous_hash, row.hash]).toEqual(['0'.repeat(64), expect.stringMatching(/^[0-9a-f]{64}$/)]);
          expect((await client.query('SELECT * FROM idempotency_keys')).rows).toEqual([
            { key: 'k', stream_id: s, first_revision: 0, last_revision: 0, last_position: '1' },
          ]);
        } finally {
          await client.end();
        }
      });
    });

    describe('recordedAt', () => {
      it('never goes back in the global order, even when a writer clock is behind', async () => {
        const ahead = await open(url, { clock: new FixedClock('2030-01-01T00:00:00.000Z') });
        const behind = await open(url, { clock: new FixedClock('2020-01-01T00:00:00.000Z') });

        await ahead.append(streamName(), [event()], 'no-stream');
        await behind.append(streamName(), [event()], 'no-stream');

        const all = await store.readAll(0, 10);
        expect(all.map((e) => e.metadata.recordedAt)).toEqual(['2030-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z']);
        for (const e of all) expect(e.hash).toBe(eventHash(e));
      });
    });

    describe('appends arriving together (group commit)', () => {
      it('are committed in one transaction', async () => {
        const before = store.stats.commits;

        await Promise.all(Array.from({ length: 50 }, () => store.append(streamName(), [event(), event()], 'no-stream')));

        expect(store.stats.commits - before).toBe(1);
        expect(await store.headPosition()).toBe(100);
      });
    });

    describe('a group whose streams it knows, nobody else having written since (one round trip)', () => {
      it('still fails alone an append whose event id is already stored, and replays a stored key', async () => {
        const [a, b] = [streamName(), streamName()];
        const taken = event();
        await store.append(a, [taken], 'no-stream', { idempotencyKey: 'first' });
        await store.append(b, [event()], 'no-stream');

        const outcomes = await Promise.allSettled([
          store.append(a, [event(), { ...taken }], 0),
          store.append(b, [event()], 0),
          store.append(a, [event()], 'any', { idempotencyKey: 'first' }),
        ]);

        expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
        expect(outcomes[2]).toMatchObject({ value: { streamId: a, lastRevision: 0, replayed: true } });
        expect((await store.readStream(a)).map((e) => e.revision)).toEqual([0]);
        expect((await store.readStream(b)).map((e) => e.revision)).toEqual([0, 1]);
      });

      it('goes the long way once another store has written: positions, revisions and chains stay whole', async () => {
        const other = await open(url);
        const [s, t] = [streamName(), streamName()];
        await store.append(s, [event()], 'no-stream');
        await store.append(t, [event()], 'no-stream');

        await other.append(s, [event()], 0);

        await expect(store.append(s, [event()], 0)).rejects.toBeInstanceOf(WrongExpectedRevision);
        await store.append(t, [event()], 0);
        await store.append(s, [event()], 1);
        const log = await store.readAll(0, 10);
        expect(log.map((e) => e.position)).toEqual([1, 2, 3, 4, 5]);
        const chain = await store.readStream(s);
        expect(chain.map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(chain[2].previousHash).toBe(chain[1].hash);
        expect(chain[1].previousHash).toBe(chain[0].hash);
      });
    });

    describe('several stores writing the same database at once', () => {
      it('never let a reader see a position before every smaller one is committed', async () => {
        const writers = await Promise.all([open(url), open(url), open(url), open(url)]);
        const seen: number[] = [];
        let reading = true;
        // A reader following the log as fast as it can while transactions are in flight, as a subscription does:
        // each read must go on exactly where the previous one stopped, or it has skipped an event for good.
        const reader = (async () => {
          while (reading || seen.length < 200) {
            const batch = await store.readAll(seen.length, 1000);
            for (const e of batch) seen.push(e.position);
          }
        })();

        await Promise.all(
          writers.map(async (writer) => {
            for (let i = 0; i < 25; i++) await writer.append(streamName(), [event(), event()], 'no-stream');
          }),
        );
        reading = false;
        await reader;

        expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      });

      it('hold each other to the expected revision and share one chain per stream', async () => {
        const other = await open(url);
        const s = streamName();
        await store.append(s, [event()], 'no-stream');

        await expect(other.append(s, [event()], 'no-stream')).rejects.toBeInstanceOf(WrongExpectedRevision);
        expect(await other.append(s, [event()], 0)).toMatchObject({ firstRevision: 1, lastPosition: 2 });
        const [first, second] = await store.readStream(s);
        expect(second.previousHash).toBe(first.hash);
      });

      it("see each other's commits through their subscriptions, announced by NOTIFY", async () => {
        const other = await open(url, { pollIntervalMs: 60_000 });
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
    });

    describe('a subscription whose connection is dropped', () => {
      it('resumes after its last delivered event once the server takes connections again', async () => {
        const subscriber = await open(url, { pollIntervalMs: 50 });
        const seen: number[] = [];
        const errors: unknown[] = [];
        const subscription = subscriber.subscribe(
          0,
          (e) => {
            seen.push(e.position);
          },
          (error) => errors.push(error),
        );
        await store.append(streamName(), [event()], 'no-stream');
        await eventually(() => expect(seen).toEqual([1]));

        await terminateOtherConnections(url);
        // The writer's pooled connections were dropped too: give its pool a moment to notice.
        await pause(200);
        await store.append(streamName(), [event(), event()], 'no-stream');

        await eventually(() => expect(seen).toEqual([1, 2, 3]));
        await subscription.close();
        expect(errors).toEqual([]);
      });
    });

    describe('importing recorded events (the migration path)', () => {
      it('writes them unchanged, with their idempotency keys, and continues their chains afterwards', async () => {
        const source = await open(await freshDatabase(), { clock: new FixedClock('2025-10-24T09:30:00.000Z') });
        const s = streamName();
        const first = await source.append(s, [event(), event()], 'no-stream', { idempotencyKey: 'imported' });
        await source.append(streamName(), [event()], 'no-stream');
        const recorded = await source.readAll(0, 10);

        await store.importRecorded(recorded, [{ key: 'imported', result: { ...first } }]);

        expect(await store.readAll(0, 10)).toEqual(recorded);
        expect(await store.headPosition()).toBe(3);
        expect(await store.append(s, [event()], 'no-stream', { idempotencyKey: 'imported' })).toEqual({ ...first, replayed: true });
        await store.append(s, [event()], 1);
        const [, second, third] = await store.readStream(s);
        expect(third).toMatchObject({ position: 4, previousHash: second.hash });
        expect(third.metadata.recordedAt >= second.metadata.recordedAt).toBe(true);
      });

      it('refuses events that do not continue the head, writing nothing', async () => {
        await store.append(streamName(), [event()], 'no-stream');
        const source = await open(await freshDatabase());
        await source.append(streamName(), [event(), event()], 'no-stream');
        const recorded = await source.readAll(0, 10);

        await expect(store.importRecorded(recorded, [])).rejects.toBeInstanceOf(ImportOutOfOrder);
        expect(await store.headPosition()).toBe(1);
      });
    });
  });
});

class FixedClock extends Clock {
  constructor(private readonly at: string) {
    super();
  }
  now(): Date {
    return new Date(this.at);
  }
}

/** Drops every connection to the database but this one, as a failover or a restarted server would. */
async function terminateOtherConnections(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
  } finally {
    await client.end();
  }
}
