import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runAuditCommand } from '../../src/audit/audit-cli';
import type { Actor } from '../../src/core/event';
import { EventStore } from '../../src/core/event-store.port';
import { BENGKULU } from '../e2e/http-fixtures';
import { DINKES, type ReminderWorld, startReminderWorld } from '../support/reminder-world';
import type { TestApp } from '../support/test-app';
import { waitUntil } from '../support/wait-until';
import { describeNeeding } from '../support/system-parts';

const opdMail = 'dinkes@bengkuluprov.go.id';
const inspektorat: Actor = { userId: 'inspektorat@bengkuluprov.go.id', role: 'auditor', region: BENGKULU };

/**
 * The 7-day reminder of a follow-up due 30 June 2026 went by mail to the Dinas Kesehatan of Bengkulu: an auditor
 * finds it in the agreement's audit trail and export, apart from the agreement's own steps, and its stream is
 * verified with them.
 */
describeNeeding('redis')('reminders in the audit trail of an agreement', () => {
  let world: ReminderWorld;
  let app: TestApp;
  let agreementId: string;
  const auditor = () => app.as(inspektorat);
  const reminderStream = () => `reminders-${agreementId}`;

  beforeAll(async () => {
    world = await startReminderWorld([['dinkes', { name: 'Dinas Kesehatan Provinsi Bengkulu', role: 'opd', opd: DINKES, email: opdMail }]]);
    ({ app, agreementId } = world);
    const { smtp, settle } = world;
    app.clock.set('2026-01-05T03:00:00.000Z');
    await world.addFollowUp('Menyusun alur rujukan pasien antarprovinsi', '2026-06-30');
    await settle();
    app.clock.set('2026-06-23T02:00:00.000Z');
    await settle();
    await waitUntil(() => smtp.to(opdMail).length === 1, 'the 7-day reminder');
    // Its outcome is recorded right after the SMTP server accepted it.
    const sent = async () => ((await auditor().get(`/audit/agreements/${agreementId}/history`)).body.reminders?.entries ?? []).length === 2;
    for (let i = 0; i < 100 && !(await sent()); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  });

  afterAll(() => world?.close());

  it('lists the reminder apart from the agreement steps: who, which deadline, which channel, when, outcome', async () => {
    const { body } = await auditor().get(`/audit/agreements/${agreementId}/history`).expect(200);
    expect(body.entries.map((e: { type: string }) => e.type)).not.toContain('ReminderSent');
    expect(body.reminders.streamId).toBe(reminderStream());
    expect(body.reminders.deliveries).toEqual([
      expect.objectContaining({
        outcome: 'sent',
        attempts: 1,
        identity: expect.objectContaining({ contactId: 'dinkes', contactRegion: BENGKULU, contactVersion: expect.any(Number), kind: 'follow-up-due', dueOn: '2026-06-30', step: 'D-7', channel: 'email' }),
        claimedAt: '2026-06-23T02:00:00.000Z',
        settledAt: '2026-06-23T02:00:00.000Z',
      }),
    ]);
    expect(body.reminders.entries.map((e: { type: string; actor: Actor }) => [e.type, e.actor.role])).toEqual([
      ['ReminderClaimed', 'system'],
      ['ReminderSent', 'system'],
    ]);
  });

  it("records whom it reminded by reference: the contact's address and name stay out of the agreement's record", async () => {
    const recorded = JSON.stringify(await app.get(EventStore).readStream(reminderStream()));
    expect(recorded).toContain('"contactId":"dinkes"');
    expect(recorded).not.toContain(opdMail);
    expect(recorded).not.toContain('Dinas Kesehatan Provinsi Bengkulu');
  });

  it('exports the reminders as JSON, with their stream’s hash chain verified beside the agreement’s', async () => {
    const response = await auditor().get(`/audit/agreements/${agreementId}/export?format=json`).expect(200);
    expect(response.headers['sinergi-chain-intact']).toBe('true');
    expect(response.body.verification).toMatchObject({ streamId: `agreement-${agreementId}`, intact: true });
    expect(response.body.reminders.verification).toMatchObject({ streamId: reminderStream(), intact: true, eventsChecked: 2 });
    expect(response.body.reminders.verification.chainHead).toBe(response.body.reminders.entries[1].hash);
    expect(response.body.reminders.deliveries).toHaveLength(1);
  });

  it('exports them as CSV in a table of their own under the agreement steps, with their verification on top', async () => {
    const response = await auditor().get(`/audit/agreements/${agreementId}/export?format=csv`).expect(200);
    const lines = response.text.trimEnd().split('\r\n');
    expect(lines[2]).toMatch(new RegExp(`^# reminders of agreement ${agreementId} \\(${reminderStream()}\\): hash chain intact, 2 events, chain head [0-9a-f]{64}$`));
    const table = lines.findIndex((line) => line.startsWith('# reminders: '));
    expect(table).toBeGreaterThan(3);
    expect(lines[table + 1]).toBe(
      'agreementId,position,revision,type,deliveryId,deadlineId,kind,dueOn,step,escalation,contactId,contactRegion,contactVersion,channel,attempt,outcome,error,digestId,recordedAt,hash,previousHash',
    );
    expect(lines.slice(table + 2)).toEqual([
      expect.stringMatching(new RegExp(`^${agreementId},\\d+,0,ReminderClaimed,.*,follow-up-due,2026-06-30,D-7,false,dinkes,${BENGKULU},\\d+,email,1,claimed,`)),
      expect.stringMatching(new RegExp(`^${agreementId},\\d+,1,ReminderSent,.*,dinkes,${BENGKULU},\\d+,email,1,sent,`)),
    ]);
  });

  it('shows them in `sinergi audit history`, after the agreement steps', async () => {
    const printed: string[] = [];
    const previous = process.env.SINERGI_DATA_DIR;
    process.env.SINERGI_DATA_DIR = app.dataDir;
    try {
      expect(await runAuditCommand(['history', agreementId], { print: (line) => printed.push(line), progress: { write: () => undefined } })).toBe(0);
    } finally {
      if (previous === undefined) delete process.env.SINERGI_DATA_DIR;
      else process.env.SINERGI_DATA_DIR = previous;
    }
    const heading = printed.findIndex((line) => line.startsWith(`Reminders (${reminderStream()}, 2 events`));
    expect(heading).toBeGreaterThan(0);
    expect(printed.slice(0, heading).every((line) => line.startsWith('#'))).toBe(true);
    expect(printed[heading + 1]).toMatch(/^ {2}sent D-7 follow-up-due due 2026-06-30 to dinkes of 17 \(contact version \d+\) by email /);
  });

  it('finds a reminder record changed behind its back: the export is no longer intact', async () => {
    const db = new Database(join(app.dataDir, 'events.sqlite'));
    try {
      db.prepare(`UPDATE events SET data = json_set(data, '$.channel', 'webhook') WHERE stream_id = ? AND type = 'ReminderSent'`).run(reminderStream());
    } finally {
      db.close();
    }
    const response = await auditor().get(`/audit/agreements/${agreementId}/export?format=json`).expect(200);
    expect(response.headers['sinergi-chain-intact']).toBe('false');
    expect(response.body.verification.intact).toBe(true);
    expect(response.body.reminders.verification).toMatchObject({ intact: false, firstBroken: { breach: 'changed', streamId: reminderStream(), revision: 1 } });
  });
});
