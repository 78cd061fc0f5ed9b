import { type JobsOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Clock } from '../core/clock.port';
import type { Timer, TimerQueue, TimerState } from './timer-queue.port';

export const REMINDER_QUEUE = 'reminders';
/** How many addBulk calls (of ADD_BULK_SIZE jobs) are in flight at once: overlaps encoding here with Redis's work. */
export const ADD_BULK_CONCURRENCY = 4;
export const ADD_BULK_SIZE = 1_000;

export interface BullmqTimerSettings {
  redisUrl: string;
  /** BullMQ key prefix: each test uses its own. */
  prefix: string;
  attempts: number;
  backoffMs: number;
}

/** What every timer's job carries besides its own data: when it fires by the application's clock. */
type TimerJobData = { fireAt: number };

/**
 * Timers as BullMQ delayed jobs, through BullMQ's public API only. BullMQ counts delays on the wall clock, the
 * reminders on the application's clock (a test moves it): a delay is `fireAt` less the application's now, and the
 * time a job fires at is the `fireAt` its data carries. A timer whose time has come by the application's clock
 * while BullMQ still holds it is released (promoted) by {@link release}.
 *
 * Its own Redis connection queues nothing while Redis is down, so a caller never waits for it: it tells the
 * watcher instead, and reconnects.
 */
export class BullmqTimerQueue implements TimerQueue {
  readonly queue: Queue;
  private readonly connection: Redis;

  constructor(
    private readonly settings: BullmqTimerSettings,
    private readonly clock: Clock,
  ) {
    this.connection = new Redis(settings.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    const url = new URL(settings.redisUrl);
    this.queue = new Queue(REMINDER_QUEUE, {
      connection: {
        host: url.hostname,
        port: Number(url.port || 6379),
        ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
        ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
        db: Number(url.pathname.slice(1) || 0),
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        retryStrategy: (times: number) => Math.min(times * 200, 2_000),
      },
      prefix: settings.prefix,
    });
  }

  get reachable(): boolean {
    return this.connection.status === 'ready';
  }

  /** The connection's state, for an operator reading why the reminders stalled. */
  get connectionStatus(): string {
    return this.connection.status;
  }

  watch(listener: { up(): void; down(error: unknown): void }): void {
    this.connection.on('ready', () => listener.up());
    this.connection.on('error', (error) => listener.down(error));
    this.connection.on('end', () => listener.down(new Error('connection closed')));
    this.queue.on('error', (error) => listener.down(error));
  }

  open(): void {
    this.connection.connect().catch((error: unknown) => this.connection.emit('error', error));
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.connection.disconnect();
  }

  /**
   * Adds the jobs in addBulk calls of ADD_BULK_SIZE, ADD_BULK_CONCURRENCY at a time. A job due already is added
   * without delay, so it never needs releasing.
   */
  async schedule(timers: readonly Timer[]): Promise<void> {
    let next = 0;
    const addChunks = async (): Promise<void> => {
      while (next < timers.length) {
        const chunk = timers.slice(next, next + ADD_BULK_SIZE);
        next += ADD_BULK_SIZE;
        await this.queue.addBulk(chunk.map((timer) => ({ name: timer.name, data: timer.data, opts: { ...this.jobOptions(timer.fireAt), jobId: timer.id } })));
      }
    };
    await Promise.all(Array.from({ length: Math.min(ADD_BULK_CONCURRENCY, Math.ceil(timers.length / ADD_BULK_SIZE)) }, addChunks));
  }

  async cancel(ids: readonly string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.queue.remove(id)));
  }

  async move(id: string, fireAt: number): Promise<void> {
    const job = await this.queue.getJob(id);
    // A job may have left the delayed state meanwhile (released, running): nothing to move then.
    if (!job || !(await job.isDelayed())) return;
    await job.updateData({ ...(job.data as TimerJobData), fireAt });
    await job.changeDelay(this.delayOf(fireAt)).catch(() => undefined);
  }

  async waiting(): Promise<Map<string, number>> {
    const jobs = await this.queue.getDelayed();
    const waiting = new Map<string, number>();
    for (const job of jobs) if (job?.id !== undefined) waiting.set(job.id, (job.data as Partial<TimerJobData>).fireAt ?? job.timestamp + job.delay);
    return waiting;
  }

  async release(ids: readonly string[]): Promise<void> {
    await Promise.all(
      ids.map(async (id) => {
        const job = await this.queue.getJob(id);
        // Only a delayed job can be promoted; one already running or done refuses, which is what is wanted.
        await job?.promote().catch(() => undefined);
      }),
    );
  }

  async stateOf(id: string): Promise<TimerState | undefined> {
    const state = await this.queue.getJobState(id);
    if (state === 'active') return 'running';
    if (state === 'completed' || state === 'failed') return 'done';
    return state === 'unknown' ? undefined : 'waiting';
  }

  /** Wall-clock milliseconds until `fireAt` by the application's clock: the one place the two clocks meet. */
  delayOf(fireAt: number): number {
    return Math.max(0, fireAt - this.clock.now().getTime());
  }

  private jobOptions(fireAt: number): JobsOptions {
    return {
      delay: this.delayOf(fireAt),
      attempts: this.settings.attempts,
      backoff: { type: 'exponential', delay: this.settings.backoffMs },
      // Kept a while, so a reconcile that runs again does not add a reminder already handled (ids are deterministic).
      removeOnComplete: { age: 40 * 24 * 3600 },
      removeOnFail: { age: 90 * 24 * 3600 },
    };
  }
}
