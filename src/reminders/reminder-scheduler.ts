import { Logger } from '@nestjs/common';
import { addDays } from '../agreements/domain/dates';
import type { Clock } from '../core/clock.port';
import { DIGEST_JOB_PREFIX, type DigestJobData, digestJobIdOf } from './daily-digest';
import type { DeadlineSchedule } from './deadline-source';
import type { DigestRequests, ReminderJobData } from './reminder-dispatcher';
import { fireInstant, type PlannedReminder, planReminders } from './reminder-plan';
import type { ReminderPolicies } from './reminder-policies';
import type { Timer, TimerQueue } from './timer-queue.port';
import type { Contact } from '../regions/contacts';

/** The queue carries reminder jobs, daily digests, and the job scheduler's daily `reconcile` (no data of its own). */
export type ReminderQueueData = ReminderJobData | DigestJobData;

export interface SchedulerSettings {
  /** How often the read model's position is polled and due timers are released. */
  pollMs: number;
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
/** A timer whose time is this far from the one the clock and policy give is moved. */
const RESCHEDULE_TOLERANCE_MS = 60_000;

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
 * Keeps the waiting timers (TimerQueue: BullMQ's delayed jobs, or in memory) equal to the reminder plan derived from
 * the deadline schedule: adds what is missing, removes what no longer applies, moves what changed time. It runs on
 * start, whenever the queue is reachable again, whenever the read model advances, and when a policy changes. A
 * command never waits for it; what fails is reconciled later, from the schedule.
 */
export class ReminderScheduler<Timers extends TimerQueue = TimerQueue> implements DigestRequests {
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
    readonly timers: Timers,
    private readonly source: DeadlineSchedule,
    private readonly policies: ReminderPolicies,
    private readonly clock: Clock,
  ) {
    timers.watch({
      up: () => {
        this.fullNeeded = true;
        this.kick();
      },
      down: (error) => this.down(error),
    });
  }

  /** Down as soon as the queue's connection is lost, before the connection has told why. */
  get state(): SchedulerState {
    return this.stateNow === 'up' && !this.timers.reachable ? 'redis-down' : this.stateNow;
  }

  get plannedCount(): number {
    let count = 0;
    for (const jobs of this.planned.values()) count += jobs.size;
    return count;
  }

  start(): void {
    this.timers.open();
    this.timer = setInterval(() => this.kick(), this.settings.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stateNow = 'stopped';
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.timers.close();
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
      if (Date.now() > until) throw new Error(`reminders did not reach position ${position} in ${timeoutMs} ms (scheduler ${this.stateNow}, seen ${this.seen?.checkpoint}, queue ${this.timers.reachable ? 'reachable' : 'unreachable'}${this.lastError ? `: ${this.lastError}` : ""})`);
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
    if (!this.timers.reachable) return;
    try {
      const position = await this.source.position();
      if (!position) return;
      const policyChanges = this.policies.changes;
      const full = this.fullNeeded || !this.seen || this.seen.generation !== position.generation || this.seen.policyChanges !== policyChanges;
      this.fullNeeded = false;
      const report = full ? await this.reconcileAll() : position.checkpoint > (this.seen?.checkpoint ?? 0) ? await this.reconcileChanged(this.seen?.checkpoint ?? 0) : undefined;
      if (report) this.lastReconcile = { ...report, at: this.clock.now().toISOString(), full };
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

  /** The whole plan against the waiting timers: after a start, a Redis outage, a rebuild, a policy change. */
  private async reconcileAll(): Promise<ReconcileReport> {
    const desired = this.desiredFor(await this.source.changedSince(0));
    const inRedis = await this.timers.waiting();
    const wanted = new Set<string>();
    const toAdd: PlannedReminder[] = [];
    const toMove: PlannedReminder[] = [];
    for (const jobs of desired.values()) {
      for (const [jobId, reminder] of jobs) {
        wanted.add(jobId);
        const at = inRedis.get(jobId);
        if (at === undefined) toAdd.push(reminder);
        else if (Math.abs(at - reminder.fireAt) > RESCHEDULE_TOLERANCE_MS) toMove.push(reminder);
      }
    }
    // Jobs of the job scheduler (`repeat:...`) are BullMQ's own, and digests are asked for by reminders: neither is planned.
    const stale = [...inRedis.keys()].filter((jobId) => !wanted.has(jobId) && !jobId.startsWith('repeat:') && !jobId.startsWith(DIGEST_JOB_PREFIX));
    this.promoted = new Set();
    await this.add(toAdd);
    await this.timers.cancel(stale);
    await Promise.all(toMove.map((reminder) => this.timers.move(reminder.jobId, reminder.fireAt)));
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
    await this.timers.cancel(stale);
    for (const [agreementId, jobs] of desired) {
      if (jobs.size > 0) this.planned.set(agreementId, jobs);
      else this.planned.delete(agreementId);
    }
    let desiredCount = 0;
    for (const jobs of desired.values()) desiredCount += jobs.size;
    return { agreements: desired.size, desired: desiredCount, added: toAdd.length, removed: stale.length, rescheduled: 0 };
  }

  /**
   * Timers due by the application's clock that the queue still holds as waiting: none with the system clock, but a
   * clock moved forward (tests, or a corrected clock) makes them due now. Each is released once.
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
    await this.timers.release(due);
    for (const jobId of due) this.promoted.add(jobId);
  }

  /**
   * Queues the contact's digest of `day` at the region's hour (at once when that is past). A digest that has already
   * started or finished cannot take another reminder, so the reminder waits for the next day's: it is still due
   * then, within the catch-up window, and recorded deliveries are never repeated.
   */
  async request(contact: Contact, day: string): Promise<void> {
    const hour = this.policies.of(contact.region).reminders.sendAtHour;
    const state = await this.timers.stateOf(digestJobIdOf(contact.contactId, day));
    const digestDay = state === 'running' || state === 'done' ? addDays(day, 1) : day;
    const fireAt = fireInstant(digestDay, hour, contact.region);
    const jobId = digestJobIdOf(contact.contactId, digestDay);
    await this.timers.schedule([{ id: jobId, name: 'digest', data: { contactId: contact.contactId, day: digestDay, fireAt }, fireAt }]);
    if (fireAt > this.clock.now().getTime()) this.digestsDue.set(jobId, fireAt);
  }

  /** Adds the reminders' timers; one due already by the application's clock runs at once and needs no release. */
  private async add(reminders: readonly PlannedReminder[]): Promise<void> {
    const now = this.clock.now().getTime();
    const timers = reminders.map((reminder): Timer<ReminderJobData> => {
      if (reminder.fireAt <= now) this.promoted.add(reminder.jobId);
      const { reminderId, agreementId, deadlineId, dueOn, fireAt } = reminder;
      return { id: reminder.jobId, name: 'remind', data: { reminderId, agreementId, deadlineId, dueOn, fireAt }, fireAt };
    });
    await this.timers.schedule(timers);
  }
}
