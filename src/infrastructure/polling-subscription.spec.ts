import { PollingSubscription, type SubscriptionRead } from './polling-subscription';

describe('PollingSubscription', () => {
  it('is woken by a commit of the streams it delivers, or of streams unknown, and sleeps on through the commits of others', async () => {
    const reads: number[] = [];
    let next: (() => void) | undefined;
    const read = (after: number): Promise<SubscriptionRead> => {
      reads.push(after);
      next?.();
      return Promise.resolve({ events: [], upTo: after });
    };
    const readAgain = () => new Promise<void>((resolve) => (next = resolve));
    const nothingMore = () => new Promise((resolve) => setTimeout(resolve, 100));
    const firstRead = readAgain();
    // A poll interval far longer than the test: every read after the first is one a commit woke.
    const subscription = new PollingSubscription(0, read, () => undefined, undefined, 60_000, () => undefined, ['user-', 'contacts-']);
    await firstRead;

    subscription.notify(['agreement-1', 'agreement-2']);
    await nothingMore();
    expect(reads).toHaveLength(1);

    let woken = readAgain();
    subscription.notify(['agreement-3', 'contacts-32']);
    await woken;
    expect(reads).toHaveLength(2);

    woken = readAgain();
    subscription.notify();
    await woken;
    expect(reads).toHaveLength(3);
    await subscription.close();
  });
});
