import { Logger } from '@nestjs/common';
import { type JobsOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { addDays } from '../agreements/domain/dates';
import type { Clock } from '../core/clock.port';
import { DIGEST_JOB_PREFIX, type DigestJobData, digestJobIdOf } from './daily-digest';
import type { DeadlineSchedule } from './deadline-source';
import type { DigestRequests, ReminderJobData } from './reminder-dispatcher';
import { fireInstant, type PlannedReminder, planReminders } from './reminder-plan';
import type { ReminderPolicies } from './reminder-policies';
import type { Contact } from '../regions/contacts';

export const REMINDER_QUEUE = 'reminders';

/** The queue carries reminder jobs, daily digests, and the job scheduler's daily `reconcile` (no data of its own). */
export type ReminderQueueData = ReminderJobData | DigestJobData;

export interface SchedulerSettings {
  redisUrl: string;
  /** BullMQ key prefix: each test uses its own. */
  prefix: string;
  /** How often the read model's position is polled and due jobs are promoted. */
  pollMs: number;
  attempts: number;
  backoffMs: number;
}

export interface ReconcileReport {
  agreements: number;
  desired: number;
  added: number;
  removed: number;
  rescheduled: number;
}

export type SchedulerState = 'starting' | 'up' | 'redis-down' | 'stopped';

const logger = new Logger('Reminders');
/** A job whose time in Redis is this far from the one the clock and policy give is moved. */
const RESCHEDULE_TOLERANCE_MS = 60_000;
/** How many addBulk calls (of ADD_BULK_SIZE jobs) are in flight at once: overlaps encoding here with Redis's work. */
export const ADD_BULK_CONCURRENCY = 4;
export const ADD_BULK_SIZE = 1_000;
/** How many ids one pipelined look-up into the delayed set asks about. */
const LOOKUP_BATCH = 5_000;

/**
 * The most timers one agreement may hold in the shared Redis (which runs with noeviction: a full Redis stops
 * reminders for every region). The policy bounds each deadline's reminders; this bounds their sum. The soonest
 * reminders come first: the later ones are planned by a later reconcile, once the early ones are done.
 */
export const MAX_JOBS_PER_AGREEMENT = 2_000;

export function withinJobCap(agreementId: string, planned: PlannedReminder[]): PlannedReminder[] {
  if (planned.length <= MAX_JOBS_PER_AGREEMENT) return planned;
  logger.warn(`agreement ${agreementId} plans ${planned.length} reminder jobs; only the first ${MAX_JOBS_PER_AGREEMENT} are queued for now`);
  return [...planned].sort((a, b) => a.fireAt - b.fireAt).slice(0, MAX_JOBS_PER_AGREEMENT);
}

/**
 * Keeps BullMQ's delayed jobs equal to the reminder plan derived from the deadline schedule: adds what is missing,
 * removes what no longer applies, moves what changed time. It runs on start, whenever Redis comes back, whenever
 * the read model advances, and when a policy changes. Its Redis connection queues nothing while Redis is down, so a
 * command never waits for it; what fails is reconciled later, from the schedule.
 */
export class ReminderScheduler implements DigestRequests {
  readonly queue: Queue<ReminderQueueData>;
  private readonly connection: Redis;
  private stateNow: SchedulerState = 'starting';
  /** The plan as last reconciled, by agreement and job id: rebuilt in full after every restart or Redis outage. */
  private readonly planned = new Map<string, Map<string, PlannedReminder>>();
  private promoted = new Set<string>();
  /** Digest jobs this process queued and has not promoted yet, with when they are due by the application's clock. */
  private readonly digestsDue = new Map<string, number>();
  private seen: { generation: number; checkpoint: number; policyChanges: number } | undefined;
  private fullNeeded = true;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  lastReconcile: (ReconcileReport & { at: string; full: boolean }) | undefined;
  lastError: string | undefined;

  constructor(
    private readonly settings: SchedulerSettings,
    private readonly source: DeadlineSchedule,
    private readonly policies: ReminderPolicies,
    private readonly clock: Clock,
  ) {
    this.connection = new Redis(settings.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    this.connection.on('ready', () => {
      this.fullNeeded = true;
      this.kick();
    });
    this.connection.on('error', (error) => this.down(error));
    this.connection.on('end', () => this.down(new Error('connection closed')));
    const url = new URL(settings.redisUrl);
    this.queue = new Queue<ReminderQueueData>(REMINDER_QUEUE, {
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
    this.queue.on('error', (error) => this.down(error));
  }

  get state(): SchedulerState {
    return this.stateNow;
  }

  get plannedCount(): number {
    let count = 0;
    for (const jobs of this.planned.values()) count += jobs.size;
    return count;
  }

  start(): void {
    this.connection.connect().catch((error: unknown) => this.down(error));
    this.timer = setInterval(() => this.kick(), this.settings.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stateNow = 'stopped';
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.queue.close().catch(() => undefined);
    this.connection.disconnect();
  }

  /** Reconciles everything now (after the clock moved, in tests; after a policy change): resolves when done. */
  async reconcileNow(): Promise<ReconcileReport> {
    await this.running;
    this.fullNeeded = true;
    await this.tick();
    if (this.lastError && this.stateNow !== 'up') throw new Error(`reminders could not be reconciled: ${this.lastError}`);
    return this.lastReconcile ?? { agreements: 0, desired: 0, added: 0, removed: 0, rescheduled: 0 };
  }

  /** Resolves once the reminders have seen the read model up to `position` (after a command, in tests). */
  async caughtUp(position: number, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while ((this.seen?.checkpoint ?? 0) < position) {
      if (Date.now() > until) throw new Error(`reminders did not reach position ${position} in ${timeoutMs} ms (scheduler ${this.stateNow}, seen ${this.seen?.checkpoint}, redis ${this.connection.status}${this.lastError ? `: ${this.lastError}` : ""})`);
      this.kick();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await this.running;
  }

  private kick(): void {
    if (this.stateNow === 'stopped' || this.running) return;
    this.running = this.tick().finally(() => {
      this.running = undefined;
    });
  }

  private down(error: unknown): void {
    if (this.stateNow === 'stopped') return;
    const message = error instanceof Error ? error.message : String(error);
    if (this.stateNow !== 'redis-down') logger.warn(`Redis unavailable (${message}): commands go on; reminders are reconciled when it is back`);
    this.stateNow = 'redis-down';
    this.lastError = message;
    this.fullNeeded = true;
  }

  private async tick(): Promise<void> {
    if (this.connection.status !== 'ready') return;
    try {
      const position = await this.source.position();
      if (!position) return;
      const policyChanges = this.policies.changes;
      const full = this.fullNeeded || !this.seen || this.seen.generation !== position.generation || this.seen.policyChanges !== policyChanges;
      this.fullNeeded = false;
      const report = full ? await this.reconcileAll() : position.checkpoint > (this.seen?.checkpoint ?? 0) ? await this.reconcileChanged(this.seen?.checkpoint ?? 0) : undefined;
      if (report) this.lastReconcile = { ...report, at: new Date().toISOString(), full };
      this.seen = { ...position, policyChanges };
      await this.promoteDue();
      this.stateNow = 'up';
      this.lastError = undefined;
    } catch (error) {
      this.down(error);
    }
  }

  private desiredFor(agreements: Awaited<ReturnType<DeadlineSchedule['changedSince']>>): Map<string, Map<string, PlannedReminder>> {
    const today = this.source.today();
    const desired = new Map<string, Map<string, PlannedReminder>>();
    for (const agreement of agreements) {
      const planned: PlannedReminder[] = [];
      for (const deadline of agreement.deadlines) planned.push(...planReminders(deadline, (region) => this.policies.of(region).reminders, today));
      desired.set(agreement.agreementId, new Map(withinJobCap(agreement.agreementId, planned).map((reminder) => [reminder.jobId, reminder])));
    }
    return desired;
  }

  /** The whole plan against BullMQ's delayed jobs: after a start, a Redis outage, a rebuild, a policy change. */
  private async reconcileAll(): Promise<ReconcileReport> {
    const desired = this.desiredFor(await this.source.changedSince(0));
    const inRedis = await this.delayedJobs();
    const wanted = new Set<string>();
    const toAdd: PlannedReminder[] = [];
    const toMove: { jobId: string; delay: number }[] = [];
    for (const jobs of desired.values()) {
      for (const [jobId, reminder] of jobs) {
        wanted.add(jobId);
        const at = inRedis.get(jobId);
        if (at === undefined) toAdd.push(reminder);
        else if (Math.abs(at - this.realTimeOf(reminder.fireAt)) > RESCHEDULE_TOLERANCE_MS) toMove.push({ jobId, delay: this.delayOf(reminder.fireAt) });
      }
    }
    // Jobs of the job scheduler (`repeat:...`) are BullMQ's own, and digests are asked for by reminders: neither is planned.
    const stale = [...inRedis.keys()].filter((jobId) => !wanted.has(jobId) && !jobId.startsWith('repeat:') && !jobId.startsWith(DIGEST_JOB_PREFIX));
    this.promoted = new Set();
    await this.add(toAdd);
    await Promise.all(stale.map((jobId) => this.queue.remove(jobId)));
    // A job may have left the delayed state meanwhile (promoted, running): nothing to move then.
    await Promise.all(toMove.map(async ({ jobId, delay }) => (await this.queue.getJob(jobId))?.changeDelay(delay).catch(() => undefined)));
    this.planned.clear();
    for (const [agreementId, jobs] of desired) if (jobs.size > 0) this.planned.set(agreementId, jobs);
    if (toAdd.length + stale.length + toMove.length > 0) {
      logger.log(`reconciled ${desired.size} agreements: ${toAdd.length} jobs added, ${stale.length} removed, ${toMove.length} moved`);
    }
    return { agreements: desired.size, desired: wanted.size, added: toAdd.length, removed: stale.length, rescheduled: toMove.length };
  }

  /** Only the agreements the read model changed since `afterPosition`, against what was planned for them. */
  private async reconcileChanged(afterPosition: number): Promise<ReconcileReport> {
    const desired = this.desiredFor(await this.source.changedSince(afterPosition));
    const toAdd: PlannedReminder[] = [];
    const stale: string[] = [];
    for (const [agreementId, jobs] of desired) {
      const before = this.planned.get(agreementId) ?? new Map<string, PlannedReminder>();
      for (const [jobId, reminder] of jobs) if (!before.has(jobId)) toAdd.push(reminder);
      for (const jobId of before.keys()) if (!jobs.has(jobId)) stale.push(jobId);
    }
    await this.add(toAdd);
    await Promise.all(stale.map((jobId) => this.queue.remove(jobId)));
    for (const [agreementId, jobs] of desired) {
      if (jobs.size > 0) this.planned.set(agreementId, jobs);
      else this.planned.delete(agreementId);
    }
    let desiredCount = 0;
    for (const jobs of desired.values()) desiredCount += jobs.size;
    return { agreements: desired.size, desired: desiredCount, added: toAdd.length, removed: stale.length, rescheduled: 0 };
  }

  /**
   * Jobs due by the application's clock that BullMQ still holds as delayed: none with the system clock, but a clock
   * moved forward (tests, or a corrected clock) makes them due now. One pipelined look-up into the delayed set finds
   * which of the due jobs are still waiting there; only those are fetched and promoted.
   */
  private async promoteDue(): Promise<void> {
    const now = this.clock.now().getTime();
    const due: string[] = [];
    for (const jobs of this.planned.values()) {
      for (const [jobId, reminder] of jobs) if (reminder.fireAt <= now && !this.promoted.has(jobId)) due.push(jobId);
    }
    for (const [jobId, fireAt] of this.digestsDue) {
      if (fireAt > now) continue;
      due.push(jobId);
      this.digestsDue.delete(jobId);
    }
    if (due.length === 0) return;
    const stillDelayed = await this.inDelayedSet(due);
    await Promise.all(
      stillDelayed.map(async (jobId) => {
        const job = await this.queue.getJob(jobId);
        await job?.promote().catch(() => undefined);
      }),
    );
    for (const jobId of due) this.promoted.add(jobId);
  }

  /** Which of the ids are in BullMQ's delayed set, in one round trip per batch. */
  private async inDelayedSet(jobIds: readonly string[]): Promise<string[]> {
    const delayed: string[] = [];
    for (let i = 0; i < jobIds.length; i += LOOKUP_BATCH) {
      const batch = jobIds.slice(i, i + LOOKUP_BATCH);
      const pipeline = this.connection.pipeline();
      for (const jobId of batch) pipeline.zscore(this.queue.keys.delayed, jobId);
      const scores = (await pipeline.exec()) ?? [];
      scores.forEach(([error, score], k) => {
        if (error) throw error;
        if (score !== null) delayed.push(batch[k]);
      });
    }
    return delayed;
  }

  /**
   * Queues the contact's digest of `day` at the region's hour (at once when that is past). A digest that has already
   * started or finished cannot take another reminder, so the reminder waits for the next day's: it is still due
   * then, within the catch-up window, and recorded deliveries are never repeated.
   */
  async request(contact: Contact, day: string): Promise<void> {
    const hour = this.policies.of(contact.region).reminders.sendAtHour;
    const state = await this.queue.getJobState(digestJobIdOf(contact.contactId, day));
    const digestDay = state === 'active' || state === 'completed' || state === 'failed' ? addDays(day, 1) : day;
    const fireAt = fireInstant(digestDay, hour, contact.region);
    const jobId = digestJobIdOf(contact.contactId, digestDay);
    await this.queue.add('digest', { contactId: contact.contactId, day: digestDay, fireAt }, { ...this.jobOptions(fireAt), jobId });
    if (fireAt > this.clock.now().getTime()) this.digestsDue.set(jobId, fireAt);
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

  /**
   * Adds the jobs in addBulk calls of ADD_BULK_SIZE, ADD_BULK_CONCURRENCY at a time. A job already due by the
   * application's clock is added without delay, so it never needs promoting.
   */
  private async add(reminders: readonly PlannedReminder[]): Promise<void> {
    let next = 0;
    const addChunks = async (): Promise<void> => {
      while (next < reminders.length) {
        const chunk = reminders.slice(next, next + ADD_BULK_SIZE);
        next += ADD_BULK_SIZE;
        const jobs = chunk.map((reminder) => {
          const opts = { ...this.jobOptions(reminder.fireAt), jobId: reminder.jobId };
          if (opts.delay === 0) this.promoted.add(reminder.jobId);
          return {
            name: 'remind',
            data: { reminderId: reminder.reminderId, agreementId: reminder.agreementId, deadlineId: reminder.deadlineId, dueOn: reminder.dueOn, fireAt: reminder.fireAt },
            opts,
          };
        });
        await this.queue.addBulk(jobs);
      }
    };
    await Promise.all(Array.from({ length: Math.min(ADD_BULK_CONCURRENCY, Math.ceil(reminders.length / ADD_BULK_SIZE)) }, addChunks));
  }

  /** Delayed job ids with the real time each is due at (BullMQ scores delayed jobs by timestamp × 4096). */
  private async delayedJobs(): Promise<Map<string, number>> {
    const entries = await this.connection.zrange(this.queue.keys.delayed, '0', '-1', 'WITHSCORES');
    const jobs = new Map<string, number>();
    for (let i = 0; i < entries.length; i += 2) jobs.set(entries[i], Math.floor(Number(entries[i + 1]) / 4096));
    return jobs;
  }

  private delayOf(fireAt: number): number {
    return Math.max(0, fireAt - this.clock.now().getTime());
  }

  private realTimeOf(fireAt: number): number {
    return Date.now() + this.delayOf(fireAt);
  }
}
