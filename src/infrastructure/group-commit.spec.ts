import type { AppendResult } from '../core/event-store.port';
import { type CommittedGroup, GroupCommit, type QueuedAppend } from './group-commit';

/** A store's commit that the test finishes by hand, remembering every group it was given. */
class HeldCommits {
  readonly groups: string[][] = [];
  private readonly finishers: ((committed: CommittedGroup) => void)[] = [];
  private readonly failers: ((error: Error) => void)[] = [];

  readonly commit = (group: readonly QueuedAppend[]): Promise<CommittedGroup> => {
    this.groups.push(group.map((append) => append.streamId));
    return new Promise((resolve, reject) => {
      this.finishers.push(resolve);
      this.failers.push(reject);
    });
  };

  /** Commits the oldest group still open: every append written, but those of `refused` streams. */
  finish(refused: string[] = []): void {
    const group = this.groups[this.groups.length - this.finishers.length];
    const outcomes = group.map((streamId) =>
      refused.includes(streamId) ? { ok: false as const, error: new Error(`${streamId} refused`) } : { ok: true as const, result: resultFor(streamId) },
    );
    this.failers.shift();
    this.finishers.shift()?.({ outcomes, written: outcomes.filter((o) => o.ok).length });
  }

  fail(error: Error): void {
    this.finishers.shift();
    this.failers.shift()?.(error);
  }
}

const resultFor = (streamId: string): AppendResult => ({ streamId, firstRevision: 0, lastRevision: 0, lastPosition: 1, replayed: false });
const append = (streamId: string): QueuedAppend => ({ streamId, events: [], expected: 'any', idempotencyKey: undefined });
const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('group commit', () => {
  let commits: HeldCommits;
  let written: number;
  let groups: GroupCommit;

  beforeEach(() => {
    commits = new HeldCommits();
    written = 0;
    groups = new GroupCommit(commits.commit, () => written++);
  });

  it('commits the appends of one tick together, and those arriving meanwhile as the next group', async () => {
    const first = [groups.append(append('a')), groups.append(append('b'))];
    await settled();
    const second = [groups.append(append('c')), groups.append(append('d'))];
    await settled();
    expect(commits.groups).toEqual([['a', 'b']]);

    commits.finish();
    await Promise.all(first);
    await settled();
    expect(commits.groups).toEqual([['a', 'b'], ['c', 'd']]);
    commits.finish();

    expect((await Promise.all(second)).map((r) => r.streamId)).toEqual(['c', 'd']);
    expect(groups.stats).toEqual({ commits: 2, appends: 4, events: 4 });
    expect(written).toBe(2);
  });

  it('acknowledges nothing before its group has committed', async () => {
    let acknowledged = false;
    void groups.append(append('a')).then(() => {
      acknowledged = true;
    });
    await settled();
    await settled();
    expect(acknowledged).toBe(false);

    commits.finish();
    await settled();
    expect(acknowledged).toBe(true);
  });

  it('fails an append alone when its outcome says so', async () => {
    const outcomes = Promise.allSettled([groups.append(append('a')), groups.append(append('b'))]);
    await settled();
    commits.finish(['b']);

    expect((await outcomes).map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    expect(groups.stats).toEqual({ commits: 1, appends: 1, events: 1 });
  });

  it('fails every append of a group whose commit failed, and goes on with the next group', async () => {
    const failed = Promise.allSettled([groups.append(append('a')), groups.append(append('b'))]);
    await settled();
    const next = groups.append(append('c'));
    commits.fail(new Error('disk full'));

    expect((await failed).map((o) => o.status === 'rejected' && (o.reason as Error).message)).toEqual(['disk full', 'disk full']);
    await settled();
    commits.finish();
    expect(await next).toMatchObject({ streamId: 'c' });
    expect(groups.stats.commits).toBe(1);
  });

  it('once closed, refuses new appends and resolves when the queued ones are done', async () => {
    const queued = groups.append(append('a'));
    await settled();
    let closed = false;
    const closing = groups.close().then(() => {
      closed = true;
    });

    await expect(groups.append(append('b'))).rejects.toThrow('the event store is closed');
    await settled();
    expect(closed).toBe(false);
    commits.finish();
    await closing;
    expect(await queued).toMatchObject({ streamId: 'a' });
  });
});
