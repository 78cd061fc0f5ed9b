import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { verifyLog } from '../../src/audit/log-verifier';
import { runAuditCommand } from '../../src/audit/audit-cli';
import { eventHash } from '../../src/core/hash-chain';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite.event-store';
import { loadDemoStore } from '../support/demo-store';
import { type EventRow, toRecordedEvent } from '../../src/core/recorded-events';


/**
 * The demo store (six agreements, 79 events), tampered with directly in its SQLite file, as someone with access to
 * the disk could: `audit verify` must name the first event that no longer holds.
 */
describe('the tamper check of a store edited behind its back', () => {
  let pristineDir: string;
  let workDir: string;
  let file: string;
  let head: number;

  beforeAll(async () => {
    pristineDir = mkdtempSync(join(tmpdir(), 'sinergi-tamper-'));
    await loadDemoStore(pristineDir);
  });
  afterAll(() => rmSync(pristineDir, { recursive: true, force: true }));

  beforeEach(() => {
    workDir = mkdtempSync(join(tmpdir(), 'sinergi-tampered-'));
    file = join(workDir, 'events.sqlite');
    copyFileSync(join(pristineDir, 'events.sqlite'), file);
    head = withFile((db) => db.prepare('SELECT max(position) FROM events').pluck().get() as number);
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  function withFile<T>(edit: (db: Database.Database) => T): T {
    const db = new Database(file);
    try {
      return edit(db);
    } finally {
      db.close();
    }
  }

  const rowAt = (db: Database.Database, position: number): EventRow => db.prepare('SELECT * FROM events WHERE position = ?').get(position) as EventRow;

  /** The stream's events (by revision) as rows. */
  const rowsOf = (db: Database.Database, streamId: string): EventRow[] =>
    db.prepare('SELECT * FROM events WHERE stream_id = ? ORDER BY revision').all(streamId) as EventRow[];

  async function verify(options: { upTo?: number } = {}) {
    const store = SqliteEventStore.open(file);
    try {
      return await verifyLog(store, options);
    } finally {
      await store.close();
    }
  }

  it('passes an untouched store, with a seal over all of it', async () => {
    const result = await verify();
    expect(result).toMatchObject({ intact: true, eventsChecked: head, streams: 6, position: head });
    expect(result.seal).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names an event whose data was altered', async () => {
    const target = withFile((db) => {
      db.prepare(`UPDATE events SET data = json_set(data, '$.party', '32') WHERE position = 20`).run();
      return rowAt(db, 20);
    });
    const { intact, firstBroken, position } = await verify();
    expect(intact).toBe(false);
    expect(firstBroken).toMatchObject({ breach: 'changed', position: 20, eventId: target.id, streamId: target.stream_id });
    expect(position).toBe(19);
  });

  it('names an event whose metadata was altered: a different actor', async () => {
    withFile((db) => db.prepare(`UPDATE events SET metadata = json_set(metadata, '$.actor.userId', 'someone.else') WHERE position = 7`).run());
    expect((await verify()).firstBroken).toMatchObject({ breach: 'changed', position: 7 });
  });

  it('names the place of an event deleted from the middle of the log', async () => {
    withFile((db) => db.prepare('DELETE FROM events WHERE position = 33').run());
    const { firstBroken, position } = await verify();
    expect(firstBroken).toMatchObject({ breach: 'removed', position: 33 });
    expect(position).toBe(32);
  });

  it('names the missing tail when the last event is deleted, against the position sealed before', async () => {
    const sealed = await verify();
    withFile((db) => db.prepare('DELETE FROM events WHERE position = ?').run(head));
    const { intact, firstBroken } = await verify({ upTo: sealed.position });
    expect(intact).toBe(false);
    expect(firstBroken).toMatchObject({ breach: 'removed', position: head });
  });

  it('names an event inserted into a stream without chaining to it', async () => {
    const forged = withFile((db) => {
      const stream = rowsOf(db, rowAt(db, 1).stream_id);
      const last = stream[stream.length - 1];
      const event = {
        ...toRecordedEvent(last),
        id: '00000000-0000-4000-8000-000000000001',
        revision: last.revision + 1,
        position: head + 1,
        // Chained to an earlier event of the stream, as a copy-and-edit forgery would be.
        previousHash: stream[3].hash,
      };
      const hash = eventHash(event);
      db.prepare(
        `INSERT INTO events (position, id, stream_id, revision, type, schema_version, data, metadata, previous_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(event.position, event.id, event.streamId, event.revision, event.type, event.schemaVersion, last.data, last.metadata, event.previousHash, hash);
      return event;
    });
    const { firstBroken } = await verify();
    expect(firstBroken).toMatchObject({ breach: 'inserted', position: head + 1, eventId: forged.id });
  });

  it('names the first of two events of one stream swapped in place', async () => {
    withFile((db) => swap(db, 5, 9));
    const { firstBroken } = await verify();
    expect(firstBroken).toMatchObject({ breach: 'reordered', position: 5 });
  });

  it('names the event recorded out of order when two streams swap their neighbouring events', async () => {
    // Each story is told in turn, so the last event of the first agreement is followed by the first of the second.
    const boundary = withFile((db) => rowsOf(db, rowAt(db, 1).stream_id).length);
    withFile((db) => swap(db, boundary, boundary + 1));
    const { firstBroken } = await verify();
    expect(firstBroken).toMatchObject({ breach: 'reordered', position: boundary + 1 });
  });

  describe('the seal', () => {
    it('still matches later at the sealed position, when only new events were added', async () => {
      const sealed = await verify({ upTo: 40 });
      const store = SqliteEventStore.open(file);
      await store.append('agreement-later', [laterEvent], 'no-stream');
      await store.close();
      const again = await verify({ upTo: 40 });
      expect(again).toMatchObject({ intact: true, position: 40, seal: sealed.seal });
      expect((await verify()).position).toBe(head + 1);
    });

    it('no longer matches when an event was rewritten with every hash after it recomputed', async () => {
      const sealed = await verify();
      // The forger recomputes the rewritten event's hash; it is the last of its stream, so no chain shows it.
      withFile((db) => {
        const stream = rowsOf(db, rowAt(db, 1).stream_id);
        const last = stream[stream.length - 1];
        const data = JSON.stringify({ ...JSON.parse(last.data), on: '2020-01-01' });
        const hash = eventHash({ ...toRecordedEvent(last), data: JSON.parse(data) });
        db.prepare('UPDATE events SET data = ?, hash = ? WHERE position = ?').run(data, hash, last.position);
      });
      const rewritten = await verify();
      expect(rewritten.intact).toBe(true);
      expect(rewritten.seal).not.toBe(sealed.seal);
    });
  });

  describe('through the command line', () => {
    let printed: string[];
    const output = { print: (line: string) => printed.push(line), progress: { write: () => undefined } };
    const previousDataDir = process.env.SINERGI_DATA_DIR;
    beforeEach(() => {
      printed = [];
      process.env.SINERGI_DATA_DIR = workDir;
    });
    afterEach(() => {
      process.env.SINERGI_DATA_DIR = previousDataDir;
    });

    it('reports an untouched store intact, exits 0, and prints the seal it checks later', async () => {
      expect(await runAuditCommand(['verify'], output)).toBe(0);
      expect(printed[0]).toMatch(new RegExp(`^INTACT: ${head} events in 6 streams`));
      const seal = /Seal at position \d+: ([0-9a-f]{64})/.exec(printed.join('\n'))?.[1] ?? '';

      printed = [];
      expect(await runAuditCommand(['verify', '--at', String(head), '--seal', seal], output)).toBe(0);
      expect(printed).toContain(`The seal you gave matches: nothing up to position ${head} has changed.`);
      expect(await runAuditCommand(['verify', '--at', String(head), '--seal', 'f'.repeat(64)], output)).toBe(1);
    });

    it('exits 1 from `npx sinergi audit verify` and names the first broken event', () => {
      const target = withFile((db) => {
        db.prepare(`UPDATE events SET data = json_set(data, '$.summary', 'diubah') WHERE position = 4`).run();
        return rowAt(db, 4);
      });
      const run = spawnSync(
        process.execPath,
        ['--require', join(__dirname, '../support/swc-register.js'), join(__dirname, '../../src/cli.ts'), 'audit', 'verify'],
        { env: { ...process.env, SINERGI_DATA_DIR: workDir }, encoding: 'utf8' },
      );
      expect(run.status).toBe(1);
      expect(run.stdout).toContain('BROKEN: the first broken event is at position 4 (changed).');
      expect(run.stdout).toContain(`stream ${target.stream_id}, revision ${target.revision}, event ${target.id}`);
    });
  });
});

const laterEvent = {
  id: '00000000-0000-4000-8000-000000000002',
  type: 'MonevRecorded',
  schemaVersion: 1,
  data: { party: '36' },
  metadata: {
    actor: { userId: 'koordinator.36', role: 'coordinator' as const, region: '36' },
    occurredAt: '2026-12-01T12:00:00+07:00',
    correlationId: 'c',
    causationId: 'c',
  },
};

/** Exchanges everything but the position of two rows: the events trade places in the global order. */
function swap(db: Database.Database, first: number, second: number): void {
  const columns = ['id', 'stream_id', 'revision', 'type', 'schema_version', 'data', 'metadata', 'previous_hash', 'hash'] as const;
  const read = (position: number) => db.prepare(`SELECT ${columns.join(', ')} FROM events WHERE position = ?`).get(position) as Record<string, unknown>;
  const write = db.prepare(`UPDATE events SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE position = @position`);
  db.transaction(() => {
    const [a, b] = [read(first), read(second)];
    // Park the first row out of the way of the unique (id) and (stream_id, revision) constraints.
    db.prepare(`UPDATE events SET id = 'parked', revision = -1 WHERE position = ?`).run(first);
    write.run({ ...a, position: second });
    write.run({ ...b, position: first });
  })();
}
