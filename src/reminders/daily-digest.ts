import type { Recipient } from '../../projections/agreement-status/deadlines';
import type { Clock } from '../core/clock.port';
import type { EventStore } from '../core/event-store.port';
import type { DeadlineSchedule } from './deadline-source';
import type { ReminderChannel } from './reminder-channels';
import { claimDelivery, DeliveriesFailed, recordReminderEvent } from './reminder-dispatcher';
import { type DigestItem, digestMessage } from './reminder-message';
import { isSuperseded, jobIdOf, planReminders } from './reminder-plan';
import type { ReminderPolicies } from './reminder-policies';
import { type DeliveryRecord, deliveriesOf, reminderStreamId } from './reminder.events';
import type { ContactDirectory } from '../regions/contact-directory';
import type { Contact } from '../regions/contacts';

/** What a digest job carries: whose digest, and which day's. */
export interface DigestJobData {
  contactId: string;
  /** The day (Asia/Jakarta) the digest is for. */
  day: string;
  /** When it is due, epoch milliseconds by the application's clock. */
  fireAt: number;
}

/** One digest job per contact per day: however many reminders ask for it, it is queued once. */
export const digestJobIdOf = (contactId: string, day: string): string => jobIdOf(`digest|${contactId}|${day}`);
export const DIGEST_JOB_PREFIX = 'digest|';

/** The delivery id of a digest on one channel: its Message-ID and webhook id, so a receiver can drop a duplicate. */
export const digestDeliveryIdOf = (contactId: string, day: string, channel: string): string => `digest|${contactId}|${day}|${channel}`;

export type DigestResult =
  | { outcome: 'no-contact' }
  | { outcome: 'digest'; due: number; sent: number; skipped: number; unconfirmed: number };

/** Whether a recipient of a deadline is this contact, by the same rule as {@link ContactDirectory.contactsFor}. */
function standsFor(contact: Contact, recipient: Recipient): boolean {
  return (
    recipient.region === contact.region &&
    recipient.role === contact.role &&
    (contact.opd ?? '') === (recipient.role === 'coordinator' ? '' : (recipient.opd ?? ''))
  );
}

/**
 * Sends a contact who asked for a daily digest ONE message per channel with every reminder due for them, instead of
 * one per reminder. It reads the reminders from the schedule (not from the jobs that asked for it), and records each
 * one in its agreement's reminder stream exactly as a lone reminder is: claimed before the message leaves (idempotent
 * by key), then sent or failed, each naming the digest. A reminder recorded already is never in a later digest, and
 * a claim without outcome (its worker died with the digest in flight) is never sent again.
 */
export class DailyDigest {
  constructor(
    private readonly source: DeadlineSchedule,
    private readonly policies: ReminderPolicies,
    private readonly contacts: ContactDirectory,
    private readonly events: EventStore,
    private readonly channels: readonly ReminderChannel[],
    private readonly clock: Clock,
    private readonly publicUrl: string,
    /** The unit a digest to a region's people is sent in the name of. */
    private readonly senderOf: (region: string) => string,
    /** Shared with the dispatcher: deliveries under way in this process are not unconfirmed. */
    private readonly inFlight: Set<string>,
  ) {}

  async send(job: DigestJobData, attempt: { number: number; last: boolean }): Promise<DigestResult> {
    const contact = this.contacts.byId(job.contactId);
    if (!contact) return { outcome: 'no-contact' };
    const due = await this.dueFor(contact);
    const recorded = new Map<string, Map<string, DeliveryRecord>>();
    for (const agreementId of new Set(due.map((item) => item.reminder.agreementId))) {
      recorded.set(agreementId, deliveriesOf(await this.events.readStream(reminderStreamId(agreementId))));
    }
    const failures: string[] = [];
    let sent = 0;
    let skipped = 0;
    let unconfirmed = 0;
    for (const channel of this.channels) {
      if (!channel.addressOf(contact)) continue;
      const digestId = digestDeliveryIdOf(contact.contactId, job.day, channel.name);
      const claimed: { item: DigestItem; deliveryId: string; attempt: number; streamId: string }[] = [];
      for (const item of due) {
        const { reminder } = item;
        const target = { reminder, contact, channel: channel.name, digestId };
        const claim = await claimDelivery(this.events, this.clock, target, recorded.get(reminder.agreementId));
        if (claim === 'done') {
          skipped++;
          continue;
        }
        if (claim === 'unconfirmed') {
          unconfirmed++;
          continue;
        }
        claimed.push({ item, ...claim });
      }
      if (claimed.length === 0) continue;
      for (const { deliveryId } of claimed) this.inFlight.add(deliveryId);
      try {
        const message = digestMessage(
          claimed.map(({ item }) => item),
          { day: job.day, recipientName: contact.name, sender: this.senderOf(contact.region), publicUrl: this.publicUrl },
        );
        const messageId = await channel.deliver({
          deliveryId: digestId,
          contact,
          message,
          payload: {
            digest: true,
            day: job.day,
            reminders: claimed.map(({ item: { reminder }, deliveryId }) => ({
              deliveryId,
              agreementId: reminder.agreementId,
              deadlineId: reminder.deadlineId,
              kind: reminder.kind,
              dueOn: reminder.dueOn,
              step: reminder.step,
              escalation: reminder.escalation,
            })),
          },
        });
        for (const { deliveryId, attempt: deliveryAttempt, streamId } of claimed) {
          await this.record(
            streamId,
            { type: 'ReminderSent', data: { deliveryId, attempt: deliveryAttempt, channel: channel.name, messageId, digestId } },
            `sent|${deliveryId}|${deliveryAttempt}`,
          );
        }
        sent += claimed.length;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        for (const { deliveryId, attempt: deliveryAttempt, streamId } of claimed) {
          await this.record(
            streamId,
            { type: 'ReminderDeliveryFailed', data: { deliveryId, attempt: deliveryAttempt, channel: channel.name, error: reason, givenUp: attempt.last } },
            `failed|${deliveryId}|${deliveryAttempt}`,
          );
        }
        failures.push(`${digestId}: ${reason}`);
      } finally {
        for (const { deliveryId } of claimed) this.inFlight.delete(deliveryId);
      }
    }
    if (failures.length > 0) throw new DeliveriesFailed(failures);
    return { outcome: 'digest', due: due.length, sent, skipped, unconfirmed };
  }

  /**
   * The reminders due for the contact by now, read from the schedule as the dispatcher reads one: still planned
   * under today's policy (so within the catch-up window), not superseded by a later one of the same deadline.
   */
  private async dueFor(contact: Contact): Promise<DigestItem[]> {
    const now = this.clock.now().getTime();
    const today = this.source.today();
    const items: DigestItem[] = [];
    for (const agreement of await this.source.changedSince(0)) {
      for (const deadline of agreement.deadlines) {
        if (!deadline.recipients.some((recipient) => standsFor(contact, recipient))) continue;
        const plan = planReminders(deadline, (region) => this.policies.of(region).reminders, today);
        for (const reminder of plan) {
          if (reminder.fireAt > now || isSuperseded(reminder, plan, now)) continue;
          if (!reminder.recipients.some((recipient) => standsFor(contact, recipient))) continue;
          items.push({ reminder, agreementTitle: agreement.title, subject: deadline.subject.perihal });
        }
      }
    }
    return items.sort((a, b) => a.reminder.fireAt - b.reminder.fireAt || (a.reminder.reminderId < b.reminder.reminderId ? -1 : 1));
  }

  private record(streamId: string, event: Parameters<typeof recordReminderEvent>[3], idempotencyKey: string) {
    return recordReminderEvent(this.events, this.clock, streamId, event, idempotencyKey);
  }
}
