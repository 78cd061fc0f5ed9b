import type { Clock } from '../core/clock.port';
import { RateWindow } from './rate-window';

/**
 * Writes per user per minute: one user's runaway script (or stolen token) cannot fill the event log or hold the
 * write path for everyone. Reads are not counted.
 */
export class WriteLimiter {
  private readonly window: RateWindow;

  constructor(perMinute: number, clock: Clock) {
    this.window = new RateWindow(perMinute, clock);
  }

  /** Counts a write of the user's; the seconds to wait instead when the user has written too much within a minute. */
  admit(userId: string): number | undefined {
    const retryAfter = this.window.retryAfterSeconds(userId);
    if (retryAfter === undefined) this.window.record(userId);
    return retryAfter;
  }
}
