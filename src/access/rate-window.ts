import type { Clock } from '../core/clock.port';

const WINDOW_MS = 60_000;

/** One key's times, oldest first: those from `first` on are within the window. */
interface KeyTimes {
  at: number[];
  first: number;
}

/**
 * Times of what happened per key over the last minute, oldest first; bounded, so a flood of keys cannot exhaust
 * memory. Each check and record costs the same however many times a key holds: times leave from the front as they
 * age, and the array is compacted only once most of it has left.
 */
export class RateWindow {
  private readonly times = new Map<string, KeyTimes>();

  constructor(
    private readonly limit: number,
    private readonly clock: Clock,
    private readonly maxKeys = 10_000,
  ) {}

  /** Seconds until the key is under its limit again; undefined when it is now. */
  retryAfterSeconds(key: string): number | undefined {
    const now = this.clock.now().getTime();
    const times = this.times.get(key);
    if (!times || this.within(times, now) < this.limit) return undefined;
    return Math.max(1, Math.ceil((times.at[times.first] + WINDOW_MS - now) / 1000));
  }

  record(key: string): void {
    const now = this.clock.now().getTime();
    const times = this.times.get(key) ?? { at: [], first: 0 };
    times.at.push(now);
    // Only the last `limit` times can decide a wait.
    if (this.within(times, now) > this.limit) times.first = times.at.length - this.limit;
    this.times.delete(key);
    this.times.set(key, times);
    if (this.times.size > this.maxKeys) this.times.delete(this.times.keys().next().value as string);
  }

  /** How many of the key's times are within the window at `now`, once the older ones have left. */
  private within(times: KeyTimes, now: number): number {
    const since = now - WINDOW_MS;
    while (times.first < times.at.length && times.at[times.first] <= since) times.first++;
    if (times.first > 64 && times.first * 2 > times.at.length) {
      times.at = times.at.slice(times.first);
      times.first = 0;
    }
    return times.at.length - times.first;
  }
}
