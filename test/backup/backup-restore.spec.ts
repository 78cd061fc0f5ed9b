import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { verifyLog } from '../../src/audit/log-verifier';
import { BackupDoesNotVerify, backupDataDirectory, MANIFEST, restoreDataDirectory } from '../../src/backup/backup';
import { SinergiConfig } from '../../src/config/sinergi.config';
import { DocumentsConfig } from '../../src/documents/documents.config';
import { FileDocumentStore } from '../../src/documents/storage/file.document-store';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite.event-store';
import type { ProgressOutput } from '../../src/progress';
import { loadDemoStore } from '../support/demo-store';

const quiet: ProgressOutput = { write: () => undefined };
const directories: string[] = [];
const fresh = (name: string): string => {
  const directory = mkdtempSync(join(tmpdir(), `sinergi-${name}-`));
  directories.push(directory);
  return directory;
};
const dataDirectory = (dataDir: string) => {
  const config = new SinergiConfig(0, dataDir, '100kb');
  return { config, documents: DocumentsConfig.from(config, {}), out: quiet };
};

async function sealOf(dataDir: string): Promise<{ head: number; seal: string }> {
  const store = SqliteEventStore.open(join(dataDir, 'events.sqlite'));
  try {
    const { position, seal, intact } = await verifyLog(store);
    expect(intact).toBe(true);
    return { head: position, seal };
  } finally {
    await store.close();
  }
}

/** Every stateful file of a data directory (the SQLite files' WAL and shared memory aside), by path. */
const stateFiles = (root: string, directory = root): string[] =>
  readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? entry.name === '.incoming' ? [] : stateFiles(root, join(directory, entry.name))
      : /-(wal|shm)$/.test(entry.name) ? [] : [join(directory, entry.name).slice(root.length + 1)],
  );

const DRAFT = Buffer.from('Draf KSB Banten–Bengkulu v1');
const DRAFT_SHA256 = createHash('sha256').update(DRAFT).digest('hex');

describe('a data directory holding the demo, a document and a store of another kind', () => {
  let source: string;
  let backup: string;
  let sourceSeal: { head: number; seal: string };

  beforeAll(async () => {
    source = fresh('data');
    await loadDemoStore(source);
    const documents = await FileDocumentStore.open(join(source, 'documents'));
    await documents.keep(DRAFT_SHA256, Readable.from([DRAFT]));
    // Any SQLite database and any directory of the data directory is state a restore needs back, whoever adds it.
    const other = new Database(join(source, 'another-store.sqlite'));
    other.exec("CREATE TABLE kept (value TEXT); INSERT INTO kept VALUES ('still here')");
    other.close();
    mkdirSync(join(source, 'attachments'));
    writeFileSync(join(source, 'attachments', 'note.txt'), 'catatan');
    sourceSeal = await sealOf(source);
    backup = join(fresh('backups'), 'sinergi-backup');
  }, 60_000);

  afterAll(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })));

  it('is backed up with every store, and the copy verifies with the seal of the source', async () => {
    const report = await backupDataDirectory(backup, dataDirectory(source));
    expect(report.verified).toBe(true);
    expect(report.copy).toMatchObject({ intact: true, position: sourceSeal.head, seal: sourceSeal.seal });
    expect(report.sourceSeal).toBe(sourceSeal.seal);
    expect(report.manifest.events).toEqual(sourceSeal);
    expect(report.manifest.documents).toBe(1);
    expect(stateFiles(backup).filter((file) => file !== MANIFEST).sort()).toEqual(stateFiles(source).sort());
  });

  it('refuses to back up into a directory that holds something', async () => {
    await expect(backupDataDirectory(backup, dataDirectory(source))).rejects.toThrow(/is not empty/);
  });

  it('is restored into an empty directory with the same seal, the same stores and the same document', async () => {
    const restored = join(fresh('restored'), 'data');
    const report = await restoreDataDirectory(backup, dataDirectory(restored));
    expect(report.log).toMatchObject({ intact: true, position: sourceSeal.head, seal: sourceSeal.seal });
    expect(await sealOf(restored)).toEqual(sourceSeal);
    expect(stateFiles(restored).sort()).toEqual(stateFiles(source).sort());
    const other = new Database(join(restored, 'another-store.sqlite'), { readonly: true });
    expect(other.prepare('SELECT value FROM kept').pluck().get()).toBe('still here');
    other.close();
    expect(readFileSync(join(restored, 'documents', DRAFT_SHA256.slice(0, 2), DRAFT_SHA256))).toEqual(DRAFT);
    expect(readFileSync(join(restored, 'attachments', 'note.txt'), 'utf8')).toBe('catatan');
  });

  it('is not restored over a directory that already holds a store, which is left as it was', async () => {
    const before = stateFiles(source).sort();
    await expect(restoreDataDirectory(backup, dataDirectory(source))).rejects.toThrow(/already holds a store/);
    expect(stateFiles(source).sort()).toEqual(before);
    expect(await sealOf(source)).toEqual(sourceSeal);
  });

  it('is not restored when a file of the backup changed since, and nothing is written', async () => {
    const altered = join(fresh('altered'), 'backup');
    await backupDataDirectory(altered, dataDirectory(source));
    writeFileSync(join(altered, 'attachments', 'note.txt'), 'catatan yang diubah');
    const restored = join(fresh('restored'), 'data');
    await expect(restoreDataDirectory(altered, dataDirectory(restored))).rejects.toThrow(BackupDoesNotVerify);
    expect(existsSync(restored) ? readdirSync(restored) : []).toEqual([]);
  });
});

describe('sinergi backup, then sinergi restore, on the command line', () => {
  const sinergi = (args: string[], dataDir: string) =>
    spawnSync(process.execPath, ['--require', './test/support/swc-register.js', 'src/cli.ts', ...args], {
      cwd: join(__dirname, '../..'),
      env: { PATH: process.env.PATH, SINERGI_DATA_DIR: dataDir },
      encoding: 'utf8',
    });

  afterAll(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })));

  it('round-trips the demo with the same seal', async () => {
    const source = fresh('data');
    await loadDemoStore(source);
    const { seal } = await sealOf(source);
    const backup = join(fresh('backups'), 'demo');
    const restored = join(fresh('restored'), 'data');

    const backedUp = sinergi(['backup', backup], source);
    expect(backedUp.stdout).toContain(`seal ${seal}`);
    expect(backedUp.stdout).toContain('(the same)');
    expect(backedUp.status).toBe(0);
    const restoring = sinergi(['restore', backup], restored);
    expect(restoring.stdout).toMatch(new RegExp(`The restored log is intact and has the backup's seal: \\d+ events, seal ${seal}`));
    expect(restoring.status).toBe(0);
    expect((await sealOf(restored)).seal).toBe(seal);
  }, 60_000);
});
