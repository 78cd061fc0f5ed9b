import type { Clock } from '../core/clock.port';
import { RateWindow } from './rate-window';

describe('a rate window of the last minute', () => {
  let now = Date.parse('2026-01-10T03:00:00.000Z');
  const clock = { now: () => new Date(now) } as Clock;
  beforeEach(() => (now = Date.parse('2026-01-10T03:00:00.000Z')));

  it('admits up to its limit within a minute, then says how long until the oldest leaves it', () => {
    const window = new RateWindow(3, clock);
    for (let i = 0; i < 3; i++) {
      expect(window.retryAfterSeconds('siti')).toBeUndefined();
      window.record('siti');
      now += 10_000;
    }
    // The first was 30 s ago: it leaves the window in 30 s.
    expect(window.retryAfterSeconds('siti')).toBe(30);
    expect(window.retryAfterSeconds('budi')).toBeUndefined();
    now += 30_000;
    expect(window.retryAfterSeconds('siti')).toBeUndefined();
  });

  it('waits for the oldest of the last `limit` times, however many were recorded', () => {
    const window = new RateWindow(2, clock);
    for (let i = 0; i < 5; i++) {
      window.record('siti');
      now += 1_000;
    }
    // Recorded at 0, 1, 2, 3 and 4 s; the last two at 3 and 4 s: under the limit again at 63 s, 58 s from now (5 s).
    expect(window.retryAfterSeconds('siti')).toBe(58);
  });

  it('counts only the last minute, over hundreds of thousands of times', () => {
    const window = new RateWindow(Number.MAX_SAFE_INTEGER, clock);
    for (let i = 0; i < 200_000; i++) {
      window.record('bench');
      now += 1;
    }
    // 200 s of one time a millisecond: the last minute holds 60,000 of them, none to wait for.
    expect(window.retryAfterSeconds('bench')).toBeUndefined();
    const limited = new RateWindow(60_000, clock);
    for (let i = 0; i < 60_000; i++) limited.record('bench');
    expect(limited.retryAfterSeconds('bench')).toBe(60);
  });
});
