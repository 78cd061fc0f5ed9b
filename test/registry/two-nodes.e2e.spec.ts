import type { Actor } from '../../src/core/event';
import type { ReminderScheduler } from '../../src/reminders/reminder-scheduler';
import { RemindersRuntime } from '../../src/reminders/reminders.runtime';
import { BANTEN, BENGKULU, activeAgreement, bengkuluCoordinator } from '../e2e/http-fixtures';
import { postgresSkipped, privatePostgresOfThisFile } from '../support/private-postgres';
import { PrivateRedis } from '../support/private-redis';
import { SmtpSink, testReminders } from '../support/reminder-receivers';
import { freshPostgresStores } from '../support/stores';
import { describeNeeding } from '../support/system-parts';
import { TestApp } from '../support/test-app';
import { waitUntil } from '../support/wait-until';

const describeWithPostgresAndRedis = postgresSkipped ? describe.skip : describeNeeding('redis');
const operator: Actor = { userId: 'ops@sinergi', role: 'admin', region: BANTEN };
const DINKES = 'Dinas Kesehatan Provinsi Bengkulu';

/**
 * Two API nodes behind one load balancer, on one PostgreSQL (event store and read models): node B also sends the
 * reminders. Users, contacts and policies are events, so whatever one node records the other knows at once.
 */
describeWithPostgresAndRedis('users, contacts and policies on two nodes sharing PostgreSQL', () => {
  let redis: PrivateRedis;
  let smtp: SmtpSink;
  let nodeA: TestApp;
  let nodeB: TestApp;

  // Before the server's own afterAll (hooks run in the order they are declared): the nodes close while it still runs.
  afterAll(async () => {
    await Promise.all([nodeA?.close(), nodeB?.close()]);
    await Promise.all([redis?.stop(), smtp?.close()]);
  });
  const postgres = privatePostgresOfThisFile();

  beforeAll(async () => {
    const stores = await freshPostgresStores(await postgres());
    [redis, smtp] = await Promise.all([PrivateRedis.start(), SmtpSink.start()]);
    const now = '2025-10-24T05:00:00.000Z';
    nodeA = await TestApp.start({ now, ...stores });
    nodeB = await TestApp.start({ now, ...stores, reminders: testReminders(redis.url, { smtpUrl: smtp.url }) });
  }, 90_000);

  it('lets a user added on node A sign in on node B at once', async () => {
    const { body } = await nodeA.as(operator).post('/users', { userId: 'siti@bantenprov.go.id', name: 'Siti Rahma', role: 'coordinator', region: BANTEN }).expect(201);
    const me = await nodeB.withToken(body.token).get('/me').expect(200);
    expect(me.body).toMatchObject({ userId: 'siti@bantenprov.go.id', region: BANTEN, via: 'api-token' });
  });

  it('refuses on node A, at once, a token revoked on node B (each time)', async () => {
    for (let n = 0; n < 5; n++) {
      const userId = `leaving-${n}@bantenprov.go.id`;
      const { body } = await nodeA.as(operator).post('/users', { userId, name: `Pegawai ${n}`, role: 'coordinator', region: BANTEN }).expect(201);
      // Node A has the token in hand: the revocation must reach it, not a miss.
      await nodeA.withToken(body.token).get('/me').expect(200);
      await nodeB.as(operator).post(`/users/${userId}/revocation`).expect(200);
      const refused = await nodeA.withToken(body.token).get('/me');
      expect([userId, refused.status]).toEqual([userId, 401]);
    }
  });

  it('shows on node B, at once, a reminder policy changed on node A', async () => {
    await nodeA.as(bengkuluCoordinator).put(`/regions/${BENGKULU}/reminder-policy`, { rules: { 'follow-up-due': { remindDaysBefore: [10, 7] } } }).expect(200);
    const { body } = await nodeB.as(bengkuluCoordinator).get(`/regions/${BENGKULU}/reminder-policy`).expect(200);
    expect(body.reminders.rules['follow-up-due'].remindDaysBefore).toEqual([10, 7]);
    expect(body.overriddenBy).toEqual(['api']);
  });

  it('reminds from node B the contact as node A last changed it', async () => {
    const contact = { name: 'Dinas Kesehatan Provinsi Bengkulu', role: 'opd', opd: DINKES, email: 'dinkes.lama@bengkuluprov.go.id' };
    await nodeA.as(bengkuluCoordinator).put(`/regions/${BENGKULU}/contacts/dinkes`, contact).expect(200);
    await nodeA.as(bengkuluCoordinator).put(`/regions/${BENGKULU}/contacts/dinkes`, { ...contact, email: 'dinkes@bengkuluprov.go.id' }).expect(200);
    const agreementId = await activeAgreement(nodeA);
    nodeA.clock.set('2026-01-05T03:00:00.000Z');
    const assigned = await nodeA
      .as(bengkuluCoordinator)
      .post(`/agreements/${agreementId}/follow-ups`, { party: BENGKULU, opd: DINKES, action: 'Menyusun alur rujukan pasien antarprovinsi', dueDate: '2026-06-30' })
      .expect(201);

    // Ten days before the due date, as node A's policy change says: 09:00 WIB on 20 June, on node B's clock.
    nodeB.clock.set('2026-06-20T02:00:00.000Z');
    const scheduler = nodeB.get(RemindersRuntime).scheduler as ReminderScheduler;
    await scheduler.caughtUp(assigned.body.position);
    await scheduler.reconcileNow();
    await waitUntil(() => smtp.mails.some((mail) => mail.deliveryId.includes('|D-10|')), 'the D-10 reminder from node B');
    const sent = smtp.mails.filter((mail) => mail.deliveryId.includes('|D-10|'));
    expect(sent.map((mail) => mail.to)).toEqual([['dinkes@bengkuluprov.go.id']]);
  });
});
