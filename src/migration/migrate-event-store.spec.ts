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
import { type EventStoreSelection, SinergiConfig } from '../config/sinergi.config';
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

(postgresSkipped ? describe.skip : describe)('moving the demo data from SQLite to PostgreSQL (sinergi migrate)', () => {
  let server: PrivatePostgres;
  let demoDir: string;
  let demoEvents: number;
  const output: string[] = [];
  const captured = { write: (text: string) => void output.push(text) };
  const demoCopy = (): string => copyOf(demoDir);

  const migrate = (dataDir: string, url: string) => runMigrateCommand(['--to', 'postgres', '--url', url], { SINERGI_DATA_DIR: dataDir }, captured);
  const emptyDatabase = () => server.createDatabase(`copy_${Math.random().toString(36).slice(2)}`);

  beforeAll(async () => {
    server = await startPrivatePostgres();
    ({ dir: demoDir, events: demoEvents } = await demoStore());
  }, 60_000);
  beforeEach(() => {
    output.length = 0;
  });
  afterAll(() => server?.stop());

  it('copies every event unchanged, and the copy verifies with the seal of the source', async () => {
    const url = await emptyDatabase();

    const report = await migrate(demoDir, url);

    expect(demoEvents).toBeGreaterThan(50);
    expect(report).toMatchObject({ sourceHead: demoEvents, alreadyThere: 0, copied: demoEvents, verified: true });
    const source = SqliteEventStore.open(join(demoDir, 'events.sqlite'));
    const target = await PostgresEventStore.open(url);
    try {
      const [sourceLog, targetLog] = await Promise.all([verifyLog(source), verifyLog(target)]);
      expect(targetLog).toMatchObject({ intact: true, eventsChecked: demoEvents, seal: sourceLog.seal });
      expect(await target.readAll(0, 10_000)).toEqual(await source.readAll(0, 10_000));
    } finally {
      await Promise.all([source.close(), target.close()]);
    }
    expect(output.join('')).toContain(`Verified: the copy holds the same ${demoEvents} events`);
    expect(output.join('')).toContain('SINERGI_EVENT_STORE=postgres');
  });

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

  it('keeps the idempotency keys: the demo loaded again against the copy replays every step and writes nothing', async () => {
    const url = await emptyDatabase();
    await migrate(demoDir, url);

    expect(await loadDemo(temporaryDirectory(), { adapter: 'postgres', url })).toBe(0);
    const target = await PostgresEventStore.open(url);
    try {
      expect(await target.headPosition()).toBe(demoEvents);
      expect(readSqliteIdempotencyKeys(join(demoDir, 'events.sqlite')).length).toBeGreaterThan(0);
    } finally {
      await target.close();
    }
  });

  it('is safe to re-run: the next run copies only what the source gained meanwhile', async () => {
    const dataDir = demoCopy();
    const url = await emptyDatabase();
    await migrate(dataDir, url);

    const again = await migrate(dataDir, url);
    const source = SqliteEventStore.open(join(dataDir, 'events.sqlite'));
    await source.append(streamName(), [event(), event()], 'no-stream', { idempotencyKey: 'after-the-first-run' });
    await source.close();
    const later = await migrate(dataDir, url);

    expect(again).toMatchObject({ alreadyThere: demoEvents, copied: 0, verified: true });
    expect(later).toMatchObject({ alreadyThere: demoEvents, copied: 2, sourceHead: demoEvents + 2, verified: true });
    const target = await PostgresEventStore.open(url);
    try {
      expect(await target.findAppend('after-the-first-run')).toMatchObject({ lastPosition: demoEvents + 2 });
    } finally {
      await target.close();
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

  it('refuses a target that holds another log, writing nothing', async () => {
    const url = await emptyDatabase();
    const other = await PostgresEventStore.open(url);
    await other.append(streamName(), [event()], 'no-stream');
    await other.close();

    await expect(migrate(demoDir, url)).rejects.toBeInstanceOf(MigrationRefused);

    const target = await PostgresEventStore.open(url);
    expect(await target.headPosition()).toBe(1);
    await target.close();
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
  let demoDir: string;
  let demoEvents: number;
  const standIns: KurrentDbStandIn[] = [];
  const output: string[] = [];
  const captured = { write: (text: string) => void output.push(text) };

  /** A fresh, empty KurrentDB for each test: the store's log stream has one fixed name. */
  const emptyServer = async (): Promise<string> => {
    const standIn = await startKurrentDbStandIn();
    standIns.push(standIn);
    return standIn.url;
  };
  const migrate = (dataDir: string, url: string) => runMigrateCommand(['--to', 'kurrentdb', '--url', url], { SINERGI_DATA_DIR: dataDir }, captured);
  async function withTarget<T>(url: string, use: (target: KurrentDbEventStore) => Promise<T>): Promise<T> {
    const target = KurrentDbEventStore.connect(url);
    try {
      return await use(target);
    } finally {
      await target.close();
    }
  }

  beforeAll(async () => {
    ({ dir: demoDir, events: demoEvents } = await demoStore());
  }, 60_000);
  beforeEach(() => {
    output.length = 0;
  });
  afterAll(() => Promise.all(standIns.map((standIn) => standIn.stop())));

  it('copies every event unchanged, and the copy verifies with the seal of the source', async () => {
    const url = await emptyServer();

    const report = await migrate(demoDir, url);

    expect(demoEvents).toBeGreaterThan(50);
    expect(report).toMatchObject({ sourceHead: demoEvents, alreadyThere: 0, copied: demoEvents, verified: true });
    const source = SqliteEventStore.open(join(demoDir, 'events.sqlite'));
    try {
      await withTarget(url, async (target) => {
        const [sourceLog, targetLog] = await Promise.all([verifyLog(source), verifyLog(target)]);
        expect(targetLog).toMatchObject({ intact: true, eventsChecked: demoEvents, seal: sourceLog.seal });
        expect(await target.readAll(0, 10_000)).toEqual(await source.readAll(0, 10_000));
      });
    } finally {
      await source.close();
    }
    expect(output.join('')).toContain(`Verified: the copy holds the same ${demoEvents} events`);
    expect(output.join('')).toContain('SINERGI_EVENT_STORE=kurrentdb');
  });

  it('keeps the idempotency keys: the demo loaded again against the copy replays every step and writes nothing', async () => {
    const url = await emptyServer();
    await migrate(demoDir, url);

    expect(await loadDemo(temporaryDirectory(), { adapter: 'kurrentdb', url })).toBe(0);
    expect(await withTarget(url, (target) => target.headPosition())).toBe(demoEvents);
  });

  it('is safe to re-run: the next run copies only what the source gained meanwhile', async () => {
    const dataDir = copyOf(demoDir);
    const url = await emptyServer();
    await migrate(dataDir, url);

    const again = await migrate(dataDir, url);
    const source = SqliteEventStore.open(join(dataDir, 'events.sqlite'));
    await source.append(streamName(), [event(), event()], 'no-stream', { idempotencyKey: 'after-the-first-run' });
    await source.close();
    const later = await migrate(dataDir, url);

    expect(again).toMatchObject({ alreadyThere: demoEvents, copied: 0, verified: true });
    expect(later).toMatchObject({ alreadyThere: demoEvents, copied: 2, sourceHead: demoEvents + 2, verified: true });
    expect(await withTarget(url, (target) => target.findAppend('after-the-first-run'))).toMatchObject({ lastPosition: demoEvents + 2 });
  });

  it('refuses a target that holds another log, writing nothing', async () => {
    const url = await emptyServer();
    await withTarget(url, (other) => other.append(streamName(), [event()], 'no-stream'));

    await expect(migrate(demoDir, url)).rejects.toBeInstanceOf(MigrationRefused);

    expect(await withTarget(url, (target) => target.headPosition())).toBe(1);
  });
});
