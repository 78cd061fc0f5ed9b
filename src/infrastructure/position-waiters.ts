/** Who waits for a subscription to have read the log up to a position: the `caughtUp` of the stores' subscriptions. */
export class PositionWaiters {
  private waiters: { position: number; resolve: () => void; reject: (error: Error) => void }[] = [];

  /** Resolves once `reached` is given `position` or more; at once if `current` is already there. */
  until(position: number, current: number, stopped: boolean): Promise<void> {
    if (current >= position) return Promise.resolve();
    if (stopped) return Promise.reject(new Error('the subscription stopped'));
    return new Promise((resolve, reject) => this.waiters.push({ position, resolve, reject }));
  }

  reached(position: number): void {
    if (this.waiters.length === 0) return;
    const due = this.waiters.filter((w) => w.position <= position);
    this.waiters = this.waiters.filter((w) => w.position > position);
    for (const waiter of due) waiter.resolve();
  }

  stopped(): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('the subscription stopped'));
  }
}
