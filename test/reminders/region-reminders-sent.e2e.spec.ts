import { BANTEN, BENGKULU, bantenCoordinator, bengkuluCoordinator } from '../e2e/http-fixtures';
import { freePort } from '../support/private-redis';
import { DINKES, type ReminderWorld, startReminderWorld } from '../support/reminder-world';
import type { TestApp, TestUser } from '../support/test-app';
import { waitUntil } from '../support/wait-until';
import { describeNeeding } from '../support/system-parts';

const opdMail = 'dinkes@bengkuluprov.go.id';
const jabarCoordinator: TestUser = { userId: 'biro-pemotda@jabarprov.go.id', role: 'coordinator', region: '32' };
const bpk: TestUser = { userId: 'bpk@bpk.go.id', role: 'auditor', region: '31', national: true };
const inspektoratJabar: TestUser = { userId: 'inspektorat@jabarprov.go.id', role: 'auditor', region: '32' };
const operator: TestUser = { userId: 'ops@sinergi.test', role: 'admin', region: '31' };

interface SentReminders {
  region: string;
  since: string;
  until: string;
  sent: number;
  deliveries: { agreementId: string; outcome: string; settledAt: string; identity: { kind: string; channel: string; contactId: string; step: string } }[];
}

/**
 * "Reminders sent this week" of a region in one request: the 7-day reminder of a Bengkulu follow-up went out by mail
 * (sent) and to a webhook that refuses every connection (given up); only the sent one counts, for each party of the
 * agreement, and only those who may read the region see it.
 */
describeNeeding('redis')('the reminders a region sent this week', () => {
  let world: ReminderWorld;
  let app: TestApp;
  let agreementId: string;
  const sentIn = (user: TestUser, region: string, query = '') => app.as(user).get(`/regions/${region}/reminders/sent${query}`);

  beforeAll(async () => {
    // Nothing listens on this port: every webhook delivery to it fails until its attempts run out.
    const deadWebhook = `http://127.0.0.1:${await freePort()}/hook`;
    world = await startReminderWorld(
      [
        ['dinkes', { name: 'Dinas Kesehatan Provinsi Bengkulu', role: 'opd', opd: DINKES, email: opdMail }],
        ['dinkes-wa', { name: 'Grup WA Dinkes Bengkulu', role: 'opd', opd: DINKES, webhookUrl: deadWebhook }],
      ],
      { attempts: 2, backoffMs: 50 },
    );
    ({ app, agreementId } = world);
    const { smtp, settle } = world;
    app.clock.set('2026-01-05T03:00:00.000Z');
    await world.addFollowUp('Menyusun alur rujukan pasien antarprovinsi', '2026-06-30');
    await settle();
    app.clock.set('2026-06-23T02:00:00.000Z');
    await settle();
    await waitUntil(() => smtp.to(opdMail).length === 1, 'the 7-day reminder by mail');
    const outcomes = async () => ((await app.as(bengkuluCoordinator).get(`/agreements/${agreementId}/reminders`)).body as { outcome: string }[]).map((d) => d.outcome).sort();
    await waitUntil(async () => (await outcomes()).join() === 'given-up,sent', 'the mail sent and the webhook given up');
  });

  afterAll(() => world?.close());

  it('counts the mail that was sent, not the webhook that was given up', async () => {
    const { body } = await sentIn(bengkuluCoordinator, BENGKULU).expect(200);
    expect(body as SentReminders).toEqual({
      region: BENGKULU,
      since: '2026-06-16T02:00:00.000Z',
      until: '2026-06-23T02:00:00.000Z',
      sent: 1,
      deliveries: [
        expect.objectContaining({
          agreementId,
          outcome: 'sent',
          settledAt: '2026-06-23T02:00:00.000Z',
          identity: expect.objectContaining({ kind: 'follow-up-due', step: 'D-7', channel: 'email', contactId: 'dinkes' }),
        }),
      ],
    });
  });

  it('counts them for every party of the agreement', async () => {
    const { body } = await sentIn(bantenCoordinator, BANTEN).expect(200);
    expect((body as SentReminders).sent).toBe(1);
  });

  it('keeps to the window: a day later, the last day holds none', async () => {
    app.clock.set('2026-06-24T03:00:00.000Z');
    expect(((await sentIn(bengkuluCoordinator, BENGKULU, '?days=1').expect(200)).body as SentReminders).sent).toBe(0);
    expect(((await sentIn(bengkuluCoordinator, BENGKULU).expect(200)).body as SentReminders).sent).toBe(1);
    const { body } = await sentIn(bengkuluCoordinator, BENGKULU, '?days=0').expect(400);
    expect(body.errors).toEqual([expect.objectContaining({ field: 'days', rule: 'min' })]);
  });

  it('answers 403 outside the user’s region, and shows a region none of whose agreements reminded anyone as 0', async () => {
    const refused = await sentIn(jabarCoordinator, BENGKULU).expect(403);
    expect(refused.body.rule).toBe('RegionOutOfReach');
    await sentIn(inspektoratJabar, BENGKULU).expect(403);
    await sentIn(operator, BENGKULU).expect(403);
    expect(((await sentIn(jabarCoordinator, '32').expect(200)).body as SentReminders).sent).toBe(0);
  });

  it('lets an auditor with national scope read any region, and answers 404 for a code that is no region', async () => {
    expect(((await sentIn(bpk, BENGKULU).expect(200)).body as SentReminders).deliveries.map((d) => d.agreementId)).toEqual([agreementId]);
    await sentIn(bpk, '99').expect(404);
  });
});
