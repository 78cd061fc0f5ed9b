import type { Clock } from '../core/clock.port';

const WINDOW_MS = 60_000;

/**
 * Counts refused tokens per client address over the last minute. Past the limit the address is refused without
 * its token being looked at, so guessing tokens costs a minute per few guesses.
 */
export class AuthFailureLimiter {
  /** Failure times per address, oldest first; the map is bounded so a flood of addresses cannot exhaust memory. */
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxPerMinute: number,
    private readonly clock: Clock,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Seconds until the address may try again; undefined when it may now. */
  retryAfterSeconds(address: string): number | undefined {
    const recent = this.recent(address);
    if (recent.length < this.maxPerMinute) return undefined;
    return Math.max(1, Math.ceil((recent[0] + WINDOW_MS - this.clock.now().getTime()) / 1000));
  }

  recordFailure(address: string): void {
    const recent = this.recent(address);
    recent.push(this.clock.now().getTime());
    this.failures.delete(address);
    this.failures.set(address, recent.slice(-this.maxPerMinute));
    if (this.failures.size > this.maxAddresses) this.failures.delete(this.failures.keys().next().value as string);
  }

  private recent(address: string): number[] {
    const since = this.clock.now().getTime() - WINDOW_MS;
    return (this.failures.get(address) ?? []).filter((at) => at > since);
  }
}
