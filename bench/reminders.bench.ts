// Reminder scheduling and dispatch beside raw BullMQ in the same run, on a private redis-server:
// - scheduling: our scheduler plans and reconciles the reminders of 10,000 agreements (a follow-up and the KSB's end
//   each) into an empty queue, against raw `addBulk` of as many delayed jobs, in alternating rounds;
// - lateness: reminders falling due a few at a time (no backlog), run by our worker and dispatcher (claim, deliver,
//   record, on a durable SQLite store), against a raw BullMQ worker on delayed no-op jobs.
//   flags: --large (more rounds and samples), --agreements N
import 'reflect-metadata';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import type { Deadline } from '../projections/agreement-status/deadlines';
import { addDays } from '../src/agreements/domain/dates';
import { Clock } from '../src/core/clock.port';
import { SqliteEventStore } from '../src/infrastructure/sqlite/sqlite.event-store';
import type { AgreementDeadlines, DeadlineSchedule } from '../src/reminders/deadline-source';
import { type Delivery, ReminderChannel } from '../src/reminders/reminder-channels';
import { ReminderDispatcher } from '../src/reminders/reminder-dispatcher';
import { fireInstant } from '../src/reminders/reminder-plan';
import { ReminderPolicies } from '../src/reminders/reminder-policies';
import { ADD_BULK_CONCURRENCY, ADD_BULK_SIZE, BullmqTimerQueue, REMINDER_QUEUE } from '../src/reminders/bullmq.timer-queue';
import { ReminderScheduler } from '../src/reminders/reminder-scheduler';
import { ReminderWorker } from '../src/reminders/reminder-worker';
import { ContactDirectory } from '../src/regions/contact-directory';
import { Registry } from '../src/registry/registry';
import { SecretBox } from '../src/registry/secret-box';
import { CommandProcessor } from '../src/core/command-processor';
import type { Actor } from '../src/core/event';
import { randomBytes } from 'node:crypto';
import { PrivateRedis } from '../test/support/private-redis';
import { type BenchOptions, type BenchResult, fixed, percentile, progress, runBenchmark } from './support';

const TODAY = '2026-01-05';
const REGIONS = ['36', '17', '32', '31', '35', '33', '11', '12', '51', '73'];
const LEAD_MS = 300;
const PER_WAVE = 5;

/** A clock `offset` ms ahead of the system's: lets a benchmark put "now" just before a reminder's hour. */
class OffsetClock extends Clock {
  offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
}

/** The deadline schedule of synthetic agreements, held in memory (the read model is measured elsewhere). */
class InMemorySchedule implements DeadlineSchedule {
  private agreements = new Map<string, AgreementDeadlines>();
  private generation = 1;

  replace(agreements: readonly AgreementDeadlines[]): void {
    this.agreements = new Map(agreements.map((a) => [a.agreementId, a]));
    this.generation++;
  }

  async position() {
    return { generation: this.generation, checkpoint: 1 };
  }

  async changedSince(): Promise<AgreementDeadlines[]> {
    return [...this.agreements.values()];
  }

  async of(agreementId: string): Promise<AgreementDeadlines | undefined> {
    return this.agreements.get(agreementId);
  }

  today(): string {
    return TODAY;
  }
}

/** Delivers nowhere, noting how late each delivery left (by the benchmark's clock). */
class LatenessProbe extends ReminderChannel {
  readonly name = 'webhook' as const;
  readonly latenessMs: number[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly fireAtOf: (agreementId: string) => number,
  ) {
    super();
  }

  addressOf(contact: { webhookUrl?: string }): string | undefined {
    return contact.webhookUrl;
  }

  async deliver({ deliveryId, payload }: Delivery): Promise<string> {
    this.latenessMs.push(this.clock.now().getTime() - this.fireAtOf(String(payload.agreementId)));
    return deliveryId;
  }
}

const agreementId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** An agreement between two regions with a follow-up due in 2026 and the KSB ending in 2030. */
function schedulingAgreement(n: number): AgreementDeadlines {
  const id = agreementId(n);
  const [a, b] = [REGIONS[n % REGIONS.length], REGIONS[(n + 1) % REGIONS.length]];
  const deadline = (kind: Deadline['kind'], dueOn: string, subject: string, recipients: Deadline['recipients']): Deadline => ({
    deadlineId: `${id}/${kind}/${subject}`,
    kind,
    dueOn,
    agreementId: id,
    agreementTitle: `KSB ${n}`,
    subject: { id: subject, description: `Perihal ${subject}`, perihal: `Perihal ${subject}` },
    recipients,
  });
  return {
    agreementId: id,
    title: `KSB ${n}`,
    lastPosition: 1,
    deadlines: [
      deadline('follow-up-due', addDays('2026-03-01', n % 200), 'tl-1', [
        { region: b, role: 'opd', opd: 'Dinas Kesehatan' },
        { region: b, role: 'opd-head', opd: 'Dinas Kesehatan', onEscalation: true },
        { region: b, role: 'coordinator', onEscalation: true },
      ]),
      deadline('ksb-end', addDays('2030-10-24', n % 300), id, [
        { region: a, role: 'coordinator' },
        { region: b, role: 'coordinator' },
      ]),
    ],
  };
}

/** One requested visit unscheduled, due on `dueOn`: a single reminder, on the day, to the host's coordinators. */
function latencyAgreement(n: number, dueOn: string): AgreementDeadlines {
  const id = agreementId(1_000_000 + n);
  return {
    agreementId: id,
    title: `KSB ${n}`,
    lastPosition: 1,
    deadlines: [
      {
        deadlineId: `${id}/visit-scheduling/kunjungan-1`,
        kind: 'visit-scheduling',
        dueOn,
        agreementId: id,
        agreementTitle: `KSB ${n}`,
        subject: { id: 'kunjungan-1', description: 'Kunjungan balasan', perihal: 'Penjadwalan kunjungan balasan' },
        recipients: [{ region: '17', role: 'coordinator' }],
      },
    ],
  };
}

/**
 * Raw BullMQ: as many delayed jobs with the same options, added the way our scheduler adds them (ADD_BULK_SIZE per
 * call, ADD_BULK_CONCURRENCY calls in flight), timed from a connection that is ready, as ours is.
 */
async function rawAddBulk(redis: PrivateRedis, prefix: string, jobs: number): Promise<number> {
  const queue = new Queue(REMINDER_QUEUE, { connection: { host: '127.0.0.1', port: redis.port }, prefix });
  await queue.waitUntilReady();
  let next = 0;
  const addChunks = async (): Promise<void> => {
    while (next < jobs) {
      const i = next;
      next += ADD_BULK_SIZE;
      await queue.addBulk(
        Array.from({ length: Math.min(ADD_BULK_SIZE, jobs - i) }, (_, k) => ({
          name: 'remind',
          data: { reminderId: `raw-${i + k}`, agreementId: agreementId(i + k), deadlineId: 'd', dueOn: '2026-03-01', fireAt: 0 },
          opts: { jobId: `raw|${i + k}`, delay: 86_400_000 + (i + k), attempts: 5, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: { age: 3_456_000 }, removeOnFail: { age: 7_776_000 } },
        })),
      );
    }
  };
  const begin = performance.now();
  await Promise.all(Array.from({ length: ADD_BULK_CONCURRENCY }, addChunks));
  const elapsed = performance.now() - begin;
  await queue.obliterate({ force: true });
  await queue.close();
  return elapsed;
}

async function ourScheduling(redis: PrivateRedis, prefix: string, schedule: InMemorySchedule, policies: ReminderPolicies): Promise<{ ms: number; jobs: number }> {
  // "Now" is the schedule's day, as in production: every planned reminder lies ahead and is added delayed, like raw's.
  const clock = new OffsetClock();
  clock.offset = Date.parse(`${TODAY}T00:00:00+07:00`) - Date.now();
  const timers = new BullmqTimerQueue({ redisUrl: redis.url, prefix, attempts: 5, backoffMs: 30_000 }, clock);
  const scheduler = new ReminderScheduler({ pollMs: 3_600_000 }, timers, schedule, policies, clock);
  scheduler.start();
  // The first pass runs on connection: wait for it to finish, so the timed pass is the only one under way.
  for (let i = 0; scheduler.state !== 'up' && i < 2_400; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  await scheduler.timers.queue.obliterate({ force: true });
  const begin = performance.now();
  const report = await scheduler.reconcileNow();
  const ms = performance.now() - begin;
  await scheduler.timers.queue.obliterate({ force: true });
  await scheduler.stop();
  return { ms, jobs: report.added };
}

async function rawLateness(redis: PrivateRedis, prefix: string, waves: number): Promise<number[]> {
  const connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null };
  const queue = new Queue('raw-lateness', { connection, prefix });
  const lateness: number[] = [];
  const worker = new Worker(
    'raw-lateness',
    async (job) => {
      lateness.push(Date.now() - (job.timestamp + (job.opts.delay ?? 0)));
    },
    { connection, prefix, concurrency: 10 },
  );
  await worker.waitUntilReady();
  for (let wave = 0; wave < waves; wave++) {
    await queue.addBulk(Array.from({ length: PER_WAVE }, (_, k) => ({ name: 'raw', data: {}, opts: { jobId: `w${wave}-${k}`, delay: LEAD_MS } })));
    const until = (wave + 1) * PER_WAVE;
    while (lateness.length < until) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return lateness;
}

const BENCH_OPERATOR: Actor = { userId: 'bench', role: 'admin', region: 'deployment' };

/** Contacts and policies as the server keeps them: events, folded by a registry. */
async function registryOn(events: SqliteEventStore) {
  const secrets = SecretBox.fromKey(randomBytes(32));
  const registry = new Registry(secrets);
  await registry.start(events);
  const processor = new CommandProcessor(events);
  return { registry, processor, contacts: new ContactDirectory(processor, registry, secrets) };
}

async function ourLateness(redis: PrivateRedis, prefix: string, options: BenchOptions, waves: number): Promise<number[]> {
  const events = SqliteEventStore.open(join(options.dataDir, 'lateness-events.sqlite'));
  const { registry, processor, contacts } = await registryOn(events);
  await contacts.save('17', 'biro-17', { role: 'coordinator', name: 'Biro Pemerintahan Bengkulu', webhookUrl: 'http://127.0.0.1:9/wa', dailyDigest: false }, BENCH_OPERATOR, new Date());
  const policies = new ReminderPolicies(registry, processor);
  const schedule = new InMemorySchedule();
  const clock = new OffsetClock();
  const fireAt = new Map<string, number>();
  const probe = new LatenessProbe(clock, (id) => fireAt.get(id) ?? Number.NaN);
  const sender = 'Biro Pemerintahan dan Otonomi Daerah Sekretariat Daerah Bengkulu';
  const dispatcher = new ReminderDispatcher({ source: schedule, policies, contacts, events, channels: [probe], senderOf: () => sender, clock, publicUrl: 'https://sinergi.test' });
  const timers = new BullmqTimerQueue({ redisUrl: redis.url, prefix, attempts: 3, backoffMs: 100 }, clock);
  const scheduler = new ReminderScheduler({ pollMs: 100 }, timers, schedule, policies, clock);
  const worker = new ReminderWorker({ redisUrl: redis.url, prefix, concurrency: 10, lockMs: 30_000 }, timers, dispatcher, () => scheduler.reconcileNow());
  scheduler.start();
  worker.start();
  await worker.worker.waitUntilReady();
  const hour = policies.of('17').reminders.sendAtHour;
  for (let wave = 0; wave < waves; wave++) {
    const dueOn = addDays(TODAY, wave + 1);
    const agreements = Array.from({ length: PER_WAVE }, (_, k) => latencyAgreement(wave * PER_WAVE + k, dueOn));
    for (const a of agreements) fireAt.set(a.agreementId, fireInstant(dueOn, hour, '17'));
    // "Now" is LEAD_MS before the wave's reminders are due.
    clock.offset = fireInstant(dueOn, hour, '17') - Date.now() - LEAD_MS;
    schedule.replace(agreements);
    await scheduler.reconcileNow();
    const until = (wave + 1) * PER_WAVE;
    while (probe.latenessMs.length < until) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await worker.stop();
  await scheduler.timers.queue.obliterate({ force: true });
  await scheduler.stop();
  await registry.close();
  await events.close();
  return probe.latenessMs;
}

async function run(options: BenchOptions): Promise<BenchResult> {
  const agreements = options.agreements ?? 10_000;
  const rounds = options.large ? 3 : 2;
  const waves = options.large ? 100 : 40;
  const redis = await PrivateRedis.start();
  try {
    const events = SqliteEventStore.open(join(options.dataDir, 'policy-events.sqlite'));
    const { registry, processor } = await registryOn(events);
    const policies = new ReminderPolicies(registry, processor);
    const schedule = new InMemorySchedule();
    schedule.replace(Array.from({ length: agreements }, (_, n) => schedulingAgreement(n)));

    const ratios: number[] = [];
    let ours = { ms: 0, jobs: 0 };
    let rawMs = 0;
    for (let round = 0; round < rounds; round++) {
      progress(`scheduling round ${round + 1} of ${rounds}: ${agreements.toLocaleString('en')} agreements`);
      const mine = await ourScheduling(redis, `ours-${round}`, schedule, policies);
      const raw = await rawAddBulk(redis, `raw-${round}`, mine.jobs);
      ratios.push(mine.ms > 0 ? raw / mine.ms : 0);
      ours = { ms: ours.ms + mine.ms / rounds, jobs: mine.jobs };
      rawMs += raw / rounds;
    }
    await registry.close();
    await events.close();
    // A true median: with an even number of rounds, the mean of the middle two (not the higher one).
    const sorted = ratios.sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    const ratio = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;

    progress(`lateness: ${waves} waves of ${PER_WAVE} reminders due ${LEAD_MS} ms after they are scheduled`);
    const rawLate = Float64Array.from(await rawLateness(redis, 'raw-late', waves)).sort();
    const ourLate = Float64Array.from(await ourLateness(redis, 'ours-late', options, waves)).sort();

    const ourRate = ours.jobs / (ours.ms / 1000);
    const rawRate = ours.jobs / (rawMs / 1000);
    const figures = {
      'reminders.agreements': agreements,
      'reminders.scheduled_jobs': ours.jobs,
      'reminders.schedule_jobs_per_s': ourRate,
      'reminders.raw_add_bulk_jobs_per_s': rawRate,
      'reminders.schedule_ratio': ratio,
      'reminders.schedule_ratio_min': sorted[0],
      'reminders.lateness_p50_ms': percentile(ourLate, 0.5),
      'reminders.lateness_p99_ms': percentile(ourLate, 0.99),
      'reminders.raw_lateness_p50_ms': percentile(rawLate, 0.5),
      'reminders.raw_lateness_p99_ms': percentile(rawLate, 0.99),
    };
    return {
      title: `Reminders: scheduling ${agreements.toLocaleString('en')} agreements, and dispatch lateness, beside raw BullMQ`,
      rows: [
        ['what', 'jobs', 'jobs/s', 'raw jobs/s', '× raw', 'p50 ms', 'p99 ms', 'raw p50 ms', 'raw p99 ms'],
        ['schedule (plan + reconcile into an empty queue)', ours.jobs, fixed(ourRate, 0), fixed(rawRate, 0), `${fixed(ratio, 2)}×`, '', '', '', ''],
        [
          'dispatch lateness, no backlog',
          ourLate.length,
          '',
          '',
          '',
          fixed(figures['reminders.lateness_p50_ms'], 1),
          fixed(figures['reminders.lateness_p99_ms'], 1),
          fixed(figures['reminders.raw_lateness_p50_ms'], 1),
          fixed(figures['reminders.raw_lateness_p99_ms'], 1),
        ],
      ],
      figures,
      notes: [
        `raw: Queue.addBulk of as many delayed jobs, same options, ${ADD_BULK_SIZE.toLocaleString('en')} per call and ${ADD_BULK_CONCURRENCY} calls in flight as ours;`,
        `  both timed on a ready connection; median of ${rounds} alternating rounds (goal: × raw ≥ 0.5).`,
        'schedule: our scheduler plans every deadline under each region\'s policy, reads the delayed set, and adds what is missing.',
        `lateness: ${waves} waves of ${PER_WAVE} reminders due ${LEAD_MS} ms ahead; ours = due time to delivery through the worker and the`,
        '  dispatcher (claim and sent recorded in a durable SQLite store); raw = a BullMQ worker on no-op delayed jobs (goal: p99 < 1000 ms).',
      ],
    };
  } finally {
    await redis.stop();
  }
}

runBenchmark(run);
