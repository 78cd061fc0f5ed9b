import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { RecordedEvent } from '../../src/core/event';
import { eventHash, GENESIS_HASH } from '../../src/core/hash-chain';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite.event-store';
import { crashAppend, crashKey, crashStream, EVENTS_PER_APPEND, WRITERS } from '../support/crash-writer';

const root = join(__dirname, '..', '..');
const ACKNOWLEDGED_BEFORE_KILL = 300;

interface Acknowledged {
  streamId: string;
  firstRevision: number;
  lastRevision: number;
}

/** Runs the writer on `file` until it has acknowledged enough appends, then kills it with SIGKILL. */
async function writeUntilKilled(file: string): Promise<Acknowledged[]> {
  const child = spawn(
    process.execPath,
    ['--require', join(root, 'test/support/swc-register.js'), join(root, 'test/support/crash-writer.ts'), file],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const acknowledged: Acknowledged[] = [];
  let pending = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [streamId, first, last] = line.split(' ');
      acknowledged.push({ streamId, firstRevision: Number(first), lastRevision: Number(last) });
    }
    if (acknowledged.length >= ACKNOWLEDGED_BEFORE_KILL) child.kill('SIGKILL');
  });
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  expect({ code, signal, stderr }).toEqual({ code: null, signal: 'SIGKILL', stderr: '' });
  return acknowledged;
}

function withoutRecordedAt(event: RecordedEvent): Omit<RecordedEvent, 'metadata'> & { metadata: object } {
  const { recordedAt: _recordedAt, ...metadata } = event.metadata;
  return { ...event, metadata };
}

describe('a SQLite store whose writer process is killed mid-flight', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'sinergi-crash-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('keeps every acknowledged append whole, with intact hash chains and no partial append, crash after crash', async () => {
    const file = join(directory, 'events.db');
    const everAcknowledged: Acknowledged[] = [];

    for (let crash = 1; crash <= 3; crash++) {
      const acknowledged = await writeUntilKilled(file);
      expect(acknowledged.length).toBeGreaterThanOrEqual(ACKNOWLEDGED_BEFORE_KILL);
      everAcknowledged.push(...acknowledged);

      const db = new Database(file);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();

      const store = SqliteEventStore.open(file);
      try {
        for (const ack of everAcknowledged) {
          const events = await store.readStream(ack.streamId, {
            afterRevision: ack.firstRevision - 1,
            toRevision: ack.lastRevision,
          });
          expect(events.map((e) => e.revision)).toEqual([ack.firstRevision, ack.firstRevision + 1, ack.lastRevision]);
        }

        const all = await store.readAll(0, Number.MAX_SAFE_INTEGER);
        expect(all.map((e) => e.position)).toEqual(all.map((_, i) => i + 1));
        for (let w = 0; w < WRITERS; w++) {
          const streamId = crashStream(w);
          const events = all.filter((e) => e.streamId === streamId);
          // Acknowledged or not, whatever is stored is made of whole appends with exactly the content written.
          expect(events.length % EVENTS_PER_APPEND).toBe(0);
          const appends = events.length / EVENTS_PER_APPEND;
          const expected = Array.from({ length: appends }, (_, append) => crashAppend(streamId, append)).flat();
          expect(events.map(withoutRecordedAt)).toEqual(
            expected.map((e, revision) => ({
              ...e,
              streamId,
              revision,
              position: expect.any(Number),
              hash: eventHash(events[revision]),
              previousHash: revision === 0 ? GENESIS_HASH : events[revision - 1].hash,
            })),
          );
          for (let append = 0; append < appends; append++) {
            expect(await store.findAppend(crashKey(streamId, append))).toMatchObject({
              streamId,
              firstRevision: append * EVENTS_PER_APPEND,
              lastRevision: append * EVENTS_PER_APPEND + EVENTS_PER_APPEND - 1,
            });
          }
          expect(await store.findAppend(crashKey(streamId, appends))).toBeUndefined();
        }
      } finally {
        await store.close();
      }
    }
  });
});
