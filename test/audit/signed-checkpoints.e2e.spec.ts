import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import Database from 'better-sqlite3';
import { type AgreementExport, inclusionProblems } from '../../src/audit/audit-export';
import { CheckpointKey, checkpointSignatureValid, CHECKPOINT_STREAM, LogCheckpoints } from '../../src/audit/log-checkpoints';
import { runAuditCommand } from '../../src/audit/audit-cli';
import { eventHash } from '../../src/core/hash-chain';
import type { Actor } from '../../src/core/event';
import { EventStore } from '../../src/core/event-store.port';
import { ProjectionsStatus } from '../../src/read-models/projector/projections-status';
import { TestApp, type TestUser } from '../support/test-app';
import { activeAgreement, bantenCoordinator, sha256 } from '../e2e/http-fixtures';
import type { EventRow } from '../../src/core/recorded-events';

const inspektorat: TestUser = { userId: 'inspektorat@bantenprov.go.id', role: 'auditor', region: '36' };
const operator: Actor = { userId: 'operator@sinergi', role: 'admin', region: '36' };


/**
 * Someone who can write the database rewrites an agreement's stream and recomputes every hash after the change, so
 * each hash chain holds again. Only the checkpoint, signed with a key that is not in the database, tells.
 */
function rewriteWithHashes(dataDir: string, streamId: string, revision: number, edit: (data: Record<string, unknown>) => void): void {
  const db = new Database(join(dataDir, 'events.sqlite'));
  try {
    const rows = db.prepare('SELECT * FROM events WHERE stream_id = ? ORDER BY revision').all(streamId) as EventRow[];
    let previousHash = revision === 0 ? '0'.repeat(64) : rows[revision - 1].hash;
    db.transaction(() => {
      for (const row of rows.slice(revision)) {
        const data = JSON.parse(row.data) as Record<string, unknown>;
        if (row.revision === revision) edit(data);
        const hash = eventHash({
          id: row.id,
          streamId: row.stream_id,
          revision: row.revision,
          type: row.type,
          schemaVersion: row.schema_version,
          data,
          metadata: JSON.parse(row.metadata),
          previousHash,
        });
        db.prepare('UPDATE events SET data = ?, previous_hash = ?, hash = ? WHERE position = ?').run(JSON.stringify(data), previousHash, hash, row.position);
        previousHash = hash;
      }
    })();
  } finally {
    db.close();
  }
}

describe('a log with a signed checkpoint', () => {
  let app: TestApp;
  let agreementId: string;

  beforeEach(async () => {
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z' });
    agreementId = await activeAgreement(app);
  });
  afterEach(() => app.close());

  /** Moves the head: a monev recorded by Banten. */
  const anotherEvent = () =>
    app.as(bantenCoordinator).post(`/agreements/${agreementId}/monev`, { party: '36', date: '2025-10-24', rating: 4, recommendation: 'continue', note: 'baik' }).expect(200);
  const verify = async () => (await app.as(inspektorat).get('/audit/verify').expect(200)).body;
  const exported = async (): Promise<AgreementExport> => (await app.as(bantenCoordinator).get(`/audit/agreements/${agreementId}/export`).expect(200)).body;
  const publicKey = async (): Promise<string> => (await app.anonymous().get('/audit/key').expect(200)).body.publicKey;

  it('is verified against the checkpoint: intact while nothing changed', async () => {
    const signed = await app.get(LogCheckpoints).signAtHead();
    const result = await verify();
    expect(result).toMatchObject({ intact: true, checkpointCheck: { checkpoint: { position: signed?.position, seal: signed?.seal }, signatureValid: true, sealMatches: true } });
    expect(checkpointSignatureValid(result.checkpointCheck.checkpoint, await publicKey())).toBe(true);
  });

  it('shows a stream rewritten with recomputed hashes, which every hash chain accepts', async () => {
    await app.get(LogCheckpoints).signAtHead();
    rewriteWithHashes(app.dataDir, `agreement-${agreementId}`, 0, (data) => (data.title = 'Kesepakatan yang ditulis ulang'));
    // A new event moves the head, so the verification is not the one made before the rewrite.
    await anotherEvent();

    const result = await verify();
    expect(result.firstBroken).toBeUndefined();
    expect(result).toMatchObject({ intact: false, checkpointCheck: { signatureValid: true, sealMatches: false } });
  });

  it('hashes again only the events after the checkpoint, the stored hashes before it chained into its seal', async () => {
    // Adding a user is an event: the auditor exists before the head is counted.
    await app.tokenOf(inspektorat);
    const signed = await app.get(LogCheckpoints).signAtHead();
    await anotherEvent();
    const head = await app.eventCount();

    const result = await verify();
    expect(result).toMatchObject({ intact: true, position: head, sinceCheckpoint: signed?.position, eventsChecked: head - (signed?.position ?? 0) });
    expect(result.checkpointCheck).toMatchObject({ signatureValid: true, sealMatches: true });
    // The same seal as the whole log's pass gives.
    const whole = (await app.as(inspektorat).get('/audit/verify?full=true').expect(200)).body;
    expect(whole).toMatchObject({ intact: true, position: head, eventsChecked: head, seal: result.seal });
    expect(whole.sinceCheckpoint).toBeUndefined();
  });

  it('reads again only the stored hashes after the checkpoint it last chained, until another connection writes the store', async () => {
    await app.tokenOf(inspektorat);
    const store = app.get(EventStore);
    const first = await app.get(LogCheckpoints).signAtHead();
    await anotherEvent();
    expect((await verify()).intact).toBe(true);
    const second = await app.get(LogCheckpoints).signAtHead();
    await anotherEvent();
    const reads = jest.spyOn(store, 'readHashes');
    try {
      expect(await verify()).toMatchObject({ intact: true, sinceCheckpoint: second?.position, checkpointCheck: { sealMatches: true } });
      expect(reads.mock.calls.map(([after]) => after)).toEqual([first?.position]);
      // Written by another connection: a stream before the checkpoint, its hashes recomputed. Read from the start, and caught.
      reads.mockClear();
      rewriteWithHashes(app.dataDir, `agreement-${agreementId}`, 0, (data) => (data.title = 'Kesepakatan yang ditulis ulang'));
      await anotherEvent();
      const result = await verify();
      expect(reads.mock.calls[0]?.[0]).toBe(0);
      expect(result).toMatchObject({ intact: false, checkpointCheck: { signatureValid: true, sealMatches: false } });
    } finally {
      reads.mockRestore();
    }
  });

  it('still names an event after the checkpoint whose content was changed', async () => {
    const signed = await app.get(LogCheckpoints).signAtHead();
    await anotherEvent();
    const changed = await app.eventCount();
    const db = new Database(join(app.dataDir, 'events.sqlite'));
    db.prepare("UPDATE events SET data = json_set(data, '$.note', 'diubah') WHERE position = ?").run(changed);
    db.close();
    await anotherEvent();

    expect(changed).toBeGreaterThan(signed?.position ?? Number.MAX_SAFE_INTEGER);
    expect(await verify()).toMatchObject({ intact: false, firstBroken: { position: changed, breach: 'changed' } });
  });

  it('sees a stream rewritten before the checkpoint by its seal, and a content-only edit there by the whole pass', async () => {
    const signed = await app.get(LogCheckpoints).signAtHead();
    await anotherEvent();
    const db = new Database(join(app.dataDir, 'events.sqlite'));
    db.prepare("UPDATE events SET data = json_set(data, '$.title', 'diubah') WHERE position = 1").run();
    db.close();
    await anotherEvent();
    expect(await app.as(inspektorat).get('/audit/verify?full=true').expect(200).then((answer) => answer.body)).toMatchObject({
      intact: false,
      firstBroken: { position: 1, breach: 'changed' },
    });

    rewriteWithHashes(app.dataDir, `agreement-${agreementId}`, 1, (data) => (data.party = '32'));
    await anotherEvent();
    const result = await verify();
    expect(result.intact).toBe(false);
    expect(result.checkpointCheck).toMatchObject({ checkpoint: { position: signed?.position }, signatureValid: true, sealMatches: false });
  });

  it('refuses a checkpoint whose signature was forged in the database', async () => {
    const signed = await app.get(LogCheckpoints).signAtHead();
    const forger = CheckpointKey.load({ pem: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), file: '' });
    const forged = forger.sign({ position: signed?.position ?? 0, seal: '0'.repeat(64), root: '0'.repeat(64), signedAt: '2025-10-24T03:00:00.000Z' });
    rewriteWithHashes(app.dataDir, CHECKPOINT_STREAM, 0, (data) => Object.assign(data, forged));
    await anotherEvent();
    expect(await verify()).toMatchObject({ intact: false, checkpointCheck: { signatureValid: false } });
  });

  it('gives each export a proof that its events are in the signed log, checkable without the log', async () => {
    await app.get(LogCheckpoints).signAtHead();
    const key = await publicKey();
    const first = await exported();
    expect(first.inclusion?.proofs.length).toBe(first.history.length);
    expect(inclusionProblems(first, key)).toEqual([]);

    const altered = structuredClone(first);
    altered.history[1].hash = sha256('something else');
    expect(inclusionProblems(altered, key)).toEqual([expect.stringContaining(`position ${altered.history[1].position}`)]);

    rewriteWithHashes(app.dataDir, `agreement-${agreementId}`, 0, (data) => (data.title = 'Kesepakatan yang ditulis ulang'));
    expect(inclusionProblems(await exported(), key)).not.toEqual([]);
  });

  it("proves the events of every agreement of a region's export too", async () => {
    await app.get(LogCheckpoints).signAtHead();
    // The region's agreements are listed from the read model.
    await app.get(ProjectionsStatus).caughtUp(await app.eventCount());
    const { body } = await app.as(bantenCoordinator).get('/audit/regions/36/export').expect(200);
    expect(body.agreements.length).toBeGreaterThan(0);
    const key = await publicKey();
    for (const agreement of body.agreements as AgreementExport[]) expect(inclusionProblems(agreement, key)).toEqual([]);
  });

  it('has its export checked by the command line with the published key', async () => {
    await app.get(LogCheckpoints).signAtHead();
    const exportFile = join(app.dataDir, 'export.json');
    const keyFile = join(app.dataDir, 'public-key.pem');
    writeFileSync(exportFile, JSON.stringify(await exported()));
    writeFileSync(keyFile, await publicKey());
    const printed: string[] = [];
    const output = { print: (line: string) => printed.push(line), progress: { write: () => undefined } };
    expect(await runAuditCommand(['check-export', exportFile, '--key', keyFile], output)).toBe(0);
    expect(printed[0]).toMatch(/^HOLDS/);
  });

  it('keeps its key outside the database: generated on first use, readable by its owner only, served at /audit/key', async () => {
    const file = join(app.dataDir, 'checkpoint-key.pem');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await app.anonymous().get('/audit/key').expect(200)).body).toMatchObject({ algorithm: 'Ed25519', keyId: app.get(LogCheckpoints).key.keyId });
    expect(CheckpointKey.load({ file }).keyId).toBe(app.get(LogCheckpoints).key.keyId);
  });

  it('reuses a verification while the head has not moved: one pass for many auditors', async () => {
    // Adding a user is an event: the operator exists before the head is expected to stay put.
    await app.tokenOf(operator);
    const first = await verify();
    const concurrent = await Promise.all([verify(), app.as(operator).get('/audit/verify').expect(200).then((answer) => answer.body)]);
    expect(concurrent).toEqual([first, first]);
    // Changed in place, without a new event: the reused answer does not see it until the head moves (or a minute passes).
    const db = new Database(join(app.dataDir, 'events.sqlite'));
    db.prepare("UPDATE events SET data = json_set(data, '$.title', 'diubah') WHERE position = 1").run();
    db.close();
    expect((await verify()).intact).toBe(true);
    await anotherEvent();
    expect(await verify()).toMatchObject({ intact: false, firstBroken: { position: 1, breach: 'changed' } });
  });
});
