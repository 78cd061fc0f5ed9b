import { RemindersRuntime } from '../../src/reminders/reminders.runtime';
import { BENGKULU, bengkuluCoordinator, bengkuluDinkes } from '../e2e/http-fixtures';
import type { PrivateRedis } from '../support/private-redis';
import { type SmtpSink, WebhookReceiver } from '../support/reminder-receivers';
import { DINKES, type ReminderWorld, startReminderWorld } from '../support/reminder-world';
import type { TestApp } from '../support/test-app';
import { waitUntil } from '../support/wait-until';
import { describeNeeding } from '../support/system-parts';

const WEBHOOK_SECRET = 'rahasia-webhook-dinkes-bengkulu';
const opdMail = 'dinkes@bengkuluprov.go.id';
const headMail = 'kadinkes@bengkuluprov.go.id';
const coordinatorMail = 'biro-pemotda@bengkuluprov.go.id';

/**
 * The Banten–Bengkulu follow-up "Menyusun alur rujukan pasien antarprovinsi", due 30 June 2026, assigned to the
 * Dinas Kesehatan of Bengkulu, with a real Redis, a real SMTP server and a real webhook receiver, and a clock moved
 * from reminder to reminder.
 */
describeNeeding('redis')('reminders of a follow-up', () => {
  let redis: PrivateRedis;
  let smtp: SmtpSink;
  let webhooks: WebhookReceiver;
  let app: TestApp;
  let scheduler: ReminderWorld['scheduler'];
  let agreementId: string;
  let world: ReminderWorld;
  let settle: () => Promise<void>;

  const followUpMails = () => smtp.mails.filter((m) => m.deliveryId.includes('/follow-up-due/'));
  const followUpMailsTo = (address: string, step: string) => followUpMails().filter((m) => m.to.includes(address) && m.deliveryId.includes(`|${step}|`));
  /** Moves the clock to 09:00 WIB of a day and lets every reminder due by then run. */
  const moveTo = async (day: string, expectedMails: number) => {
    app.clock.set(`${day}T02:00:00.000Z`);
    await settle();
    await waitUntil(() => followUpMails().length >= expectedMails, `${expectedMails} follow-up mails by ${day}`);
  };

  beforeAll(async () => {
    webhooks = await WebhookReceiver.start(WEBHOOK_SECRET);
    world = await startReminderWorld([
      ['dinkes', { name: 'Dinas Kesehatan Provinsi Bengkulu', role: 'opd', opd: DINKES, email: opdMail, webhookUrl: `${webhooks.url}/wa`, webhookSecret: WEBHOOK_SECRET }],
      ['kadinkes', { name: 'Kepala Dinas Kesehatan Provinsi Bengkulu', role: 'opd-head', opd: DINKES, email: headMail }],
      ['biro', { name: 'Biro Pemerintahan dan Otda Provinsi Bengkulu', role: 'coordinator', email: coordinatorMail }],
    ]);
    ({ redis, smtp, app, scheduler, agreementId, settle } = world);
    app.clock.set('2026-01-05T03:00:00.000Z');
    await world.addFollowUp('Menyusun alur rujukan pasien antarprovinsi', '2026-06-30');
    await settle();
  });

  afterAll(async () => {
    await world?.close();
    await webhooks?.close();
  });

  it('reminds the OPD 7 days before, by mail and by signed webhook, in Indonesian', async () => {
    await moveTo('2026-06-23', 1);
    expect(followUpMailsTo(opdMail, 'D-7')).toHaveLength(1);
    const [mail] = followUpMailsTo(opdMail, 'D-7');
    expect(mail.text).toContain('Menyusun alur rujukan pasien antarprovinsi');
    expect(mail.text).toContain('30 Juni 2026');
    expect(mail.text).toContain(`https://sinergi.test/agreements/${agreementId}`);
    await waitUntil(() => webhooks.received.some((w) => String(w.body.step) === 'D-7'), 'the D-7 webhook');
    expect(webhooks.received.filter((w) => w.body.step === 'D-7' && w.body.kind === 'follow-up-due')).toEqual([
      expect.objectContaining({ path: '/wa', signatureValid: true }),
    ]);
    expect(followUpMailsTo(headMail, 'D-7')).toHaveLength(0);
    expect(followUpMailsTo(coordinatorMail, 'D-7')).toHaveLength(0);
  });

  it('reminds it again 1 day before', async () => {
    await moveTo('2026-06-29', 2);
    expect(followUpMailsTo(opdMail, 'D-1')).toHaveLength(1);
  });

  it('loses and duplicates nothing when Redis dies and comes back empty, while commands go on', async () => {
    await redis.kill();
    // A command does not wait for Redis.
    await app.as(bengkuluDinkes).post(`/agreements/${agreementId}/follow-ups/tl-1/acknowledgement`, {}).expect(200);
    await redis.restart();
    await waitUntil(() => scheduler.state === 'up', 'the scheduler to reconnect');
    await moveTo('2026-06-30', 3);
    expect(followUpMailsTo(opdMail, 'D0')).toHaveLength(1);
    expect(followUpMailsTo(opdMail, 'D-7')).toHaveLength(1);
    expect(followUpMailsTo(opdMail, 'D-1')).toHaveLength(1);
  });

  it('escalates 7 days overdue to the OPD, its head and the coordinator, then weekly', async () => {
    await moveTo('2026-07-07', 6);
    for (const address of [opdMail, headMail, coordinatorMail]) expect(followUpMailsTo(address, 'E1')).toHaveLength(1);
    expect(followUpMailsTo(headMail, 'E1')[0].subject).toContain('ESKALASI');
    await moveTo('2026-07-14', 9);
    for (const address of [opdMail, headMail, coordinatorMail]) expect(followUpMailsTo(address, 'E2')).toHaveLength(1);
  });

  it('sends each reminder once, and records each in the audit trail of the agreement', async () => {
    const ids = followUpMails().map((m) => m.deliveryId);
    expect(new Set(ids).size).toBe(ids.length);
    const { body } = await app.as(bengkuluCoordinator).get(`/agreements/${agreementId}/reminders`).expect(200);
    const sent = (body as { outcome: string; identity: { deliveryId: string } }[]).filter((r) => r.outcome === 'sent').map((r) => r.identity.deliveryId);
    expect(sent).toEqual(expect.arrayContaining(ids));
  });

  it('stops reminding once the task is completed: its remaining jobs are removed', async () => {
    await app
      .as(bengkuluDinkes)
      .post(`/agreements/${agreementId}/follow-ups/tl-1/completion`, { note: 'Alur rujukan berlaku', evidence: ['a'.repeat(64)] })
      .expect(200);
    await settle();
    const left = await scheduler.timers.queue.getDelayed();
    expect(left.filter((job) => job.id?.includes('/follow-up-due/'))).toEqual([]);
    const before = followUpMails().length;
    app.clock.set('2026-07-28T02:00:00.000Z');
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(followUpMails()).toHaveLength(before);
  });

  it('records the expiry of the KSB on its end date, as the engine', async () => {
    app.clock.set('2030-10-24T02:00:00.000Z');
    await settle();
    await app.get(RemindersRuntime).expiries.runNow();
    await waitUntil(async () => (await app.as(bengkuluCoordinator).get(`/agreements/${agreementId}`)).body.state?.stage === 'expired', 'the expiry');
  });

  it('shows the pipeline on /health to an operator', async () => {
    const { body } = await app.as({ userId: 'operator@sinergi', role: 'admin', region: BENGKULU }).get('/health').expect(200);
    expect(body.components.reminders).toMatchObject({ status: 'up', scheduler: 'up', channels: ['email', 'webhook'] });
  });
});
