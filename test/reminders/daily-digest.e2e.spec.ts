import type { DeliveryRecord } from '../../src/reminders/reminder.events';
import { bengkuluCoordinator } from '../e2e/http-fixtures';
import { type SmtpSink, WebhookReceiver } from '../support/reminder-receivers';
import { DINKES, type ReminderWorld, startReminderWorld } from '../support/reminder-world';
import type { TestApp } from '../support/test-app';
import { waitUntil } from '../support/wait-until';
import { describeNeeding } from '../support/system-parts';

const WEBHOOK_SECRET = 'rahasia-webhook-dinkes-bengkulu';
/** Wants one message a day, by mail and by webhook. */
const digestMail = 'dinkes@bengkuluprov.go.id';
/** Wants each reminder on its own. */
const staffMail = 'sekretariat.dinkes@bengkuluprov.go.id';

/**
 * Two follow-ups of the Banten–Bengkulu KSB due on the same day, 30 June 2026, both for the Dinas Kesehatan of
 * Bengkulu, whose directory has two contacts: one who asked for a daily digest, one who did not. A real Redis, a
 * real SMTP server, a real webhook receiver, and a clock moved from day to day.
 */
describeNeeding('redis')('the daily digest', () => {
  let smtp: SmtpSink;
  let webhooks: WebhookReceiver;
  let app: TestApp;
  let agreementId: string;
  let world: ReminderWorld;
  let settle: () => Promise<void>;

  const digestsTo = (address: string) => smtp.to(address).filter((m) => m.deliveryId.startsWith('digest|'));
  const deliveries = async (): Promise<DeliveryRecord[]> =>
    (await app.as(bengkuluCoordinator).get(`/agreements/${agreementId}/reminders`).expect(200)).body as DeliveryRecord[];

  beforeAll(async () => {
    webhooks = await WebhookReceiver.start(WEBHOOK_SECRET);
    world = await startReminderWorld([
      ['dinkes', { name: 'Dinas Kesehatan Provinsi Bengkulu', role: 'opd', opd: DINKES, email: digestMail, webhookUrl: `${webhooks.url}/wa`, webhookSecret: WEBHOOK_SECRET, dailyDigest: true }],
      ['sekretariat-dinkes', { name: 'Sekretariat Dinas Kesehatan', role: 'opd', opd: DINKES, email: staffMail }],
    ]);
    ({ smtp, app, agreementId, settle } = world);
    app.clock.set('2026-01-05T03:00:00.000Z');
    await world.addFollowUp('Menyusun alur rujukan pasien antarprovinsi', '2026-06-30');
    await world.addFollowUp('Menyusun standar pelayanan ambulans lintas provinsi', '2026-06-30');
    await settle();
    // 23 June, 09:00 WIB: the 7-day reminders of both follow-ups are due.
    app.clock.set('2026-06-23T02:00:00.000Z');
    await settle();
    await waitUntil(() => digestsTo(digestMail).length >= 1 && smtp.to(staffMail).length >= 2, 'the digest and the two lone reminders');
  });

  afterAll(async () => {
    await world?.close();
    await webhooks?.close();
  });

  it('sends a digest contact ONE mail for the day, in Indonesian, listing both reminders', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const mails = smtp.to(digestMail);
    expect(mails).toHaveLength(1);
    const [digest] = mails;
    expect(digest.deliveryId).toBe('digest|dinkes|2026-06-23|email');
    expect(digest.subject).toContain('Ringkasan harian');
    expect(digest.text).toContain('bersama ini kami sampaikan 2 pengingat untuk Bapak/Ibu pada 23 Juni 2026');
    expect(digest.text).toContain('Menyusun alur rujukan pasien antarprovinsi');
    expect(digest.text).toContain('Menyusun standar pelayanan ambulans lintas provinsi');
    expect(digest.text).toContain('paling lambat 30 Juni 2026 (7 hari lagi)');
    expect(digest.text).toContain('Demikian disampaikan.');
    expect(digest.text).toContain(`https://sinergi.test/agreements/${agreementId}`);
  });

  it('sends the same digest once to the contact’s webhook, signed, naming each reminder', async () => {
    await waitUntil(() => webhooks.received.length >= 1, 'the digest webhook');
    expect(webhooks.received).toHaveLength(1);
    const [hook] = webhooks.received;
    expect(hook).toMatchObject({ path: '/wa', signatureValid: true, body: { id: 'digest|dinkes|2026-06-23|webhook', digest: true, day: '2026-06-23' } });
    expect(hook.body.reminders).toEqual([
      expect.objectContaining({ step: 'D-7', kind: 'follow-up-due', dueOn: '2026-06-30' }),
      expect.objectContaining({ step: 'D-7', kind: 'follow-up-due', dueOn: '2026-06-30' }),
    ]);
  });

  it('still sends a contact without a digest one mail per reminder', () => {
    const mails = smtp.to(staffMail);
    expect(mails).toHaveLength(2);
    expect(mails.every((m) => m.deliveryId.includes('|D-7|') && m.deliveryId.endsWith('|sekretariat-dinkes|email'))).toBe(true);
  });

  it('records each reminder of the digest on its own, claimed then sent, naming the digest', async () => {
    const ofDigest = (await deliveries()).filter((d) => d.identity.contactId === 'dinkes');
    expect(ofDigest).toHaveLength(4);
    for (const delivery of ofDigest) {
      expect(delivery).toMatchObject({ outcome: 'sent', attempts: 1, identity: { step: 'D-7', digestId: `digest|dinkes|2026-06-23|${delivery.identity.channel}` } });
    }
    expect(new Set(ofDigest.map((d) => d.identity.deliveryId)).size).toBe(4);
  });

  it('puts a reminder that falls due after the day’s digest in the next day’s, without repeating what was sent', async () => {
    // Due 27 June: its 7-day reminder (20 June) is already due, after today's digest went out.
    await world.addFollowUp('Menyepakati formulir rujukan bersama', '2026-06-27');
    await settle();
    await waitUntil(() => smtp.to(staffMail).length >= 3, 'the lone reminder of the new follow-up');
    expect(smtp.to(digestMail)).toHaveLength(1);

    app.clock.set('2026-06-24T02:00:00.000Z');
    await settle();
    await waitUntil(() => digestsTo(digestMail).length >= 2, 'the digest of 24 June');
    const next = digestsTo(digestMail)[1];
    expect(next.deliveryId).toBe('digest|dinkes|2026-06-24|email');
    expect(next.text).toContain('bersama ini kami sampaikan 1 pengingat untuk Bapak/Ibu pada 24 Juni 2026');
    expect(next.text).toContain('Menyepakati formulir rujukan bersama');
    expect(next.text).not.toContain('Menyusun alur rujukan pasien antarprovinsi');
  });

  it('never records a delivery twice', async () => {
    const ids = (await deliveries()).map((d) => d.identity.deliveryId);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await deliveries()).filter((d) => d.identity.contactId === 'dinkes' && d.outcome === 'sent')).toHaveLength(6);
  });
});
