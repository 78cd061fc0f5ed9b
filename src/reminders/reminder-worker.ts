import { Logger } from '@nestjs/common';
import { DelayedError, type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type BullmqTimerQueue, REMINDER_QUEUE } from './bullmq.timer-queue';
import type { DailyDigest, DigestJobData } from './daily-digest';
import type { ReminderDispatcher, ReminderJobData } from './reminder-dispatcher';
import type { ReminderQueueData } from './reminder-scheduler';

const logger = new Logger('Reminders');

/**
 * Runs reminder jobs and daily digests; the daily `reconcile` job of the job scheduler asks the scheduler for a full
 * pass.
 */
export class ReminderWorker {
  readonly worker: Worker<ReminderQueueData>;
  private readonly connection: Redis;

  constructor(
    settings: { redisUrl: string; prefix: string; concurrency: number; lockMs: number },
    /** The queue the scheduler fills: the worker waits out an early job on its terms (the application's clock). */
    timers: Pick<BullmqTimerQueue, 'delayOf'>,
    dispatcher: ReminderDispatcher,
    onReconcile: () => Promise<unknown>,
    digest?: DailyDigest,
  ) {
    // BullMQ's blocking commands must wait out an outage rather than fail: no retry limit per request.
    this.connection = new Redis(settings.redisUrl, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 200, 2_000) });
    this.connection.on('error', () => undefined);
    this.worker = new Worker<ReminderQueueData>(
      REMINDER_QUEUE,
      async (job: Job<ReminderQueueData>, token?: string) => {
        if (job.name === 'reconcile') return onReconcile();
        const attempts = job.opts.attempts ?? 1;
        const attempt = { number: job.attemptsMade + 1, last: job.attemptsMade + 1 >= attempts };
        if (job.name === 'digest') {
          if (!digest) throw new Error('a digest job reached a worker without daily digests');
          return digest.send(job.data as DigestJobData, attempt);
        }
        const result = await dispatcher.dispatch(job.data as ReminderJobData, attempt);
        if (result.outcome === 'early') {
          // Ran before its time by the application's clock (the clock was set back): wait for it again, that long
          // from now on BullMQ's wall clock.
          await job.moveToDelayed(Date.now() + timers.delayOf(result.fireAt), token);
          throw new DelayedError();
        }
        return result;
      },
      {
        connection: this.connection,
        prefix: settings.prefix,
        concurrency: settings.concurrency,
        autorun: false,
        // A job whose worker died is taken up again once its lock lapses; the dispatcher then finds its claims.
        lockDuration: settings.lockMs,
        stalledInterval: settings.lockMs,
      },
    );
    this.worker.on('failed', (job, error) => logger.warn(`job ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${error.message}`));
    this.worker.on('error', (error) => logger.debug?.(`worker: ${error.message}`));
  }

  start(): void {
    void this.worker.run().catch((error: unknown) => logger.error(`worker stopped: ${String(error)}`));
  }

  /** Graceful: waits for the jobs in hand to finish, then disconnects. */
  async stop(): Promise<void> {
    await this.worker.close();
    this.connection.disconnect();
  }
}
