import { AsyncLocalStorage } from 'node:async_hooks';
import type { RecordedEvent } from '../core/event';
import type { Subscription } from '../core/event-store.port';
import { prefixEnd } from '../core/recorded-events';
import { PositionWaiters } from './position-waiters';

export const SUBSCRIPTION_BATCH = 500;
const LONGEST_RETRY_DELAY_MS = 5000;

/** Which subscription's handler is running, so that closing from inside the handler does not wait for itself. */
const runningHandler = new AsyncLocalStorage<PollingSubscription>();

/**
 * One read of a polling subscription: the events to deliver after a position, at most `SUBSCRIPTION_BATCH`, and
 * how far the log was read for them (past the events of streams it does not deliver). A full batch may have more
 * behind it.
 */
export interface SubscriptionRead {
  events: RecordedEvent[];
  upTo: number;
}

/** A read of every event: the log is read up to the last event delivered. */
export const everyEvent = (events: RecordedEvent[], afterPosition: number): SubscriptionRead => ({
  events,
  upTo: events.at(-1)?.position ?? afterPosition,
});

/** The streams a subscription delivers as SQL ranges on `stream_id` (`>= from AND < to`), one per prefix. */
export const prefixRanges = (prefixes: readonly string[]): { from: string; to: string }[] =>
  prefixes.map((prefix) => ({ from: prefix, to: prefixEnd(prefix) }));

/**
 * The subscription of the stores that poll: catches up in batches, then sleeps until a commit is announced
 * (`notify`: by this process, or by another one where the store can tell, like PostgreSQL's LISTEN) or the poll
 * interval passes, which is how commits by other processes are seen otherwise. A failed read (a dropped
 * connection, a busy file) is retried with backoff from the last delivered position; only a failing handler
 * stops the subscription.
 */
export class PollingSubscription implements Subscription {
  private closed = false;
  private committedSinceRead = false;
  private wake: (() => void) | undefined;
  private readonly done: Promise<void>;
  private readonly waiters = new PositionWaiters();

  constructor(
    private position: number,
    private readonly read: (afterPosition: number) => SubscriptionRead | Promise<SubscriptionRead>,
    handler: (event: RecordedEvent) => Promise<void> | void,
    onError: ((error: unknown) => void) | undefined,
    private readonly pollIntervalMs: number,
    onStop: () => void,
    /** The streams it delivers, by prefix (all when undefined): a commit of none of them does not wake it. */
    private readonly streamPrefixes?: readonly string[],
  ) {
    this.done = this.run(handler, onError).finally(() => {
      this.closed = true;
      this.waiters.stopped();
      onStop();
    });
  }

  /** Resolves once every event up to `position` is handled; a subscription behind it reads at once, not at its next poll. */
  caughtUp(position: number): Promise<void> {
    if (position > this.position) this.notify();
    return this.waiters.until(position, this.position, this.closed);
  }

  /** A commit was announced: of `streams`, where the store knows which it wrote. */
  notify(streams?: readonly string[]): void {
    const prefixes = this.streamPrefixes;
    if (streams && prefixes && !streams.some((stream) => prefixes.some((prefix) => stream.startsWith(prefix)))) return;
    this.committedSinceRead = true;
    this.wake?.();
  }

  close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    return runningHandler.getStore() === this ? Promise.resolve() : this.done;
  }

  private async run(
    handler: (event: RecordedEvent) => Promise<void> | void,
    onError: ((error: unknown) => void) | undefined,
  ): Promise<void> {
    // Let subscribe() return before the first read or handler call.
    await Promise.resolve();
    let failedReads = 0;
    while (!this.closed) {
      this.committedSinceRead = false;
      let read: SubscriptionRead;
      try {
        read = await this.read(this.position);
        failedReads = 0;
      } catch {
        if (this.closed) return;
        failedReads++;
        await this.sleep(Math.min(100 * 2 ** failedReads, LONGEST_RETRY_DELAY_MS));
        continue;
      }
      for (const event of read.events) {
        if (this.closed) return;
        try {
          await runningHandler.run(this, () => handler(event));
        } catch (error) {
          this.closed = true;
          onError?.(error);
          return;
        }
        this.position = event.position;
      }
      if (this.closed) return;
      this.moveTo(read.upTo);
      if (read.events.length < SUBSCRIPTION_BATCH && !this.committedSinceRead) await this.sleep(this.pollIntervalMs);
    }
  }

  private moveTo(position: number): void {
    this.position = Math.max(this.position, position);
    this.waiters.reached(this.position);
  }

  private sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      // Unref'd: a forgotten subscription must not keep the process alive.
      const timer = setTimeout(wake, ms).unref();
      this.wake = wake;
    });
  }
}
