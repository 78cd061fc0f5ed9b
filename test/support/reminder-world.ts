import request from 'supertest';
import type { RemindersSettings } from '../../src/config/sinergi.config';
import type { BullmqTimerQueue } from '../../src/reminders/bullmq.timer-queue';
import type { ReminderScheduler } from '../../src/reminders/reminder-scheduler';
import { RemindersRuntime } from '../../src/reminders/reminders.runtime';
import { BENGKULU, activeAgreement, bengkuluCoordinator } from '../e2e/http-fixtures';
import { PrivateRedis } from './private-redis';
import { SmtpSink, testReminders } from './reminder-receivers';
import { TestApp } from './test-app';

export const DINKES = 'Dinas Kesehatan Provinsi Bengkulu';

/** The server of a reminder e2e spec with its own Redis and SMTP server, and Bengkulu's contacts in its directory. */
export interface ReminderWorld {
  redis: PrivateRedis;
  smtp: SmtpSink;
  app: TestApp;
  scheduler: ReminderScheduler<BullmqTimerQueue>;
  /** An active Banten–Bengkulu KSB. */
  agreementId: string;
  /** Waits until the reminders have seen every event, then reconciles the timers with the clock as it is. */
  settle(): Promise<void>;
  /** Adds a follow-up of the agreement for Bengkulu's Dinas Kesehatan, on the clock's day. */
  addFollowUp(action: string, dueDate: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts Redis, an SMTP server and the server on 24 October 2025, saves Bengkulu's `contacts` (id and body of
 * `PUT /regions/17/contacts/:id`) and makes the agreement active.
 */
export async function startReminderWorld(contacts: [string, object][], reminders: Partial<RemindersSettings> = {}): Promise<ReminderWorld> {
  const [redis, smtp] = await Promise.all([PrivateRedis.start(), SmtpSink.start()]);
  const app = await TestApp.start({ now: '2025-10-24T05:00:00.000Z', reminders: testReminders(redis.url, { smtpUrl: smtp.url, ...reminders }) });
  const scheduler = app.get(RemindersRuntime).scheduler as ReminderScheduler<BullmqTimerQueue>;
  for (const [id, contact] of contacts) {
    await request(app.url).put(`/regions/${BENGKULU}/contacts/${id}`).set('Authorization', `Bearer ${await app.tokenOf(bengkuluCoordinator)}`).send(contact).expect(200);
  }
  const agreementId = await activeAgreement(app);
  return {
    redis,
    smtp,
    app,
    scheduler,
    agreementId,
    settle: async () => {
      await scheduler.caughtUp(await app.eventCount());
      await scheduler.reconcileNow();
    },
    addFollowUp: async (action, dueDate) => {
      await app.as(bengkuluCoordinator).post(`/agreements/${agreementId}/follow-ups`, { party: BENGKULU, opd: DINKES, action, dueDate }).expect(201);
    },
    close: async () => {
      await app.close();
      await Promise.all([redis.stop(), smtp.close()]);
    },
  };
}
