import type { EventStore } from '../core/event-store.port';
import type { ReminderEvent } from './reminder.events';

const REMINDER_STREAM_PREFIX = 'reminders-';
const BATCH = 5_000;
/** What /health lists of each kind; the counts are always complete. */
const LISTED = 100;

/** A delivery as the watch shows it: which reminder, to whom, since when. */
export interface WatchedDelivery {
  deliveryId: string;
  agreementId: string;
  channel: string;
  /** Who, by reference (the address stays in the region's contacts stream). */
  contactId: string;
  at: string;
  error?: string;
}

export interface DeliveryProblems {
  /** Claims without an outcome: the message may or may not have left, and is never sent again. */
  unconfirmed: { count: number; deliveries: WatchedDelivery[] };
  /** Deliveries whose retries ran out. */
  givenUp: { count: number; deliveries: WatchedDelivery[] };
}

/**
 * Every reminder delivery that needs an operator's eye, read from the event store (not from what one process saw):
 * claims that have no outcome, and deliveries that gave up. It reads the store's global order incrementally, so
 * the whole log is read once per process and then only what is new.
 */
export class DeliveryWatch {
  private checkpoint = 0;
  private readonly claimed = new Map<string, WatchedDelivery>();
  private readonly givenUp = new Map<string, WatchedDelivery>();
  private refreshing: Promise<void> | undefined;

  constructor(private readonly events: EventStore) {}

  /** Problems as of the store's head; `inFlight` are this process's own claims, being delivered right now. */
  async problems(inFlight: ReadonlySet<string> = new Set()): Promise<DeliveryProblems> {
    await this.refresh();
    const unconfirmed = [...this.claimed.values()].filter((delivery) => !inFlight.has(delivery.deliveryId));
    const givenUp = [...this.givenUp.values()];
    return {
      unconfirmed: { count: unconfirmed.length, deliveries: unconfirmed.slice(0, LISTED) },
      givenUp: { count: givenUp.length, deliveries: givenUp.slice(0, LISTED) },
    };
  }

  private refresh(): Promise<void> {
    // Concurrent callers share one pass: the checkpoint only moves forward.
    this.refreshing ??= this.readNew().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async readNew(): Promise<void> {
    for (;;) {
      const batch = await this.events.readAll(this.checkpoint, BATCH);
      for (const event of batch) {
        if (!event.streamId.startsWith(REMINDER_STREAM_PREFIX)) continue;
        this.apply(event.streamId.slice(REMINDER_STREAM_PREFIX.length), { type: event.type, data: event.data } as ReminderEvent, event.metadata.recordedAt);
      }
      if (batch.length > 0) this.checkpoint = batch[batch.length - 1].position;
      if (batch.length < BATCH) return;
    }
  }

  private apply(agreementId: string, event: ReminderEvent, at: string): void {
    switch (event.type) {
      case 'ReminderClaimed': {
        const { deliveryId, channel, contactId } = event.data;
        this.claimed.set(deliveryId, { deliveryId, agreementId, channel, contactId, at });
        break;
      }
      case 'ReminderSent':
        this.claimed.delete(event.data.deliveryId);
        break;
      case 'ReminderDeliveryFailed': {
        const { deliveryId, channel, error, givenUp } = event.data;
        const contactId = this.claimed.get(deliveryId)?.contactId ?? '';
        this.claimed.delete(deliveryId);
        if (givenUp) this.givenUp.set(deliveryId, { deliveryId, agreementId, channel, contactId, at, error });
        break;
      }
      default:
        break;
    }
  }
}
