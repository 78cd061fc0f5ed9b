import { TestApp, type TestUser } from '../support/test-app';

const banten: TestUser = { userId: 'biro-pemotda@bantenprov.go.id', role: 'coordinator', region: '36' };
const jabar: TestUser = { userId: 'biro-pemotda@jabarprov.go.id', role: 'coordinator', region: '32' };
const dinkesBanten: TestUser = { userId: 'dinkes@bantenprov.go.id', role: 'dinas-officer', region: '36', opd: 'Dinas Kesehatan' };
const bantenAuditor: TestUser = { userId: 'inspektorat@bantenprov.go.id', role: 'auditor', region: '36' };
const operator: TestUser = { userId: 'ops@sinergi', role: 'admin', region: '31' };

const SIGNATORY = { position: 'Kepala Biro Pemerintahan dan Otonomi Daerah', name: 'Siti Rahmawati', nip: '197003121995032001' };

describe("a region's settings", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start({ now: '2026-07-01T03:00:00.000Z' });
    // Adding a user is an event: every user exists before the counts that show a refusal wrote nothing.
    for (const user of [banten, jabar, dinkesBanten, bantenAuditor, operator]) await app.tokenOf(user);
  });
  afterAll(() => app.close());

  it("are set by the region's coordinator, each change an event of the region's stream with who, when and why", async () => {
    const { body } = await app.as(banten).put('/regions/36/settings/report-signatory', { ...SIGNATORY, reason: 'Pelantikan kepala biro baru' }).expect(200);
    expect(body).toMatchObject({ region: '36', revision: 0, events: [{ type: 'ReportSignatorySet', revision: 0 }] });
    await app.as(banten).put('/regions/36/settings/open-data', { published: true }).expect(200);

    const settings = (await app.as(bantenAuditor).get('/regions/36/settings').expect(200)).body;
    expect(settings).toMatchObject({ region: '36', reportSignatory: SIGNATORY, openData: { published: true, since: '2026-07-01' }, revision: 1 });
    expect(settings.history).toEqual([
      expect.objectContaining({ type: 'ReportSignatorySet', actor: { userId: banten.userId, role: 'coordinator', region: '36' }, reason: 'Pelantikan kepala biro baru' }),
      expect.objectContaining({ type: 'OpenDataPublished', occurredAt: '2026-07-01T03:00:00.000Z' }),
    ]);
  });

  it('are set by an admin for any region', async () => {
    await app.as(operator).put('/regions/17/settings/open-data', { published: true }).expect(200);
    expect((await app.as(operator).get('/regions/17/settings').expect(200)).body.openData.published).toBe(true);
  });

  it('write nothing when set again as they are', async () => {
    const before = await app.eventCount();
    expect((await app.as(banten).put('/regions/36/settings/open-data', { published: true }).expect(200)).body.events).toEqual([]);
    expect(await app.eventCount()).toBe(before);
  });

  it("are refused to another region's coordinator, to dinas officers and to auditors, with 403 and nothing written", async () => {
    const before = await app.eventCount();
    expect((await app.as(jabar).put('/regions/36/settings/open-data', { published: false }).expect(403)).body.rule).toBe('ActsForAnotherRegion');
    expect((await app.as(jabar).put('/regions/36/settings/report-signatory', SIGNATORY).expect(403)).body.rule).toBe('ActsForAnotherRegion');
    expect((await app.as(dinkesBanten).put('/regions/36/settings/open-data', { published: false }).expect(403)).body.rule).toBe('RoleNotAllowed');
    expect((await app.as(bantenAuditor).put('/regions/36/settings/open-data', { published: false }).expect(403)).body.rule).toBe('RoleNotAllowed');
    expect((await app.as(jabar).get('/regions/36/settings').expect(403)).body.rule).toBe('RegionOutOfReach');
    expect(await app.eventCount()).toBe(before);
  });

  it('answer 400 naming the field for bad input, 404 for an unknown region, and write nothing', async () => {
    const before = await app.eventCount();
    const errors = async (path: string, body: object) => (await app.as(banten).put(path, body).expect(400)).body.errors;
    expect(await errors('/regions/36/settings/report-signatory', { ...SIGNATORY, nip: '123' })).toContainEqual(expect.objectContaining({ field: 'nip' }));
    expect(await errors('/regions/36/settings/report-signatory', { name: 'X Y', nip: SIGNATORY.nip })).toContainEqual(expect.objectContaining({ field: 'position' }));
    expect(await errors('/regions/36/settings/open-data', { published: 'ya' })).toContainEqual(expect.objectContaining({ field: 'published', rule: 'isBoolean' }));
    await app.as(banten).put('/regions/99/settings/open-data', { published: true }).expect(404);
    expect(await app.eventCount()).toBe(before);
  });
});
