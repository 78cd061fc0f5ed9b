import type { Clock } from '../core/clock.port';
import type { Actor } from '../core/event';
import { EVENT_SCHEMA_VERSION } from '../core/event';
import type { EventStore } from '../core/event-store.port';
import { newEventId } from '../core/event-id';
import { tracing } from '../core/tracing';
import type { DeadlineSchedule } from './deadline-source';
import type { ReminderChannel } from './reminder-channels';
import { reminderMessage } from './reminder-message';
import { isSuperseded, type PlannedReminder, planReminders } from './reminder-plan';
import type { ReminderPolicies } from './reminder-policies';
import {
  type DeliveryIdentity,
  type DeliveryRecord,
  deliveriesOf,
  type ReminderChannelName,
  type ReminderEvent,
  reminderStreamId,
} from './reminder.events';
import type { ContactDirectory } from '../regions/contact-directory';
import type { Contact } from '../regions/contacts';

/** What a reminder job carries: enough to find its reminder again in the schedule, nothing to trust blindly. */
export interface ReminderJobData {
  reminderId: string;
  agreementId: string;
  deadlineId: string;
  dueOn: string;
  fireAt: number;
}

export type DispatchResult =
  | { outcome: 'no-longer-due' | 'not-planned' | 'superseded' }
  | { outcome: 'early'; fireAt: number }
  | { outcome: 'delivered'; sent: number; skipped: number; unconfirmed: number; digested: number };

/** Where a reminder for a contact who wants one message a day goes instead: that day's digest (port: the scheduler). */
export interface DigestRequests {
  /** Makes sure a digest of the contact goes out on `day` (or, when that day's has gone already, on the next). */
  request(contact: Contact, day: string): Promise<void>;
}

/** Some deliveries failed and may be tried again: the job is retried, with backoff. */
export class DeliveriesFailed extends Error {
  constructor(readonly failures: string[]) {
    super(`${failures.length} deliveries failed: ${failures.join('; ')}`);
    this.name = 'DeliveriesFailed';
  }
}

/** The engine, as the events it records name it. */
export const REMINDER_ENGINE: Actor = { userId: 'sinergi-reminders', role: 'system', region: 'system' };

export interface ReminderDispatcherOptions {
  source: DeadlineSchedule;
  policies: ReminderPolicies;
  contacts: ContactDirectory;
  events: EventStore;
  channels: readonly ReminderChannel[];
  /** The unit a reminder to a region's people is sent in the name of (its Biro Pemerintahan or Bagian Kerja Sama). */
  senderOf: (region: string) => string;
  clock: Clock;
  /** Where the links of a message lead. */
  publicUrl: string;
  /** Where a reminder for a contact who wants one message a day goes (the scheduler); without it, it is sent alone. */
  digests?: DigestRequests;
}

/**
 * Runs one reminder job. It trusts nothing the job says: the deadline must still be pending, the reminder still
 * planned under today's policy, and each delivery not yet recorded. Each delivery attempt is claimed (an event,
 * idempotent by key) before the message leaves, so a claimed attempt is made at most once: a worker that dies
 * mid-delivery leaves a claim without outcome (unconfirmed) that no one repeats.
 */
export class ReminderDispatcher {
  /** Deliveries this process has claimed and is sending right now: not unconfirmed, merely under way. */
  readonly inFlight = new Set<string>();

  private readonly source: DeadlineSchedule;
  private readonly policies: ReminderPolicies;
  private readonly contacts: ContactDirectory;
  private readonly events: EventStore;
  private readonly channels: readonly ReminderChannel[];
  private readonly senderOf: (region: string) => string;
  private readonly clock: Clock;
  private readonly publicUrl: string;
  private readonly digests?: DigestRequests;

  constructor(options: ReminderDispatcherOptions) {
    ({
      source: this.source,
      policies: this.policies,
      contacts: this.contacts,
      events: this.events,
      channels: this.channels,
      senderOf: this.senderOf,
      clock: this.clock,
      publicUrl: this.publicUrl,
      digests: this.digests,
    } = options);
  }

  dispatch(job: ReminderJobData, attempt: { number: number; last: boolean }): Promise<DispatchResult> {
    const about = { 'sinergi.reminder': job.reminderId, 'sinergi.agreement': job.agreementId, 'sinergi.attempt': attempt.number };
    return tracing().inSpan(
      'reminder dispatch',
      about,
      async (span) => {
        const result = await this.dispatchJob(job, attempt);
        span.setAttributes({ 'sinergi.reminder.outcome': result.outcome });
        if (result.outcome === 'delivered') span.setAttributes({ 'sinergi.deliveries.sent': result.sent, 'sinergi.deliveries.digested': result.digested });
        return result;
      },
      { root: true },
    );
  }

  private async dispatchJob(job: ReminderJobData, attempt: { number: number; last: boolean }): Promise<DispatchResult> {
    const agreement = await this.source.of(job.agreementId);
    const deadline = agreement?.deadlines.find((d) => d.deadlineId === job.deadlineId && d.dueOn === job.dueOn);
    if (!agreement || !deadline) return { outcome: 'no-longer-due' };
    const now = this.clock.now().getTime();
    const plan = planReminders(deadline, (region) => this.policies.of(region).reminders, this.source.today());
    const reminder = plan.find((p) => p.reminderId === job.reminderId);
    if (!reminder) return { outcome: 'not-planned' };
    if (reminder.fireAt > now) return { outcome: 'early', fireAt: reminder.fireAt };
    if (isSuperseded(reminder, plan, now)) return { outcome: 'superseded' };
    return this.deliver(reminder, { title: agreement.title, subject: deadline.subject.perihal }, attempt);
  }

  private async deliver(
    reminder: PlannedReminder,
    about: { title: string; subject: string },
    attempt: { number: number; last: boolean },
  ): Promise<DispatchResult> {
    const streamId = reminderStreamId(reminder.agreementId);
    const recorded = deliveriesOf(await this.events.readStream(streamId));
    const failures: string[] = [];
    let sent = 0;
    let skipped = 0;
    let unconfirmed = 0;
    let digested = 0;
    for (const recipient of reminder.recipients) {
      for (const contact of this.contacts.contactsFor(recipient)) {
        if (contact.dailyDigest && this.digests) {
          // The digest gathers its reminders from the schedule itself: this job only makes sure the day's digest runs.
          const pending = this.channels.some((channel) => {
            if (!channel.addressOf(contact)) return false;
            const outcome = recorded.get(deliveryIdOf(reminder, contact, channel.name))?.outcome;
            return outcome === undefined || outcome === 'failed';
          });
          if (pending) await this.digests.request(contact, this.source.today());
          digested++;
          continue;
        }
        for (const channel of this.channels) {
          if (!channel.addressOf(contact)) continue;
          const claim = await claimDelivery(this.events, this.clock, { reminder, contact, channel: channel.name }, recorded);
          if (claim === 'done') {
            skipped++;
            continue;
          }
          if (claim === 'unconfirmed') {
            unconfirmed++;
            continue;
          }
          const { deliveryId, attempt: deliveryAttempt } = claim;
          this.inFlight.add(deliveryId);
          try {
            const message = reminderMessage(reminder, {
              agreementTitle: about.title,
              subject: about.subject,
              recipientName: contact.name,
              sender: this.senderOf(contact.region),
              publicUrl: this.publicUrl,
            });
            const messageId = await channel.deliver({
              deliveryId,
              contact,
              message,
              payload: { agreementId: reminder.agreementId, deadlineId: reminder.deadlineId, kind: reminder.kind, dueOn: reminder.dueOn, step: reminder.step, escalation: reminder.escalation },
            });
            await this.record(streamId, { type: 'ReminderSent', data: { deliveryId, attempt: deliveryAttempt, channel: channel.name, messageId } }, `sent|${deliveryId}|${deliveryAttempt}`);
            sent++;
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            await this.record(
              streamId,
              { type: 'ReminderDeliveryFailed', data: { deliveryId, attempt: deliveryAttempt, channel: channel.name, error: reason, givenUp: attempt.last } },
              `failed|${deliveryId}|${deliveryAttempt}`,
            );
            failures.push(`${deliveryId}: ${reason}`);
          } finally {
            this.inFlight.delete(deliveryId);
          }
        }
      }
    }
    if (failures.length > 0) throw new DeliveriesFailed(failures);
    return { outcome: 'delivered', sent, skipped, unconfirmed, digested };
  }

  private record(streamId: string, event: ReminderEvent, idempotencyKey: string) {
    return recordReminderEvent(this.events, this.clock, streamId, event, idempotencyKey);
  }
}

/** `<reminderId>|<contactId>|<channel>`: one reminder to one contact over one channel. */
export const deliveryIdOf = (reminder: PlannedReminder, contact: Contact, channel: ReminderChannelName): string =>
  `${reminder.reminderId}|${contact.contactId}|${channel}`;

/**
 * Claims the next attempt of one delivery, alone or in a digest. `done`: it was sent or given up. `unconfirmed`:
 * its last claim has no outcome (its worker died, the message may have left) or another worker claimed it just
 * now; either way it is never sent twice.
 */
export async function claimDelivery(
  events: EventStore,
  clock: Clock,
  target: { reminder: PlannedReminder; contact: Contact; channel: ReminderChannelName; digestId?: string },
  recorded: ReadonlyMap<string, DeliveryRecord> | undefined,
): Promise<{ deliveryId: string; attempt: number; streamId: string } | 'done' | 'unconfirmed'> {
  const { reminder, contact, channel, digestId } = target;
  const deliveryId = deliveryIdOf(reminder, contact, channel);
  const before = recorded?.get(deliveryId);
  if (before?.outcome === 'sent' || before?.outcome === 'given-up') return 'done';
  if (before?.outcome === 'claimed') return 'unconfirmed';
  const attempt = (before?.attempts ?? 0) + 1;
  const identity: DeliveryIdentity = {
    deliveryId,
    reminderId: reminder.reminderId,
    deadlineId: reminder.deadlineId,
    kind: reminder.kind,
    dueOn: reminder.dueOn,
    step: reminder.step,
    escalation: reminder.escalation,
    contactId: contact.contactId,
    contactRegion: contact.region,
    contactVersion: contact.version,
    channel,
    ...(digestId ? { digestId } : {}),
  };
  const streamId = reminderStreamId(reminder.agreementId);
  const claim = await recordReminderEvent(events, clock, streamId, { type: 'ReminderClaimed', data: { ...identity, attempt } }, `claim|${deliveryId}|${attempt}`);
  return claim.replayed ? 'unconfirmed' : { deliveryId, attempt, streamId };
}

/** Appends one reminder event to an agreement's reminder stream, idempotent by key (a replay reports `replayed`). */
export function recordReminderEvent(events: EventStore, clock: Clock, streamId: string, event: ReminderEvent, idempotencyKey: string) {
  return events.append(
    streamId,
    [
      {
        id: newEventId(),
        type: event.type,
        schemaVersion: EVENT_SCHEMA_VERSION,
        data: event.data,
        metadata: {
          actor: REMINDER_ENGINE,
          occurredAt: clock.now().toISOString(),
          correlationId: event.data.deliveryId,
          causationId: event.data.deliveryId,
          idempotencyKey,
        },
      },
    ],
    'any',
    { idempotencyKey },
  );
}
