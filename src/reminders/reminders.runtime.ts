import { Logger } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import type { SinergiConfig } from '../config/sinergi.config';
import type { Clock } from '../core/clock.port';
import type { EventStore } from '../core/event-store.port';
import type { ReadModelReader } from '../read-models/queries/read-model.reader';
import { OutboundTargets } from '../outbound/outbound-targets';
import type { RegionDirectory } from '../regions/domain/region-directory';
import type { RegionPolicies } from '../regions/region-policies.port';
import type { ContactDirectory } from '../regions/contact-directory';
import { DailyDigest } from './daily-digest';
import { DeadlineSource } from './deadline-source';
import { DeliveryWatch } from './delivery-watch';
import { ExpiryWatch } from './expiry-watch';
import { MailChannel, type ReminderChannel, WebhookChannel } from './reminder-channels';
import { ReminderDispatcher } from './reminder-dispatcher';
import { sendingUnitOf } from './reminder-message';
import type { ReminderPolicies } from './reminder-policies';
import { BullmqTimerQueue } from './bullmq.timer-queue';
import { ReminderScheduler } from './reminder-scheduler';
import { ReminderWorker } from './reminder-worker';

const logger = new Logger('Reminders');

export interface RemindersHealth {
  status: 'up' | 'degraded' | 'disabled';
  [detail: string]: unknown;
}

/** The reminders as /metrics counts them. `backlog` is unknown while Redis is out of reach. */
export interface ReminderGauges {
  enabled: boolean;
  redisUp: boolean;
  planned: number;
  backlog?: number;
  unconfirmed: number;
  givenUp: number;
}

/**
 * The reminder pipeline of this process: contacts and policies always (they are managed through the API even
 * when nothing is sent; both are events, read from the registry), and the scheduler, worker and channels when
 * Redis is configured.
 */
export class RemindersRuntime {
  readonly source: DeadlineSource;
  readonly scheduler?: ReminderScheduler<BullmqTimerQueue>;
  readonly worker?: ReminderWorker;
  readonly dispatcher?: ReminderDispatcher;
  readonly deliveries: DeliveryWatch;
  /** Records the end of every KSB and PKS on its day, reminders on or not. */
  readonly expiries: ExpiryWatch;
  /** Where webhooks may go: checked when a contact is saved and again when a delivery connects. */
  readonly webhookTargets: OutboundTargets;
  private readonly channels: ReminderChannel[] = [];

  constructor(
    private readonly config: SinergiConfig,
    readonly policies: ReminderPolicies,
    regionPolicies: RegionPolicies,
    readonly contacts: ContactDirectory,
    reader: ReadModelReader,
    events: EventStore,
    commands: CommandBus,
    clock: Clock,
    regions: RegionDirectory,
  ) {
    const settings = config.reminders;
    this.source = new DeadlineSource(reader, regionPolicies, clock);
    this.deliveries = new DeliveryWatch(events);
    this.expiries = new ExpiryWatch(reader, commands, clock);
    this.webhookTargets = OutboundTargets.fromList(settings.webhookAllow);
    if (!settings.redisUrl) return;
    if (settings.smtpUrl) this.channels.push(new MailChannel({ url: settings.smtpUrl, from: settings.mailFrom }));
    this.channels.push(new WebhookChannel(this.webhookTargets, clock));
    const redis = { redisUrl: settings.redisUrl, prefix: settings.queuePrefix };
    const timers = new BullmqTimerQueue({ ...redis, attempts: settings.attempts, backoffMs: settings.backoffMs }, clock);
    const scheduler = new ReminderScheduler({ pollMs: settings.pollMs }, timers, this.source, this.policies, clock);
    this.scheduler = scheduler;
    // A reminder for a contact who wants one message a day asks the scheduler for that day's digest.
    const senderOf = (code: string): string => sendingUnitOf(regions.find(code));
    this.dispatcher = new ReminderDispatcher({
      source: this.source,
      policies: this.policies,
      contacts,
      events,
      channels: this.channels,
      senderOf,
      clock,
      publicUrl: settings.publicUrl,
      digests: scheduler,
    });
    const digest = new DailyDigest(this.source, this.policies, contacts, events, this.channels, clock, settings.publicUrl, senderOf, this.dispatcher.inFlight);
    this.worker = new ReminderWorker(
      { ...redis, concurrency: settings.concurrency, lockMs: settings.lockMs ?? 30_000 },
      timers,
      this.dispatcher,
      () => scheduler.reconcileNow(),
      digest,
    );
  }

  start(): void {
    const settings = this.config.reminders;
    this.expiries.start();
    if (!this.scheduler || !this.worker) {
      logger.warn(`reminders are OFF: ${settings.disabledReason ?? 'no Redis'}. Commands work and expiries are recorded; no reminder is scheduled or sent.`);
      return;
    }
    if (!settings.smtpUrl) logger.warn('SINERGI_SMTP_URL is not set: reminders go to webhooks only, no e-mail is sent');
    this.scheduler.start();
    this.worker.start();
    // A daily full pass: catches whatever a missed poll or a moved clock left behind. Semester and monev reminders are
    // deadlines of the schedule like the others, with their exact dates per party, so they need no scheduler of their own.
    void this.scheduler.timers.queue
      .upsertJobScheduler('daily-reconcile', { pattern: '0 5 0 * * *', tz: 'Asia/Jakarta' }, { name: 'reconcile' })
      .catch((error: unknown) => logger.warn(`daily reconcile not scheduled yet: ${String(error)}`));
    logger.log(`reminders on: Redis ${redactedUrl(settings.redisUrl ?? '')}, queue prefix ${settings.queuePrefix}`);
  }

  async stop(): Promise<void> {
    await this.expiries.stop();
    await this.worker?.stop();
    await this.scheduler?.stop();
    for (const channel of this.channels) channel.close();
  }

  async gauges(): Promise<ReminderGauges> {
    if (!this.scheduler || !this.dispatcher) return { enabled: false, redisUp: false, planned: 0, unconfirmed: 0, givenUp: 0 };
    const scheduler = this.scheduler;
    const counts = scheduler.state === 'up' ? await scheduler.timers.queue.getJobCounts('waiting', 'active').catch(() => undefined) : undefined;
    const { unconfirmed, givenUp } = await this.deliveries.problems(this.dispatcher.inFlight);
    return {
      enabled: true,
      redisUp: counts !== undefined,
      planned: scheduler.plannedCount,
      ...(counts ? { backlog: (counts.waiting ?? 0) + (counts.active ?? 0) } : {}),
      unconfirmed: unconfirmed.count,
      givenUp: givenUp.count,
    };
  }

  async health(): Promise<RemindersHealth> {
    const settings = this.config.reminders;
    if (!this.scheduler || !this.dispatcher) return { status: 'disabled', reason: settings.disabledReason };
    const scheduler = this.scheduler;
    const counts =
      scheduler.state === 'up'
        ? await scheduler.timers.queue.getJobCounts('delayed', 'waiting', 'active', 'failed', 'completed').catch(() => undefined)
        : undefined;
    return {
      status: scheduler.state === 'up' ? 'up' : 'degraded',
      scheduler: scheduler.state,
      redis: redactedUrl(settings.redisUrl ?? ''),
      channels: this.channels.map((c) => c.name),
      planned: scheduler.plannedCount,
      ...(counts ? { queue: counts, backlog: (counts.waiting ?? 0) + (counts.active ?? 0) } : {}),
      ...(await this.deliveries.problems(this.dispatcher.inFlight)),
      ...(scheduler.lastReconcile ? { lastReconcile: scheduler.lastReconcile } : {}),
      ...(scheduler.lastError ? { error: scheduler.lastError } : {}),
    };
  }
}

function redactedUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
}
