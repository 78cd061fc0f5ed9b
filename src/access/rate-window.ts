import type { Clock } from '../core/clock.port';

const WINDOW_MS = 60_000;

/** Times of what happened per key over the last minute, oldest first; bounded, so a flood of keys cannot exhaust memory. */
export class RateWindow {
  private readonly times = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly clock: Clock,
    private readonly maxKeys = 10_000,
  ) {}

  /** Seconds until the key is under its limit again; undefined when it is now. */
  retryAfterSeconds(key: string): number | undefined {
    const recent = this.recent(key);
    if (recent.length < this.limit) return undefined;
    return Math.max(1, Math.ceil((recent[0] + WINDOW_MS - this.clock.now().getTime()) / 1000));
  }

  record(key: string): void {
    const recent = this.recent(key);
    recent.push(this.clock.now().getTime());
    this.times.delete(key);
    this.times.set(key, recent.slice(-this.limit));
    if (this.times.size > this.maxKeys) this.times.delete(this.times.keys().next().value as string);
  }

  private recent(key: string): number[] {
    const since = this.clock.now().getTime() - WINDOW_MS;
    return (this.times.get(key) ?? []).filter((at) => at > since);
  }
}
