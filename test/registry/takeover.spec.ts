import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AccessConfig } from '../../src/access/access.config';
import { tokenDigest, Users } from '../../src/access/users';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite.event-store';
import { TakeoverIncomplete, takeOverLocalFiles } from '../../src/registry/takeover';
import { registryNode, type RegistryNode, testSecrets } from '../support/registry-node';

/** The files of a node from before users, contacts and policies were events, in their own schema. */
function writeOldFiles(dir: string): void {
  const access = new Database(join(dir, 'access.sqlite'));
  access.exec(`CREATE TABLE users (user_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, region TEXT NOT NULL, opd TEXT,
    national INTEGER NOT NULL DEFAULT 0, token_sha256 TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT)`);
  const user = access.prepare('INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  user.run('siti@bantenprov.go.id', 'Siti Rahma', 'coordinator', '36', null, 0, tokenDigest('sng_siti'), '2025-09-01T01:00:00.000Z', null);
  user.run('dinkes@bengkuluprov.go.id', 'Dinkes Bengkulu', 'dinas-officer', '17', 'Dinas Kesehatan', 0, tokenDigest('sng_dinkes'), '2025-09-02T01:00:00.000Z', null);
  user.run('bpk', 'BPK RI', 'auditor', '31', null, 1, tokenDigest('sng_bpk'), '2025-09-03T01:00:00.000Z', '2025-10-01T01:00:00.000Z');
  access.close();
  const reminders = new Database(join(dir, 'reminders.sqlite'));
  reminders.exec(`CREATE TABLE contacts (contact_id TEXT PRIMARY KEY, region TEXT NOT NULL, role TEXT NOT NULL, opd TEXT, name TEXT NOT NULL,
      email TEXT, webhook_url TEXT, webhook_secret TEXT, daily_digest INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE policy_overrides (region TEXT PRIMARY KEY, override TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL);`);
  reminders
    .prepare('INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run('dinkes', '17', 'opd', 'Dinas Kesehatan', 'Dinas Kesehatan Provinsi Bengkulu', 'dinkes@bengkuluprov.go.id', 'https://wa.example/hook', 'rahasia-webhook-1234', 1);
  reminders.prepare('INSERT INTO policy_overrides VALUES (?, ?, ?, ?)').run('17', JSON.stringify({ catchUpDays: 3 }), '2025-09-05T01:00:00.000Z', 'biro-17');
  reminders.close();
}

describe('a node that kept users, contacts and policies in access.sqlite and reminders.sqlite', () => {
  let dir: string;
  let store: SqliteEventStore;
  let node: RegistryNode;
  const secrets = testSecrets();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sinergi-takeover-'));
    writeOldFiles(dir);
    store = SqliteEventStore.open(join(dir, 'events.sqlite'));
    node = await registryNode(store, secrets);
  });

  afterEach(async () => {
    await node.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const takeOver = () => takeOverLocalFiles(dir, { ...node, secrets }, new Date('2026-01-05T03:00:00.000Z'));

  it('records every row as the event that would have made it, checks it, and keeps the files aside', async () => {
    const reports = await takeOver();
    expect(reports.map((r) => [r.rows, r.recorded])).toEqual([
      [3, 3],
      [2, 2],
    ]);
    expect(existsSync(join(dir, 'access.sqlite'))).toBe(false);
    expect(existsSync(join(dir, 'access.sqlite.taken-over'))).toBe(true);
    expect(existsSync(join(dir, 'reminders.sqlite.taken-over'))).toBe(true);
    const [added] = await store.readStream('user-siti@bantenprov.go.id');
    expect(added).toMatchObject({ type: 'UserAdded', metadata: { occurredAt: '2025-09-01T01:00:00.000Z', actor: { role: 'system' }, reason: 'taken over from access.sqlite' } });
    expect((await store.readStream('user-bpk')).map((e) => e.type)).toEqual(['UserAdded', 'UserRevoked']);
  });

  it('keeps the old tokens working (and the revoked one refused), and the contact reachable with its webhook secret', async () => {
    await takeOver();
    const users = new Users(node.processor, node.registry, new AccessConfig(undefined), () => true);
    expect(await users.principalFor('sng_siti')).toMatchObject({ userId: 'siti@bantenprov.go.id', role: 'coordinator', region: '36' });
    expect(await users.principalFor('sng_dinkes')).toMatchObject({ opd: 'Dinas Kesehatan' });
    expect(await users.principalFor('sng_bpk')).toBeUndefined();
    expect(node.contacts.contactsFor({ region: '17', role: 'opd', opd: 'Dinas Kesehatan' })).toEqual([
      expect.objectContaining({ contactId: 'dinkes', email: 'dinkes@bengkuluprov.go.id', webhookSecret: 'rahasia-webhook-1234', dailyDigest: true }),
    ]);
    expect(JSON.stringify(await store.readStream('contacts-17'))).not.toContain('rahasia-webhook-1234');
    expect(node.registry.policyOverride('17')?.override).toEqual({ catchUpDays: 3 });
  });

  it('records nothing twice when another node (or a second run) takes over the same rows', async () => {
    await takeOver();
    const head = await store.headPosition();
    writeOldFiles(dir);
    const reports = await takeOver();
    expect(reports.map((r) => r.recorded)).toEqual([0, 0]);
    expect(await store.headPosition()).toBe(head);
  });

  it('refuses, and keeps the file, when the log holds a user of that id otherwise: nothing is lost silently', async () => {
    const users = new Users(node.processor, node.registry, new AccessConfig(undefined), () => true);
    await users.add({ userId: 'siti@bantenprov.go.id', name: 'Another Siti', role: 'auditor', region: '36' }, { userId: 'admin', role: 'admin', region: '36' }, new Date());
    await expect(takeOver()).rejects.toThrow(TakeoverIncomplete);
    expect(existsSync(join(dir, 'access.sqlite'))).toBe(true);
  });
});
