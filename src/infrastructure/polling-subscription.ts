import { AsyncLocalStorage } from 'node:async_hooks';
import type { RecordedEvent } from '../core/event';
import type { Subscription } from '../core/event-store.port';

export const SUBSCRIPTION_BATCH = 500;
const LONGEST_RETRY_DELAY_MS = 5000;

/** Which subscription's handler is running, so that closing from inside the handler does not wait for itself. */
const runningHandler = new AsyncLocalStorage<PollingSubscription>();

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

  constructor(
    private position: number,
    private readonly read: (afterPosition: number) => RecordedEvent[] | Promise<RecordedEvent[]>,
    handler: (event: RecordedEvent) => Promise<void> | void,
    onError: ((error: unknown) => void) | undefined,
    private readonly pollIntervalMs: number,
    onStop: () => void,
  ) {
    this.done = this.run(handler, onError).finally(onStop);
  }

  notify(): void {
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
      let batch: RecordedEvent[];
      try {
        batch = await this.read(this.position);
        failedReads = 0;
      } catch {
        if (this.closed) return;
        failedReads++;
        await this.sleep(Math.min(100 * 2 ** failedReads, LONGEST_RETRY_DELAY_MS));
        continue;
      }
      for (const event of batch) {
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
      if (batch.length < SUBSCRIPTION_BATCH && !this.committedSinceRead) await this.sleep(this.pollIntervalMs);
    }
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
