import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import request from 'supertest';
import { REMINDER_QUEUE } from '../../src/reminders/bullmq.timer-queue';
import type { DeliveryRecord } from '../../src/reminders/reminder.events';
import { PrivateRedis } from '../support/private-redis';
import { DINKES_MAIL, type FromReminderApp, type ToReminderApp } from '../support/reminder-app-process';
import { SmtpSink } from '../support/reminder-receivers';
import { describeNeeding } from '../support/system-parts';

const root = join(__dirname, '../..');

/** The application in a child process, driven over IPC (see test/support/reminder-app-process.ts). */
class ReminderAppProcess {
  private readonly inbox: FromReminderApp[] = [];
  private waiting: (() => void) | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: FromReminderApp) => {
      this.inbox.push(message);
      this.waiting?.();
    });
  }

  static async start(args: { dataDir: string; redisUrl: string; smtpUrl: string; prefix: string; now: string }) {
    const child = fork(join(root, 'test/support/reminder-app-process.ts'), [args.dataDir, args.redisUrl, args.smtpUrl, args.prefix, args.now], {
      execArgv: ['--require', join(root, 'test/support/swc-register.js')],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const app = new ReminderAppProcess(child);
    const ready = await app.next('ready');
    return Object.assign(app, { url: ready.url, token: ready.token, operatorToken: ready.operatorToken });
  }

  async ask<T extends FromReminderApp['type']>(message: ToReminderApp, answer: T): Promise<Extract<FromReminderApp, { type: T }>> {
    this.child.send(message);
    return this.next(answer);
  }

  /** Sends without waiting: the answer may never come (the process is about to be killed). */
  tell(message: ToReminderApp): void {
    this.child.send(message);
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }

  private async next<T extends FromReminderApp['type']>(type: T, timeoutMs = 20_000): Promise<Extract<FromReminderApp, { type: T }>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const index = this.inbox.findIndex((m) => m.type === type || m.type === 'failed');
      if (index >= 0) {
        const [message] = this.inbox.splice(index, 1);
        if (message.type === 'failed') throw new Error(`the application process failed: ${message.error}`);
        return message as Extract<FromReminderApp, { type: T }>;
      }
      if (Date.now() > until || this.child.exitCode !== null) throw new Error(`no ${type} from the application process`);
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, 100);
      });
    }
  }
}

async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeNeeding('redis')('a worker killed while its reminder mail is in flight', () => {
  const D_MINUS_7 = '2026-06-23T02:00:00.000Z';
  let redis: PrivateRedis;
  let smtp: SmtpSink;
  let dataDir: string;
  let prefix: string;
  let queue: Queue;
  let first: Awaited<ReturnType<typeof ReminderAppProcess.start>> | undefined;
  let second: Awaited<ReturnType<typeof ReminderAppProcess.start>> | undefined;
  let agreementId: string;
  let deliveryId: string;

  const mailsOf = (id: string) => smtp.mails.filter((m) => m.deliveryId === id);

  beforeAll(async () => {
    [redis, smtp] = await Promise.all([PrivateRedis.start(), SmtpSink.start()]);
    dataDir = mkdtempSync(join(tmpdir(), 'sinergi-killed-worker-'));
    prefix = `test-${randomUUID()}`;
    queue = new Queue(REMINDER_QUEUE, { connection: { host: '127.0.0.1', port: redis.port }, prefix });
    first = await ReminderAppProcess.start({ dataDir, redisUrl: redis.url, smtpUrl: smtp.url, prefix, now: '2025-10-24T05:00:00.000Z' });
    ({ agreementId } = await first.ask({ type: 'setup' }, 'setup-done'));

    // The 7-day reminder starts out; the SMTP server holds its DATA phase, and the process dies right there.
    const hold = smtp.hold();
    first.tell({ type: 'move-to', instant: D_MINUS_7 });
    await hold.held;
    await first.kill();
    // The server had the whole message: it arrives, though its sender never learned so.
    hold.release('accept');
    ({ deliveryId } = await eventually(async () => smtp.mails[0], 'the held mail to be accepted'));

    second = await ReminderAppProcess.start({ dataDir, redisUrl: redis.url, smtpUrl: smtp.url, prefix, now: D_MINUS_7 });
  }, 45_000);

  afterAll(async () => {
    await Promise.all([first?.kill(), second?.kill()]);
    await queue?.close();
    await Promise.all([redis?.stop(), smtp?.close()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('left a claim without outcome for the mail that was in flight', async () => {
    expect(deliveryId).toContain('/follow-up-due/');
    expect(deliveryId).toContain('|D-7|');
    const { body } = await request(second?.url ?? '').get(`/agreements/${agreementId}/reminders`).set('Authorization', `Bearer ${second?.token}`).expect(200);
    expect((body as DeliveryRecord[]).find((r) => r.identity.deliveryId === deliveryId)).toMatchObject({ outcome: 'claimed', attempts: 1 });
  });

  it('runs the job again in the restarted worker, which sends nothing twice', async () => {
    const job = await eventually(async () => (await queue.getCompleted()).find((j) => j.id?.includes('|D-7|')), 'the D-7 job to run again and complete');
    expect(job.returnvalue).toMatchObject({ outcome: 'delivered', sent: 0, unconfirmed: 1 });
    expect(mailsOf(deliveryId)).toHaveLength(1);
    expect(smtp.to(DINKES_MAIL)).toHaveLength(1);
  });

  it('shows the unconfirmed claim on /health, from the store', async () => {
    const { body } = await request(second?.url ?? '').get('/health').set('Authorization', `Bearer ${second?.operatorToken}`).expect(200);
    expect(body.components.reminders.unconfirmed).toEqual({
      count: 1,
      deliveries: [expect.objectContaining({ deliveryId, agreementId, channel: 'email', contactId: 'dinkes' })],
    });
  });

  it('goes on with the next reminder as usual', async () => {
    await second?.ask({ type: 'move-to', instant: '2026-06-29T02:00:00.000Z' }, 'moved');
    const dMinus1 = await eventually(async () => smtp.mails.find((m) => m.deliveryId.includes('|D-1|')), 'the D-1 mail');
    expect(mailsOf(dMinus1.deliveryId)).toHaveLength(1);
    expect(mailsOf(deliveryId)).toHaveLength(1);
  });
});
