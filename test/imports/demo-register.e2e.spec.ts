import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Actor } from '../../src/core/event';
import { importWestJavaRegister } from '../../src/demo/seed-stories';
import { AgreementImporter } from '../../src/imports/agreement-importer';
import { ProjectionsStatus } from '../../src/read-models/projector/projections-status';
import { loadDemoStore } from '../support/demo-store';
import { TestApp } from '../support/test-app';

const jabarCoordinator: Actor = { userId: 'biro-pemotda@jabarprov.go.id', role: 'coordinator', region: '32' };

describe("the demo's West Java", () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sinergi-demo-register-'));
  let app: TestApp;

  beforeAll(async () => {
    await loadDemoStore(dataDir);
    app = await TestApp.start({ dataDir, now: '2026-11-02T03:00:00.000Z' });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("takes the four KSB of seed 003 told as stories for recorded, and brings in the other 72 of its register", async () => {
    const report = await importWestJavaRegister(app.get(AgreementImporter));
    expect(report).toMatchObject({ rows: 76, imported: { ksb: 72, pks: 0 }, problems: [] });
    expect(report.alreadyRecorded).toHaveLength(4);
  });

  it("shows a West Java coordinator seed 003's numbers: 76 KSB, 27 with its kab/kota, 20 with provinces, 29 elsewhere", async () => {
    await app.get(ProjectionsStatus).caughtUp(await app.eventCount());
    const { body } = await app.as(jabarCoordinator).get('/regions/32/portfolio').expect(200);
    expect(body.total).toBe(76);
    expect(body.byCounterpartCategory).toEqual({ 'regency-same-province': 27, province: 20, 'regency-other-province': 29 });
  });

  it('imports nothing more when the demo is loaded again', async () => {
    const before = await app.eventCount();
    const report = await importWestJavaRegister(app.get(AgreementImporter));
    expect(report.imported).toEqual({ ksb: 0, pks: 0 });
    expect(await app.eventCount()).toBe(before);
  });
});
