import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_REMINDER_POLICY } from '../agreements/domain/policy';
import { Clock } from '../core/clock.port';
import { SqliteEventStore } from '../infrastructure/sqlite/sqlite.event-store';
import { followUpDeadline } from '../../test/support/follow-up-deadline';
import { coordinatorOf, registryNode, type RegistryNode } from '../../test/support/registry-node';
import type { AgreementDeadlines, DeadlineSchedule } from './deadline-source';
import { InMemoryTimerQueue } from './in-memory.timer-queue';
import { type Delivery, ReminderChannel } from './reminder-channels';
import { ReminderDispatcher, type ReminderJobData } from './reminder-dispatcher';
import { planReminders } from './reminder-plan';
import { ReminderPolicies } from './reminder-policies';
import { ReminderScheduler } from './reminder-scheduler';

// The reminder rules on the in-memory timer queue: planning, dispatch, escalation and cancellation, without Redis.
// The BullMQ adapter runs the same scheduler in the e2e specs of test/reminders.

const followUp = followUpDeadline;

class MovableClock extends Clock {
  constructor(public at: number) {
    super();
  }
  now(): Date {
    return new Date(this.at);
  }
}

/** The deadlines as a read model would give them, changed by the spec. */
class GivenSchedule implements DeadlineSchedule {
  private agreements = new Map<string, AgreementDeadlines>();
  private checkpoint = 0;

  constructor(private readonly clock: Clock) {}

  give(agreement: AgreementDeadlines): void {
    this.agreements.set(agreement.agreementId, { ...agreement, lastPosition: ++this.checkpoint });
  }

  async position() {
    return { generation: 1, checkpoint: this.checkpoint };
  }

  async changedSince(afterPosition: number): Promise<AgreementDeadlines[]> {
    return [...this.agreements.values()].filter((a) => a.lastPosition > afterPosition);
  }

  async of(agreementId: string): Promise<AgreementDeadlines | undefined> {
    return this.agreements.get(agreementId);
  }

  today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }
}

/** Keeps what it was given to send: the contact and the reminder step. */
class SentMessages extends ReminderChannel {
  readonly name = 'webhook' as const;
  readonly sent: { contactId: string; step: unknown }[] = [];

  addressOf(contact: { webhookUrl?: string }): string | undefined {
    return contact.webhookUrl;
  }

  async deliver({ deliveryId, contact, payload }: Delivery): Promise<string> {
    this.sent.push({ contactId: contact.contactId, step: payload.step });
    return deliveryId;
  }
}

describe('the reminder rules, on the in-memory timer queue', () => {
  let dir: string;
  let store: SqliteEventStore;
  let node: RegistryNode;
  let clock: MovableClock;
  let schedule: GivenSchedule;
  let timers: InMemoryTimerQueue;
  let scheduler: ReminderScheduler<InMemoryTimerQueue>;
  let dispatcher: ReminderDispatcher;
  let channel: SentMessages;
  const planned = planReminders(followUp, () => DEFAULT_REMINDER_POLICY, '2026-01-05');

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sinergi-reminder-rules-'));
    store = SqliteEventStore.open(join(dir, 'events.sqlite'));
    node = await registryNode(store);
    clock = new MovableClock(Date.parse('2026-01-05T03:00:00.000Z'));
    const policies = new ReminderPolicies(node.registry, node.processor);
    for (const [contactId, role] of [['dinkes-17', 'opd'], ['kadinkes-17', 'opd-head'], ['biro-17', 'coordinator']] as const) {
      const details = { role, name: contactId, webhookUrl: `https://hooks.example.go.id/${contactId}`, dailyDigest: false };
      await node.contacts.save('17', contactId, role === 'coordinator' ? details : { ...details, opd: 'Dinas Kesehatan' }, coordinatorOf('17'), clock.now());
    }
    schedule = new GivenSchedule(clock);
    schedule.give({ agreementId: 'a1', title: 'KSB Banten–Bengkulu', lastPosition: 0, deadlines: [followUp] });
    timers = new InMemoryTimerQueue(clock);
    scheduler = new ReminderScheduler({ pollMs: 3_600_000 }, timers, schedule, policies, clock);
    channel = new SentMessages();
    dispatcher = new ReminderDispatcher({
      source: schedule,
      policies,
      contacts: node.contacts,
      events: store,
      channels: [channel],
      senderOf: () => 'Biro Pemerintahan dan Otonomi Daerah Sekretariat Daerah Bengkulu',
      clock,
      publicUrl: 'https://sinergi.example.go.id',
    });
  });

  afterEach(async () => {
    await scheduler.stop();
    await node.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the timers due by the clock through the dispatcher, as the worker does; the outcome of each. */
  async function runDue(): Promise<string[]> {
    await scheduler.reconcileNow();
    const outcomes: string[] = [];
    for (const timer of timers.takeDue()) {
      outcomes.push((await dispatcher.dispatch(timer.data as ReminderJobData, { number: 1, last: false })).outcome);
      timers.finish(timer.id);
    }
    return outcomes;
  }

  it('plans one timer per step of the plan, each at its time', async () => {
    scheduler.start();
    const report = await scheduler.reconcileNow();

    expect(report).toMatchObject({ agreements: 1, desired: planned.length, removed: 0 });
    expect(await timers.waiting()).toEqual(new Map(planned.map((r) => [r.jobId, r.fireAt])));
    expect(await runDue()).toEqual([]);
  });

  it('sends a step once its time has come, to the OPD alone before the due date, and records it', async () => {
    const [dMinus7] = planned;
    clock.at = dMinus7.fireAt;

    expect(await runDue()).toEqual(['delivered']);

    expect(channel.sent).toEqual([{ contactId: 'dinkes-17', step: 'D-7' }]);
    expect((await store.readStream('reminders-a1')).map((e) => e.type)).toEqual(['ReminderClaimed', 'ReminderSent']);
    expect(await runDue()).toEqual([]);
  });

  it('escalates once overdue: the steps missed meanwhile are superseded, the escalation reaches the head and the coordinator', async () => {
    const e1 = planned.find((r) => r.step === 'E1');
    clock.at = e1!.fireAt;

    const outcomes = await runDue();

    expect(outcomes.filter((o) => o === 'delivered')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'delivered').every((o) => o === 'superseded')).toBe(true);
    expect(channel.sent.map((m) => m.contactId).sort()).toEqual(['biro-17', 'dinkes-17', 'kadinkes-17']);
    expect(new Set(channel.sent.map((m) => m.step))).toEqual(new Set(['E1']));
  });

  it('cancels every waiting timer once the deadline is gone (the follow-up done, the agreement ended)', async () => {
    await scheduler.reconcileNow();

    schedule.give({ agreementId: 'a1', title: 'KSB Banten–Bengkulu', lastPosition: 0, deadlines: [] });
    await scheduler.reconcileNow();

    expect(await timers.waiting()).toEqual(new Map());
    clock.at = planned[planned.length - 1].fireAt;
    expect(await runDue()).toEqual([]);
    expect(channel.sent).toEqual([]);
  });
});
