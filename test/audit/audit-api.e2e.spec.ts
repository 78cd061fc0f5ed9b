import type { Actor } from '../../src/core/event';
import { ProjectionsStatus } from '../../src/read-models/projector/projections-status';
import { TestApp } from '../support/test-app';
import { BANTEN, BENGKULU, bantenCoordinator, bantenOffersBengkulu, bengkuluCoordinator, sha256 } from '../e2e/http-fixtures';

const inspektorat: Actor = { userId: 'inspektorat@bantenprov.go.id', role: 'auditor', region: BANTEN };

/** An offer made on 1 Sep, accepted on 12 Sep but recorded on 15 Sep, a draft on 1 Oct, then a withdrawal with a reason. */
describe('the audit trail of an agreement, through the API', () => {
  let app: TestApp;
  let id: string;
  const auditor = () => app.as(inspektorat);

  beforeAll(async () => {
    app = await TestApp.start({ now: '2025-09-01T02:00:00.000Z' });
    id = (await app.as(bantenCoordinator).post('/agreements', bantenOffersBengkulu).expect(201)).body.agreementId;
    app.clock.set('2025-09-15T03:00:00.000Z');
    await app.as(bengkuluCoordinator).post(`/agreements/${id}/acceptances`, { party: BENGKULU, occurredAt: '2025-09-12T02:00:00.000Z' }).expect(200);
    app.clock.set('2025-10-01T03:00:00.000Z');
    await app.as(bantenCoordinator).post(`/agreements/${id}/drafts`, { documentSha256: sha256('v1'), summary: 'v1' }).expect(201);
    app.clock.set('2025-10-02T03:00:00.000Z');
    await app.as(bantenCoordinator).post(`/agreements/${id}/withdrawal`, { reason: 'Anggaran belum tersedia' }).expect(200);
  });
  afterAll(() => app.close());

  it('lists every step in order with actor, role, region, occurred-at, recorded-at and reason', async () => {
    const { body } = await auditor().get(`/audit/agreements/${id}/history`).expect(200);
    expect(body.entries.map((e: Record<string, unknown>) => [e.revision, e.type, e.actor, e.occurredAt, e.recordedAt, e.reason])).toEqual([
      [0, 'AgreementProposed', bantenCoordinator, '2025-09-01T02:00:00.000Z', '2025-09-01T02:00:00.000Z', undefined],
      [1, 'OfferAccepted', bengkuluCoordinator, '2025-09-12T02:00:00.000Z', '2025-09-15T03:00:00.000Z', undefined],
      [2, 'NegotiationOpened', bengkuluCoordinator, '2025-09-12T02:00:00.000Z', '2025-09-15T03:00:00.000Z', undefined],
      [3, 'DraftRevised', bantenCoordinator, '2025-10-01T03:00:00.000Z', '2025-10-01T03:00:00.000Z', undefined],
      [4, 'AgreementWithdrawn', bantenCoordinator, '2025-10-02T03:00:00.000Z', '2025-10-02T03:00:00.000Z', 'Anggaran belum tersedia'],
    ]);
    // The urusan a step names, by label (an urusan with its code): the data keeps what was recorded.
    expect(body.entries.map((e: { fields?: string[] }) => e.fields)).toEqual([['Potensi Daerah', 'Pelayanan Publik', 'Kesehatan (1.02)'], undefined, undefined, undefined, undefined]);
  });

  it('gives the state as of a date by when steps happened, or by when they were recorded', async () => {
    const asOf = async (query: string) => (await auditor().get(`/audit/agreements/${id}/as-of?${query}`).expect(200)).body;
    expect(await asOf('date=2025-09-13')).toMatchObject({ revision: 2, state: { stage: 'negotiating' } });
    expect(await asOf('date=2025-09-13&basis=recorded')).toMatchObject({ revision: 0, state: { stage: 'proposed' } });
    expect(await asOf('date=2025-08-31')).toMatchObject({ revision: -1, eventsApplied: 0, state: { stage: 'none' } });
    expect(await asOf('revision=3')).toMatchObject({ revision: 3, state: { stage: 'negotiating', draft: { version: 1 } } });
  });

  it('refuses an as-of that names no point in time, or two', async () => {
    for (const query of ['', 'date=2025-09-13&revision=1']) {
      const { body } = await auditor().get(`/audit/agreements/${id}/as-of?${query}`).expect(400);
      expect(body.rule).toBe('PointInTimeRequired');
    }
    const { body } = await auditor().get(`/audit/agreements/${id}/as-of?date=2025-02-30`).expect(400);
    expect(body.errors).toEqual([expect.objectContaining({ field: 'date', rule: 'isIsoDate' })]);
  });

  it('gives what changed between two dates, with the steps in between', async () => {
    const { body } = await auditor().get(`/audit/agreements/${id}/diff?from=2025-09-30&to=2025-10-02`).expect(200);
    expect(body.events.map((e: { type: string }) => e.type)).toEqual(['DraftRevised', 'AgreementWithdrawn']);
    expect(body.changes).toEqual(
      expect.arrayContaining([
        { path: '/stage', before: 'negotiating', after: 'withdrawn' },
        { path: '/withdrawal', after: { reason: 'Anggaran belum tersedia' } },
        { path: '/draft', after: { version: 1, documentSha256: sha256('v1'), summary: 'v1' } },
      ]),
    );
    expect((await auditor().get(`/audit/agreements/${id}/diff?from=2025-10-02&to=2025-09-30`).expect(400)).body.rule).toBe('DatesOutOfOrder');
  });

  it('exports the history as JSON with its hash chain verified', async () => {
    const response = await auditor().get(`/audit/agreements/${id}/export?format=json`).expect(200);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="agreement-${id}.json"`);
    expect(response.body).toMatchObject({
      agreementId: id,
      revision: 4,
      state: { stage: 'withdrawn' },
      verification: { streamId: `agreement-${id}`, intact: true, eventsChecked: 5 },
    });
    expect(response.body.verification.chainHead).toBe(response.body.history[4].hash);
    expect(response.body.fields.map((f: { label: string }) => f.label)).toEqual(['Potensi Daerah', 'Pelayanan Publik', 'Kesehatan (1.02)']);
    expect(response.body.fields.map((f: { id: string }) => f.id)).toEqual(response.body.state.fields);
    expect(response.body.history[0].fields).toEqual(['Potensi Daerah', 'Pelayanan Publik', 'Kesehatan (1.02)']);
  });

  it('exports the history as CSV, one row per step, with the verification on top', async () => {
    const response = await auditor().get(`/audit/agreements/${id}/export?format=csv`).expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = response.text.trimEnd().split('\r\n');
    expect(lines[1]).toMatch(new RegExp(`^# agreement ${id}: hash chain intact, 5 events, chain head [0-9a-f]{64}$`));
    expect(lines[2]).toBe('agreementId,position,revision,subject,type,occurredAt,recordedAt,actorUserId,actorRole,actorRegion,actorOpd,reason,fields,data,hash,previousHash');
    expect(lines).toHaveLength(3 + 5);
    expect(lines[3]).toContain(',,Potensi Daerah; Pelayanan Publik; Kesehatan (1.02),"{');
    expect(lines[7]).toContain(',AgreementWithdrawn,2025-10-02T03:00:00.000Z,2025-10-02T03:00:00.000Z,biro-pemotda@bantenprov.go.id,coordinator,36,,Anggaran belum tersedia,,');
  });

  it('exports the CSV for Excel with Indonesian settings on request: cells split at ";", a byte-order mark first', async () => {
    const response = await auditor().get(`/audit/agreements/${id}/export?format=csv&excel=1`).expect(200);
    expect(response.text.startsWith('\uFEFF#')).toBe(true);
    const lines = response.text.trimEnd().split('\r\n');
    expect(lines[2]).toBe('agreementId;position;revision;subject;type;occurredAt;recordedAt;actorUserId;actorRole;actorRegion;actorOpd;reason;fields;data;hash;previousHash');
    expect(lines[7]).toContain(';AgreementWithdrawn;2025-10-02T03:00:00.000Z;2025-10-02T03:00:00.000Z;biro-pemotda@bantenprov.go.id;coordinator;36;;Anggaran belum tersedia;;');
    const { body } = await auditor().get(`/audit/agreements/${id}/export?format=csv&excel=yes`).expect(400);
    expect(body.errors).toContainEqual(expect.objectContaining({ field: 'excel', rule: 'isIn' }));
  });

  it('verifies the whole log, and checks a seal written down before against the same position', async () => {
    const first = (await auditor().get('/audit/verify').expect(200)).body;
    // The agreement's 5 steps and the users who made them (each user's UserAdded is an event too).
    const head = await app.eventCount();
    expect(first).toMatchObject({ intact: true, eventsChecked: head, position: head });

    await app.as(bantenCoordinator).post('/agreements', bantenOffersBengkulu).expect(201);
    const later = (await auditor().get(`/audit/verify?at=${head}&seal=${first.seal}`).expect(200)).body;
    expect(later).toMatchObject({ intact: true, position: head, sealCheck: { expected: first.seal, matches: true } });
    const wrong = (await auditor().get(`/audit/verify?at=${head}&seal=${'0'.repeat(64)}`).expect(200)).body;
    expect(wrong.sealCheck.matches).toBe(false);
  });

  describe("a region's portfolio export", () => {
    beforeAll(async () => {
      await app.get(ProjectionsStatus).caughtUp(await app.eventCount());
    });

    it("holds every agreement of the region with its history, each hash chain checked", async () => {
      const { body } = await auditor().get(`/audit/regions/${BANTEN}/export`).expect(200);
      expect(body.portfolio).toMatchObject({ region: { code: BANTEN }, total: body.agreements.length });
      expect(body.agreements.map((a: { agreementId: string }) => a.agreementId)).toContain(id);
      for (const agreement of body.agreements) expect(agreement.verification.intact).toBe(true);
    });

    it('is CSV on request, one row per step of every agreement', async () => {
      const response = await auditor().get(`/audit/regions/${BANTEN}/export?format=csv`).expect(200);
      expect(response.text.split('\r\n')[0]).toMatch(/^# Sinergi portfolio of region 36 at .+: \d+ agreements/);
      expect(response.text).toMatch(new RegExp(`${id},\\d+,4,KSB,AgreementWithdrawn,`));
    });

    it("is refused to users of another region, with the rule", async () => {
      const jabar: Actor = { userId: 'pemotda@jabarprov.go.id', role: 'coordinator', region: '32' };
      const { body } = await app.as(jabar).get(`/audit/regions/${BANTEN}/export`).expect(403);
      expect(body.rule).toBe('RegionOutOfReach');
    });
  });
});
