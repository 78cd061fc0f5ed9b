import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { Client } from 'pg';
import { event, streamName } from '../../test/contract/event-store.contract';
import { type PrivatePostgres, postgresSkipped, startPrivatePostgres } from '../../test/support/private-postgres';
import { AppModule } from '../app.module';
import { verifyLog } from '../audit/log-verifier';
import { SinergiConfig } from '../config/sinergi.config';
import type { EventStoreSelection } from '../infrastructure/event-store-adapters';
import type { EventStore } from '../core/event-store.port';
import { loadSeedStories } from '../demo/seed-stories';
import { type KurrentDbStandIn, startKurrentDbStandIn } from '../../test/support/kurrentdb-stand-in';
import { KurrentDbEventStore } from '../infrastructure/kurrentdb/kurrentdb.event-store';
import { PostgresEventStore } from '../infrastructure/postgres/postgres.event-store';
import { SqliteEventStore } from '../infrastructure/sqlite/sqlite.event-store';
import { runMigrateCommand } from './migrate-command';
import { FileDocumentStore } from '../documents/storage/file.document-store';
import { PostgresDocumentStore } from '../documents/storage/postgres.document-store';
import { pdfFile, sha256Of } from '../../test/support/document-files';
import { MigrationRefused, migrateEventStore } from './migrate-event-store';
import { readSqliteIdempotencyKeys } from './sqlite-idempotency-keys';

if (postgresSkipped) console.warn('Migration specs to PostgreSQL skipped: PostgreSQL is not installed, or SINERGI_SKIP_POSTGRES=1');

const directories: string[] = [];
const temporaryDirectory = (): string => {
  const directory = mkdtempSync(join(tmpdir(), 'sinergi-migration-'));
  directories.push(directory);
  return directory;
};

/** Loads the seed stories through the real command path into the store `eventStore` selects; returns events written. */
async function loadDemo(dataDir: string, eventStore: EventStoreSelection = { adapter: 'sqlite' }): Promise<number> {
  const app = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(SinergiConfig)
    .useValue(new SinergiConfig(0, dataDir, '100kb', eventStore))
    .compile();
  await app.init();
  try {
    const stories = await loadSeedStories(app.get(CommandBus), () => undefined);
    return stories.reduce((sum, story) => sum + story.eventsWritten, 0);
  } finally {
    await app.close();
  }
}

let demo: Promise<{ dir: string; events: number }> | undefined;
/** The seed stories in a SQLite store, loaded once for the file: tests that add to a source add to a copy. */
function demoStore(): Promise<{ dir: string; events: number }> {
  demo ??= (async () => {
    const dir = temporaryDirectory();
    return { dir, events: await loadDemo(dir) };
  })();
  return demo;
}

/** A data directory holding a copy of the demo store, so a test may add to its source. */
function copyOf(demoDir: string): string {
  const directory = temporaryDirectory();
  for (const suffix of ['', '-wal']) {
    const file = join(demoDir, `events.sqlite${suffix}`);
    if (existsSync(file)) copyFileSync(file, join(directory, `events.sqlite${suffix}`));
  }
  return directory;
}

afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

const output: string[] = [];
const captured = { write: (text: string) => void output.push(text) };
beforeEach(() => {
  output.length = 0;
});

/** A store `sinergi migrate --to` copies to. */
interface MigrationTarget {
  to: 'postgres' | 'kurrentdb';
  /** The URL of a fresh, empty store. */
  empty(): Promise<string>;
  open(url: string): Promise<EventStore & { close(): Promise<void> }>;
}

const migrateTo = (to: MigrationTarget['to'], dataDir: string, url: string) =>
  runMigrateCommand(['--to', to, '--url', url], { SINERGI_DATA_DIR: dataDir }, captured);

async function withStore<T>(target: MigrationTarget, url: string, use: (store: EventStore) => Promise<T>): Promise<T> {
  const store = await target.open(url);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

/** What every target is held to: an exact copy, the idempotency keys kept, safe re-runs, another log refused. */
function rulesOfEveryTarget(target: MigrationTarget): void {
  let demoDir: string;
  let demoEvents: number;
  const migrate = (dataDir: string, url: string) => migrateTo(target.to, dataDir, url);
  beforeAll(async () => {
    ({ dir: demoDir, events: demoEvents } = await demoStore());
  }, 60_000);

  it('copies every event unchanged, and the copy verifies with the seal of the source', async () => {
    const url = await target.empty();

    const report = await migrate(demoDir, url);

    expect(demoEvents).toBeGreaterThan(50);
    expect(report).toMatchObject({ sourceHead: demoEvents, alreadyThere: 0, copied: demoEvents, verified: true });
    const source = SqliteEventStore.open(join(demoDir, 'events.sqlite'));
    try {
      await withStore(target, url, async (copy) => {
        const [sourceLog, targetLog] = await Promise.all([verifyLog(source), verifyLog(copy)]);
        expect(targetLog).toMatchObject({ intact: true, eventsChecked: demoEvents, seal: sourceLog.seal });
        expect(await copy.readAll(0, 10_000)).toEqual(await source.readAll(0, 10_000));
      });
    } finally {
      await source.close();
    }
    expect(output.join('')).toContain(`Verified: the copy holds the same ${demoEvents} events`);
    expect(output.join('')).toContain(`SINERGI_EVENT_STORE=${target.to}`);
  });

  it('keeps the idempotency keys: the demo loaded again against the copy replays every step and writes nothing', async () => {
    const url = await target.empty();
    await migrate(demoDir, url);

    expect(await loadDemo(temporaryDirectory(), { adapter: target.to, url })).toBe(0);
    expect(await withStore(target, url, (copy) => copy.headPosition())).toBe(demoEvents);
    expect(readSqliteIdempotencyKeys(join(demoDir, 'events.sqlite')).length).toBeGreaterThan(0);
  });

  it('is safe to re-run: the next run copies only what the source gained meanwhile', async () => {
    const dataDir = copyOf(demoDir);
    const url = await target.empty();
    await migrate(dataDir, url);

    const again = await migrate(dataDir, url);
    const source = SqliteEventStore.open(join(dataDir, 'events.sqlite'));
    await source.append(streamName(), [event(), event()], 'no-stream', { idempotencyKey: 'after-the-first-run' });
    await source.close();
    const later = await migrate(dataDir, url);

    expect(again).toMatchObject({ alreadyThere: demoEvents, copied: 0, verified: true });
    expect(later).toMatchObject({ alreadyThere: demoEvents, copied: 2, sourceHead: demoEvents + 2, verified: true });
    expect(await withStore(target, url, (copy) => copy.findAppend('after-the-first-run'))).toMatchObject({ lastPosition: demoEvents + 2 });
  });

  it('refuses a target that holds another log, writing nothing', async () => {
    const url = await target.empty();
    await withStore(target, url, (other) => other.append(streamName(), [event()], 'no-stream'));

    await expect(migrate(demoDir, url)).rejects.toBeInstanceOf(MigrationRefused);

    expect(await withStore(target, url, (copy) => copy.headPosition())).toBe(1);
  });
}

(postgresSkipped ? describe.skip : describe)('moving the demo data from SQLite to PostgreSQL (sinergi migrate)', () => {
  let server: PrivatePostgres;
  let demoDir: string;
  let demoEvents: number;
  const demoCopy = (): string => copyOf(demoDir);

  const migrate = (dataDir: string, url: string) => migrateTo('postgres', dataDir, url);
  const emptyDatabase = () => server.createDatabase(`copy_${Math.random().toString(36).slice(2)}`);

  beforeAll(async () => {
    server = await startPrivatePostgres();
    ({ dir: demoDir, events: demoEvents } = await demoStore());
  }, 60_000);
  afterAll(() => server?.stop());

  rulesOfEveryTarget({ to: 'postgres', empty: emptyDatabase, open: (url) => PostgresEventStore.open(url) });

  it('copies the documents to the same database, each checked against its SHA-256, and refuses to pass over an altered one', async () => {
    const dataDir = demoCopy();
    const kept = await FileDocumentStore.open(join(dataDir, 'documents'));
    const [offerLetter, draft] = [pdfFile('Surat penawaran kerja sama'), pdfFile('Draf KSB', 50_000)];
    for (const bytes of [offerLetter, draft]) await kept.keep(sha256Of(bytes), Readable.from([bytes]));
    const url = await emptyDatabase();

    const report = await migrate(dataDir, url);

    expect(report.documents).toEqual({ copied: 2, alreadyThere: 0, altered: [] });
    const copy = await PostgresDocumentStore.open(url);
    try {
      for (const bytes of [offerLetter, draft]) expect(await copy.sizeOf(sha256Of(bytes))).toBe(bytes.length);
      expect(output.join('')).toContain('SINERGI_DOCUMENTS=postgres');

      writeFileSync(join(dataDir, 'documents', sha256Of(draft).slice(0, 2), sha256Of(draft)), pdfFile('Draf KSB yang diubah'));
      const other = await emptyDatabase();
      await expect(migrate(dataDir, other)).rejects.toThrow(`These documents no longer match their SHA-256 and were not copied: ${sha256Of(draft)}`);
    } finally {
      await copy.close();
    }
  });

  it('resumes a run that stopped halfway, after the events the target already holds', async () => {
    const source = SqliteEventStore.open(join(demoCopy(), 'events.sqlite'));
    const target = await PostgresEventStore.open(await emptyDatabase());
    try {
      await target.importRecorded(await source.readAll(0, 20), []);

      const report = await migrateEventStore(source, [], target, { batchSize: 7 });

      expect(report).toMatchObject({ alreadyThere: 20, copied: demoEvents - 20, verified: true });
    } finally {
      await Promise.all([source.close(), target.close()]);
    }
  });

  it('fails, saying where, when the copy was altered behind its back', async () => {
    const url = await emptyDatabase();
    await migrate(demoDir, url);
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query(`UPDATE events SET data = '{"tampered":true}' WHERE position = 5`);
    await client.end();
    output.length = 0;

    await expect(migrate(demoDir, url)).rejects.toThrow(/does not match the source/);

    expect(output.join('')).toContain('The copy is broken: its content no longer matches its hash (position 5)');
  });
});

describe('moving the demo data from SQLite to KurrentDB (sinergi migrate), on the KurrentDB stand-in server', () => {
  const standIns: KurrentDbStandIn[] = [];
  afterAll(() => Promise.all(standIns.map((standIn) => standIn.stop())));

  rulesOfEveryTarget({
    to: 'kurrentdb',
    // A fresh server for each test: the store's log stream has one fixed name.
    empty: async () => {
      const standIn = await startKurrentDbStandIn();
      standIns.push(standIn);
      return standIn.url;
    },
    open: async (url) => KurrentDbEventStore.connect(url),
  });
});
