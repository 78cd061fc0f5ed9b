import { ProjectionsStatus } from '../../src/read-models/projector/projections-status';
import { RemindersRuntime } from '../../src/reminders/reminders.runtime';
import { type AppStores, storePairs } from '../support/stores';
import { TestApp, type TestUser } from '../support/test-app';
import { activeAgreement, BANTEN, bantenCoordinator, bantenOffersBengkulu, BENGKULU, bengkuluCoordinator, sha256 } from './http-fixtures';

interface Listed {
  agreementId: string;
  nextDeadline: { kind: string; dueOn: string; daysLeft: number } | null;
}

/**
 * One date for every reader: the API's list and deadline schedule, the dashboard (which reads those), and the
 * reminders' schedule all date a deadline under the proposer's policy as it stands now.
 */
describe.each(storePairs())('a region that overrides its policy, on $name', (pair) => {
  let app: TestApp;
  let stores: AppStores;
  let agreementId: string;
  const settled = async () => app.get(ProjectionsStatus).caughtUp(await app.eventCount());
  const listed = async (query = ''): Promise<Listed> =>
    ((await app.as(bengkuluCoordinator).get(`/agreements?region=${BENGKULU}${query}`).expect(200)).body.items as Listed[]).find(
      (a) => a.agreementId === agreementId,
    ) as Listed;
  const ksbWithoutPks = async (region: string, to: string) =>
    ((await app.as(region === BANTEN ? bantenCoordinator : bengkuluCoordinator).get(`/regions/${region}/deadlines?to=${to}`).expect(200)).body
      .items as { kind: string; dueOn: string; agreementId: string }[]).filter((d) => d.kind === 'ksb-without-pks' && d.agreementId === agreementId);
  const remindersSay = async () => (await app.get(RemindersRuntime).source.of(agreementId))?.deadlines.find((d) => d.kind === 'ksb-without-pks')?.dueOn;

  beforeAll(async () => {
    stores = await pair.stores();
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z', ...stores });
    agreementId = await activeAgreement(app);
    app.clock.set('2025-11-03T03:00:00.000Z');
    await settled();
  }, 60_000);
  afterAll(() => app.close());

  it('dates a KSB without PKS by the default 180 days before any override', async () => {
    expect((await listed()).nextDeadline).toMatchObject({ kind: 'semester-report', dueOn: '2026-01-31' });
    expect(await ksbWithoutPks(BENGKULU, '2026-12-31')).toMatchObject([{ dueOn: '2026-04-22' }]);
    expect(await remindersSay()).toBe('2026-04-22');
  });

  it("moves the date of an agreement already projected as soon as its proposer shortens the duration, the same on the API's list, its schedule and the reminders", async () => {
    await app.as(bantenCoordinator).put(`/regions/${BANTEN}/reminder-policy`, { durations: { ksbWithoutPksDays: 60 } }).expect(200);
    expect((await listed()).nextDeadline).toMatchObject({ kind: 'ksb-without-pks', dueOn: '2025-12-23', daysLeft: 50 });
    expect((await listed('&sort=nextDeadline')).nextDeadline?.dueOn).toBe('2025-12-23');
    // Both parties' schedules list it, though the default would put it months past the window asked for.
    expect(await ksbWithoutPks(BENGKULU, '2026-01-01')).toMatchObject([{ dueOn: '2025-12-23' }]);
    expect(await ksbWithoutPks(BANTEN, '2026-01-01')).toMatchObject([{ dueOn: '2025-12-23' }]);
    expect(await remindersSay()).toBe('2025-12-23');
  });

  it("follows the proposer's policy only: a counterpart's override leaves the date alone", async () => {
    await app.as(bengkuluCoordinator).put(`/regions/${BENGKULU}/reminder-policy`, { durations: { ksbWithoutPksDays: 10 } }).expect(200);
    expect((await listed()).nextDeadline?.dueOn).toBe('2025-12-23');
    expect(await remindersSay()).toBe('2025-12-23');
  });

  it("applies the proposer's longest term of a KSB on the command path", async () => {
    await app.as(bantenCoordinator).put(`/regions/${BANTEN}/reminder-policy`, { durations: { ksbMaxTermMonths: 36 } }).expect(200);
    const refused = await app.as(bantenCoordinator).post('/agreements', bantenOffersBengkulu).expect(400);
    expect(refused.body).toMatchObject({ errors: [expect.objectContaining({ field: 'termMonths' })] });
    await app.as(bantenCoordinator).post('/agreements', { ...bantenOffersBengkulu, termMonths: 36 }).expect(201);
    // Bengkulu keeps the default five years for the agreements it offers.
    await app.as(bengkuluCoordinator).post('/agreements', { ...bantenOffersBengkulu, proposer: BENGKULU, counterparts: [BANTEN] }).expect(201);
  });

  it('refuses a duration the law does not allow: monev less often than yearly', async () => {
    const { body } = await app.as(bantenCoordinator).put(`/regions/${BANTEN}/reminder-policy`, { durations: { monevIntervalMonths: 24 } }).expect(400);
    expect(JSON.stringify(body)).toContain('durations.monevIntervalMonths');
  });
});

const luwuTimur: TestUser = { userId: 'bagian-kerja-sama@luwutimurkab.go.id', role: 'coordinator', region: '73.24' };
const jabar: TestUser = { userId: 'biro-pemotda@jabarprov.go.id', role: 'coordinator', region: '32' };

/** Kab. Luwu Timur (South Sulawesi) lives on WITA, UTC+8: its agreements' days end at its own midnight. */
describe("an agreement offered by a WITA region", () => {
  let app: TestApp;
  let agreementId: string;
  const followUpDue = '2026-03-31';

  beforeAll(async () => {
    app = await TestApp.start({ now: '2026-02-05T02:00:00.000Z' });
    const [luwu, jawaBarat] = [app.as(luwuTimur), app.as(jabar)];
    const offer = { ...bantenOffersBengkulu, proposer: '73.24', counterparts: ['32'], offerLetter: { number: '180/12/Pem/2026', date: '2026-01-08' } };
    agreementId = (await luwu.post('/agreements', offer).expect(201)).body.agreementId;
    await jawaBarat.post(`/agreements/${agreementId}/acceptances`, { party: '32' }).expect(200);
    await luwu.post(`/agreements/${agreementId}/drafts`, { documentSha256: sha256('draft'), summary: 'draft' }).expect(201);
    await luwu.post(`/agreements/${agreementId}/drafts/1/approvals`, { party: '73.24' }).expect(200);
    await jawaBarat.post(`/agreements/${agreementId}/drafts/1/approvals`, { party: '32' }).expect(200);
    const signature = (party: string) => ({ party, signatory: { name: `Kepala Daerah ${party}`, position: 'Kepala Daerah' }, documentNumber: `${party}/KSB/2026`, date: '2026-02-05', place: 'Gedung Sate, Bandung' });
    await luwu.post(`/agreements/${agreementId}/signatures`, signature('73.24')).expect(200);
    await jawaBarat.post(`/agreements/${agreementId}/signatures`, signature('32')).expect(200);
    const task = { party: '73.24', opd: 'Dinas Komunikasi dan Informatika', action: 'Menyusun katalog data', dueDate: followUpDue };
    await luwu.post(`/agreements/${agreementId}/follow-ups`, task).expect(201);
  }, 60_000);
  afterAll(() => app.close());

  const worklistItem = async () => {
    await app.get(ProjectionsStatus).caughtUp(await app.eventCount());
    const { body } = await app.as(luwuTimur).get('/regions/73.24/worklist').expect(200);
    return { asOf: body.asOf as string, item: (body.items as { agreementId: string; daysLeft: number }[]).find((i) => i.agreementId === agreementId) };
  };

  it('still has the due day at 23:59 WITA, though Jakarta is an hour behind', async () => {
    app.clock.set('2026-03-31T15:59:00.000Z');
    expect(await worklistItem()).toMatchObject({ asOf: followUpDue, item: { daysLeft: 0 } });
  });

  it("is a day overdue from 00:00 WITA, while it is still 23:00 of the due day in Jakarta", async () => {
    app.clock.set('2026-03-31T16:00:00.000Z');
    expect(await worklistItem()).toMatchObject({ asOf: '2026-04-01', item: { daysLeft: -1 } });
    const { body } = await app.as(jabar).get('/regions/32/worklist').expect(200);
    expect(body.asOf).toBe('2026-03-31');
  });

  it("checks the rules on the WITA day: a due date of 31 March is in the past from 00:00 WITA on 1 April", async () => {
    app.clock.set('2026-03-31T16:30:00.000Z');
    const task = { party: '73.24', opd: 'Dinas Komunikasi dan Informatika', action: 'Menyambungkan portal data', dueDate: followUpDue };
    const { body } = await app.as(luwuTimur).post(`/agreements/${agreementId}/follow-ups`, task).expect(400);
    expect(body).toMatchObject({ errors: [expect.objectContaining({ field: 'dueDate' })] });
  });
});
