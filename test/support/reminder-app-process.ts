import 'reflect-metadata';
import request from 'supertest';
import type { ReminderScheduler } from '../../src/reminders/reminder-scheduler';
import { RemindersRuntime } from '../../src/reminders/reminders.runtime';
import { BENGKULU, activeAgreement, bengkuluCoordinator } from '../e2e/http-fixtures';
import { TestApp } from './test-app';
import { testReminders } from './reminder-receivers';

/**
 * The whole application in a process of its own, so a test can SIGKILL it mid-delivery, then start another on the
 * same data directory and Redis. Started with `fork` and driven over IPC:
 *   argv: <dataDir> <redisUrl> <smtpUrl> <queuePrefix> <clock start (ISO)>
 *   → { type: 'ready', url, token, operatorToken }   tokens of an observer (an auditor) and an operator (an admin) of this process
 *   ← { type: 'setup' }                        the Bengkulu Dinkes contact, an active KSB, a follow-up due 30 June 2026
 *   → { type: 'setup-done', agreementId }
 *   ← { type: 'move-to', instant }             moves the clock and reconciles, so what is due runs
 *   → { type: 'moved' }
 */
export type ToReminderApp = { type: 'setup' } | { type: 'move-to'; instant: string };
export type FromReminderApp =
  | { type: 'ready'; url: string; token: string; operatorToken: string }
  | { type: 'setup-done'; agreementId: string }
  | { type: 'moved' }
  | { type: 'failed'; error: string };

export const DINKES_BENGKULU = 'Dinas Kesehatan Provinsi Bengkulu';
export const DINKES_MAIL = 'dinkes@bengkuluprov.go.id';

async function main(): Promise<void> {
  const [dataDir, redisUrl, smtpUrl, queuePrefix, start] = process.argv.slice(2);
  const app = await TestApp.start({
    now: start,
    dataDir,
    // A killed worker's job is taken up again within a second, not BullMQ's default 30 s.
    reminders: testReminders(redisUrl, { smtpUrl, queuePrefix, lockMs: 1_000 }),
  });
  const scheduler = app.get(RemindersRuntime).scheduler as ReminderScheduler;
  const settle = async () => {
    await scheduler.caughtUp(await app.eventCount());
    await scheduler.reconcileNow();
  };
  const send = (message: FromReminderApp) => process.send?.(message);

  process.on('message', (message: ToReminderApp) => {
    const handled = async (): Promise<FromReminderApp> => {
      switch (message.type) {
        case 'setup': {
          await request(app.url)
            .put(`/regions/${BENGKULU}/contacts/dinkes`)
            .set('Authorization', `Bearer ${await app.tokenOf(bengkuluCoordinator)}`)
            .send({ name: DINKES_BENGKULU, role: 'opd', opd: DINKES_BENGKULU, email: DINKES_MAIL })
            .expect(200);
          const agreementId = await activeAgreement(app);
          app.clock.set('2026-01-05T03:00:00.000Z');
          await app
            .as(bengkuluCoordinator)
            .post(`/agreements/${agreementId}/follow-ups`, { party: BENGKULU, opd: DINKES_BENGKULU, action: 'Menyusun alur rujukan pasien antarprovinsi', dueDate: '2026-06-30' })
            .expect(201);
          await settle();
          return { type: 'setup-done', agreementId };
        }
        case 'move-to':
          app.clock.set(message.instant);
          await settle();
          return { type: 'moved' };
      }
    };
    handled().then(send, (error: unknown) => send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
  });
  const observer = { userId: `observer-${process.pid}`, role: 'auditor' as const, region: BENGKULU, national: true };
  const operator = { userId: `operator-${process.pid}`, role: 'admin' as const, region: BENGKULU };
  send({ type: 'ready', url: app.url, token: await app.tokenOf(observer), operatorToken: await app.tokenOf(operator) });
}

if (require.main === module) {
  // A process whose test died must not linger.
  setTimeout(() => process.exit(3), 60_000).unref();
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
