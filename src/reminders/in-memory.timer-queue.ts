import type { Clock } from '../core/clock.port';
import type { Timer, TimerQueue, TimerState } from './timer-queue.port';

/**
 * Timers held in memory, fired by whoever calls {@link InMemoryTimerQueue.takeDue}: the reminder rules, specified
 * without Redis. Nothing survives the process.
 */
export class InMemoryTimerQueue implements TimerQueue {
  private readonly timers = new Map<string, { timer: Timer; state: TimerState }>();
  readonly reachable = true;

  constructor(private readonly clock: Clock) {}

  async schedule(timers: readonly Timer[]): Promise<void> {
    for (const timer of timers) if (!this.timers.has(timer.id)) this.timers.set(timer.id, { timer, state: 'waiting' });
  }

  async cancel(ids: readonly string[]): Promise<void> {
    for (const id of ids) if (this.timers.get(id)?.state === 'waiting') this.timers.delete(id);
  }

  async move(id: string, fireAt: number): Promise<void> {
    const held = this.timers.get(id);
    if (held?.state === 'waiting') held.timer = { ...held.timer, fireAt };
  }

  async waiting(): Promise<Map<string, number>> {
    const waiting = new Map<string, number>();
    for (const [id, { timer, state }] of this.timers) if (state === 'waiting') waiting.set(id, timer.fireAt);
    return waiting;
  }

  async release(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const held = this.timers.get(id);
      if (held?.state === 'waiting') held.timer = { ...held.timer, fireAt: Math.min(held.timer.fireAt, this.clock.now().getTime()) };
    }
  }

  async stateOf(id: string): Promise<TimerState | undefined> {
    return this.timers.get(id)?.state;
  }

  /** The waiting timers whose time has come by the clock, soonest first, marked as taken up by a worker. */
  takeDue(): Timer[] {
    const now = this.clock.now().getTime();
    const due = [...this.timers.values()].filter(({ timer, state }) => state === 'waiting' && timer.fireAt <= now);
    for (const held of due) held.state = 'running';
    return due.map(({ timer }) => timer).sort((a, b) => a.fireAt - b.fireAt);
  }

  /** A timer taken up has finished (sent, or failed for good). */
  finish(id: string): void {
    const held = this.timers.get(id);
    if (held) held.state = 'done';
  }

  private readonly listeners: { up(): void }[] = [];

  watch(listener: { up(): void }): void {
    this.listeners.push(listener);
  }

  /** Always reachable: tells its watchers so once. */
  open(): void {
    for (const listener of this.listeners) listener.up();
  }

  async close(): Promise<void> {}
}
