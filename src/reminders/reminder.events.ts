import type { RecordedEvent } from '../core/event';

/** Reminders of an agreement are recorded in a stream of their own, beside the agreement's. */
export const reminderStreamId = (agreementId: string): string => `reminders-${agreementId}`;

export type ReminderChannelName = 'email' | 'webhook';

/** One reminder to one contact over one channel. */
export interface DeliveryIdentity {
  /** `<reminderId>|<contactId>|<channel>`: also the e-mail Message-ID and webhook id, so receivers can deduplicate. */
  deliveryId: string;
  reminderId: string;
  deadlineId: string;
  kind: string;
  dueOn: string;
  step: string;
  escalation: boolean;
  /**
   * Who was reminded, by reference: the contact, its region, and the position of the `ContactSaved` that gave the
   * address used (in `contacts-<region>`). The address and name stay in the region's own stream, out of the
   * agreement's record that every party reads and the hash chain keeps forever.
   */
  contactId: string;
  contactRegion: string;
  contactVersion: number;
  channel: ReminderChannelName;
  /** The daily digest that carried this reminder (`digest|<contactId>|<day>|<channel>`); absent when it went out alone. */
  digestId?: string;
}

/** A worker took this delivery attempt on: from here on the attempt is made at most once. */
export type ReminderClaimed = { type: 'ReminderClaimed'; data: DeliveryIdentity & { attempt: number } };
export type ReminderSent = {
  type: 'ReminderSent';
  data: { deliveryId: string; attempt: number; channel: ReminderChannelName; messageId: string; digestId?: string };
};
export type ReminderDeliveryFailed = {
  type: 'ReminderDeliveryFailed';
  data: { deliveryId: string; attempt: number; channel: ReminderChannelName; error: string; givenUp: boolean };
};
export type ReminderEvent = ReminderClaimed | ReminderSent | ReminderDeliveryFailed;

export type DeliveryOutcome = 'claimed' | 'sent' | 'failed' | 'given-up';

export interface DeliveryRecord {
  identity: DeliveryIdentity;
  /** Attempts claimed so far. */
  attempts: number;
  /** `claimed`: the last attempt has no outcome yet (in flight, or its worker died: unconfirmed). */
  outcome: DeliveryOutcome;
  claimedAt: string;
  settledAt?: string;
  error?: string;
}

/** Where each delivery of an agreement's reminders stands, from its reminder stream. */
export function deliveriesOf(events: readonly RecordedEvent[]): Map<string, DeliveryRecord> {
  const deliveries = new Map<string, DeliveryRecord>();
  for (const event of events) {
    const e = { type: event.type, data: event.data } as ReminderEvent;
    switch (e.type) {
      case 'ReminderClaimed': {
        const { attempt, ...identity } = e.data;
        deliveries.set(identity.deliveryId, { identity, attempts: attempt, outcome: 'claimed', claimedAt: event.metadata.recordedAt });
        break;
      }
      case 'ReminderSent': {
        const record = deliveries.get(e.data.deliveryId);
        if (record) Object.assign(record, { outcome: 'sent', settledAt: event.metadata.recordedAt, error: undefined });
        break;
      }
      case 'ReminderDeliveryFailed': {
        const record = deliveries.get(e.data.deliveryId);
        if (record) Object.assign(record, { outcome: e.data.givenUp ? 'given-up' : 'failed', settledAt: event.metadata.recordedAt, error: e.data.error });
        break;
      }
      default:
        break;
    }
  }
  return deliveries;
}
