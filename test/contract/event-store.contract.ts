import { randomUUID } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '../../src/core/event';
import { type AppendResult, EventStore, type Subscription, WrongExpectedRevision } from '../../src/core/event-store.port';
import { eventHash, GENESIS_HASH } from '../../src/core/hash-chain';

export interface OpenedStore {
  store: EventStore;
  /** Opens another store on the same log (the same file, database or server), as a restart or a second node does. */
  another: () => Promise<EventStore>;
}

/**
 * The behaviour every EventStore adapter must have. Stream names are unique per test and positions are
 * taken relative to the head, so the suite also runs against a store that is not empty.
 */
export function eventStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`${name} (event store contract)`, () => {
    let store: EventStore;
    let another: () => Promise<EventStore>;
    const others: EventStore[] = [];
    const openAnother = async (): Promise<EventStore> => {
      const other = await another();
      others.push(other);
      return other;
    };

    beforeEach(async () => {
      ({ store, another } = await open());
    });
    afterEach(async () => {
      await Promise.all([store, ...others.splice(0)].map((s) => s.close()));
    });

    describe('a new stream', () => {
      it("is created by an append expecting 'no-stream', starting at revision 0", async () => {
        const s = streamName();
        const before = await store.headPosition();

        const result = await store.append(s, [event(), event()], 'no-stream');

        expect(result).toEqual({ streamId: s, firstRevision: 0, lastRevision: 1, lastPosition: before + 2, replayed: false });
        expect((await store.readStream(s)).map((e) => e.revision)).toEqual([0, 1]);
      });

      it('refuses an append expecting a revision, writing nothing', async () => {
        const s = streamName();
        const before = await store.headPosition();

        await expect(store.append(s, [event()], 0)).rejects.toBeInstanceOf(WrongExpectedRevision);

        expect(await store.readStream(s)).toEqual([]);
        expect(await store.headPosition()).toBe(before);
      });

      it("accepts an append expecting 'any'", async () => {
        const s = streamName();
        expect(await store.append(s, [event()], 'any')).toMatchObject({ firstRevision: 0, lastRevision: 0 });
      });

      it('reads as empty', async () => {
        expect(await store.readStream(streamName())).toEqual([]);
      });
    });

    describe('an existing stream', () => {
      it('takes an append expecting its last revision and continues the revisions', async () => {
        const s = streamName();
        await store.append(s, [event(), event()], 'no-stream');

        const result = await store.append(s, [event()], 1);

        expect(result).toMatchObject({ firstRevision: 2, lastRevision: 2, replayed: false });
        expect((await store.readStream(s)).map((e) => e.revision)).toEqual([0, 1, 2]);
      });

      it('refuses an append expecting another revision, saying where the stream is, and writes nothing', async () => {
        const s = streamName();
        await store.append(s, [event(), event()], 'no-stream');
        const before = await store.headPosition();

        const error = await rejectionOf(store.append(s, [event()], 0));

        expect(error).toBeInstanceOf(WrongExpectedRevision);
        expect(error).toMatchObject({ streamId: s, expected: 0, actual: 1 });
        expect(await store.readStream(s)).toHaveLength(2);
        expect(await store.headPosition()).toBe(before);
      });

      it("refuses an append expecting 'no-stream', writing nothing", async () => {
        const s = streamName();
        await store.append(s, [event()], 'no-stream');
        const before = await store.headPosition();

        const error = await rejectionOf(store.append(s, [event()], 'no-stream'));

        expect(error).toBeInstanceOf(WrongExpectedRevision);
        expect(error).toMatchObject({ streamId: s, expected: 'no-stream', actual: 0 });
        expect(await store.headPosition()).toBe(before);
      });

      it("takes an append expecting 'any'", async () => {
        const s = streamName();
        await store.append(s, [event(), event()], 'no-stream');
        expect(await store.append(s, [event()], 'any')).toMatchObject({ firstRevision: 2, lastRevision: 2 });
      });
    });

    describe('appends to several streams', () => {
      it('get global positions that increase by one, without gaps, across streams', async () => {
        const [a, b] = [streamName(), streamName()];
        const before = await store.headPosition();

        await store.append(a, [event(), event()], 'no-stream');
        await store.append(b, [event()], 'no-stream');
        await store.append(a, [event()], 1);

        const all = await store.readAll(before, 100);
        expect(all.map((e) => [e.streamId, e.revision, e.position])).toEqual([
          [a, 0, before + 1],
          [a, 1, before + 2],
          [b, 0, before + 3],
          [a, 2, before + 4],
        ]);
        expect(await store.headPosition()).toBe(before + 4);
      });
    });

    describe('an empty append', () => {
      it('writes nothing, not even its idempotency key, and reports where the stream is', async () => {
        const s = streamName();
        const key = `empty-${s}`;
        const missing = await store.append(s, [], 'no-stream');
        const before = await store.headPosition();
        await store.append(s, [event(), event()], 'no-stream');

        const existing = await store.append(s, [], 1, { idempotencyKey: key });

        expect(missing).toEqual({ streamId: s, firstRevision: 0, lastRevision: -1, lastPosition: 0, replayed: false });
        expect(existing).toEqual({ streamId: s, firstRevision: 2, lastRevision: 1, lastPosition: before + 2, replayed: false });
        expect(await store.findAppend(key)).toBeUndefined();
        await expect(store.append(s, [], 0)).rejects.toBeInstanceOf(WrongExpectedRevision);
      });
    });

    describe('reading a stream', () => {
      it('returns its events in revision order, bounded by afterRevision (exclusive) and toRevision (inclusive)', async () => {
        const s = streamName();
        const written = [event(), event(), event(), event(), event()];
        await store.append(s, written.slice(0, 2), 'no-stream');
        await store.append(streamName(), [event()], 'no-stream');
        await store.append(s, written.slice(2), 1);

        expect((await store.readStream(s)).map((e) => e.id)).toEqual(written.map((e) => e.id));
        expect((await store.readStream(s, { toRevision: 1 })).map((e) => e.revision)).toEqual([0, 1]);
        expect((await store.readStream(s, { afterRevision: 2 })).map((e) => e.revision)).toEqual([3, 4]);
        expect((await store.readStream(s, { afterRevision: 0, toRevision: 2 })).map((e) => e.revision)).toEqual([1, 2]);
      });
    });

    describe('reading all streams', () => {
      it('returns at most `limit` events after the given position, in position order', async () => {
        const before = await store.headPosition();
        for (let i = 0; i < 5; i++) await store.append(streamName(), [event()], 'no-stream');

        const page = await store.readAll(before + 1, 3);

        expect(page.map((e) => e.position)).toEqual([before + 2, before + 3, before + 4]);
        expect(await store.readAll(before + 5, 10)).toEqual([]);
      });

      it('gives the stored hashes alone, as the events hold them, for a seal', async () => {
        const before = await store.headPosition();
        for (let i = 0; i < 4; i++) await store.append(streamName(), [event()], 'no-stream');

        const events = await store.readAll(before + 1, 2);
        expect(await store.readHashes(before + 1, 2)).toEqual(events.map(({ position, hash }) => ({ position, hash })));
        expect(events.map((e) => e.position)).toEqual([before + 2, before + 3]);
        expect(await store.readHashes(before + 4, 10)).toEqual([]);
      });
    });

    describe('reading streams by prefix', () => {
      it('returns the events of every stream starting with a prefix, up to a position, in global order, each once', async () => {
        const kind = `k${randomUUID().slice(0, 8)}`;
        const [users, contacts] = [`${kind}user-`, `${kind}contacts-`];
        const appended: AppendResult[] = [];
        for (const stream of [`${users}1`, `${kind}userx-1`, `${contacts}36`, `${users}2`, `${kind}user`, `${users}1`, `agreement-${kind}user-3`]) {
          appended.push(await store.append(stream, [event()], 'any'));
        }
        const head = await store.headPosition();
        await store.append(`${users}1`, [event()], 'any');

        const read = await store.readStreamsByPrefix([users, contacts], head);

        expect(read.map((e) => e.position)).toEqual([0, 2, 3, 5].map((i) => appended[i].lastPosition));
        expect(read.map((e) => [e.streamId, e.revision])).toEqual([[`${users}1`, 0], [`${contacts}36`, 0], [`${users}2`, 0], [`${users}1`, 1]]);
        expect(read[0]).toEqual((await store.readStream(`${users}1`))[0]);
        expect((await store.readStreamsByPrefix([users, `${users}1`], head)).map((e) => e.position)).toEqual(read.filter((e) => e.streamId.startsWith(users)).map((e) => e.position));
        expect(await store.readStreamsByPrefix([`${kind}none-`], head)).toEqual([]);
        expect(await store.readStreamsByPrefix([users], head + 1)).toHaveLength(4);
      });
    });

    describe('a recorded event', () => {
      it('keeps the envelope it was given and gets its stream, revision, position and recordedAt from the store', async () => {
        const s = streamName();
        const given = event({
          type: 'AgreementProposed',
          schemaVersion: 2,
          data: { title: 'Kerja sama air bersih', parties: ['banten', 'bengkulu'], budget: { idr: 1_500_000_000 }, note: null },
          reason: 'requested by the governor',
          idempotencyKey: `envelope-${randomUUID()}`,
        });
        const earliest = Date.now();

        const result = await store.append(s, [given], 'no-stream');

        const [recorded] = await store.readStream(s);
        const { metadata: { recordedAt, ...metadata }, hash, previousHash, ...rest } = recorded;
        expect(rest).toEqual({
          id: given.id,
          streamId: s,
          revision: 0,
          position: result.lastPosition,
          type: 'AgreementProposed',
          schemaVersion: 2,
          data: given.data,
        });
        expect(metadata).toEqual(given.metadata);
        expect([hash, previousHash]).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/), GENESIS_HASH]);
        expect(new Date(recordedAt).toISOString()).toBe(recordedAt);
        expect(Date.parse(recordedAt)).toBeGreaterThanOrEqual(earliest - 1000);
        expect(Date.parse(recordedAt)).toBeLessThanOrEqual(Date.now() + 1000);
        expect(await store.readAll(result.lastPosition - 1, 1)).toEqual([recorded]);
      });
    });

    describe('an event with undefined data', () => {
      it('is stored as null and still hashes the same when read back', async () => {
        const s = streamName();
        await store.append(s, [{ ...event(), data: undefined }], 'no-stream');

        const [recorded] = await store.readStream(s);
        expect(recorded.data).toBeNull();
        expect(recorded.hash).toBe(eventHash(recorded));
      });
    });

    describe('an append writing an event id already stored', () => {
      it('fails alone, writing none of its events nor its idempotency key', async () => {
        const [a, b] = [streamName(), streamName()];
        const taken = event();
        const key = `duplicate-id-${randomUUID()}`;
        await store.append(a, [taken], 'no-stream');
        const before = await store.headPosition();

        const outcomes = await Promise.allSettled([
          store.append(b, [event(), { ...taken }], 'no-stream', { idempotencyKey: key }),
          store.append(a, [event()], 0),
        ]);

        expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
        expect(await store.readStream(b)).toEqual([]);
        expect(await store.findAppend(key)).toBeUndefined();
        expect((await store.readAll(before, 10)).map((e) => [e.streamId, e.position])).toEqual([[a, before + 1]]);
      });
    });

    describe('a closed store', () => {
      it('commits the appends queued before close and refuses new ones; closing again does nothing', async () => {
        const s = streamName();
        const queued = store.append(s, [event()], 'no-stream');
        await store.close();

        expect(await queued).toMatchObject({ lastRevision: 0 });
        await expect(store.append(s, [event()], 0)).rejects.toThrow();
        await store.close();
        const reopened = await openAnother();
        expect(await reopened.readStream(s)).toHaveLength(1);
      });

      it('stops its subscriptions without reporting an error', async () => {
        const start = await store.headPosition();
        const seen: number[] = [];
        const errors: unknown[] = [];
        store.subscribe(
          start,
          (e) => {
            seen.push(e.position);
          },
          (error) => errors.push(error),
        );
        await store.append(streamName(), [event()], 'no-stream');
        await eventually(() => expect(seen).toEqual([start + 1]));

        await store.close();
        const other = await openAnother();
        await other.append(streamName(), [event()], 'no-stream');
        await pause(100);

        expect(await other.headPosition()).toBe(start + 2);
        expect(seen).toEqual([start + 1]);
        expect(errors).toEqual([]);
      });
    });

    describe('the hash chain of a stream', () => {
      it('starts at the genesis hash, links each event to the one before and hashes each event content', async () => {
        const s = streamName();
        await store.append(s, [event(), event()], 'no-stream');
        await store.append(streamName(), [event()], 'no-stream');
        await store.append(s, [event({ data: { amount: 3 } })], 1);

        const events = await store.readStream(s);

        expect(events[0].previousHash).toBe(GENESIS_HASH);
        expect(events[1].previousHash).toBe(events[0].hash);
        expect(events[2].previousHash).toBe(events[1].hash);
        for (const e of events) expect(e.hash).toBe(eventHash(e));
        expect(new Set(events.map((e) => e.hash)).size).toBe(3);
      });
    });

    describe('an append with an idempotency key already used', () => {
      it('writes nothing and returns the first append result, marked replayed, whatever revision it expects', async () => {
        const s = streamName();
        const idempotencyKey = randomUUID();
        const first = await store.append(s, [event(), event()], 'no-stream', { idempotencyKey });
        const before = await store.headPosition();

        const again = await store.append(s, [event(), event()], 'no-stream', { idempotencyKey });

        expect(again).toEqual({ ...first, replayed: true });
        expect(await store.readStream(s)).toHaveLength(2);
        expect(await store.headPosition()).toBe(before);
      });

      it('is recognised when both appends run concurrently: one writes, the other replays its result', async () => {
        const s = streamName();
        const idempotencyKey = randomUUID();

        const results = await Promise.all(
          [1, 2, 3].map(() => store.append(s, [event(), event(), event()], 'no-stream', { idempotencyKey })),
        );

        const written = results.filter((r) => !r.replayed);
        expect(written).toHaveLength(1);
        for (const r of results) expect({ ...r, replayed: false }).toEqual(written[0]);
        expect(await store.readStream(s)).toHaveLength(3);
      });

      it('can be looked up with findAppend, which tells the first append result', async () => {
        const s = streamName();
        await store.append(s, [event()], 'no-stream');
        const idempotencyKey = randomUUID();
        const first = await store.append(s, [event(), event()], 0, { idempotencyKey });

        expect(await store.findAppend(idempotencyKey)).toEqual(first);
        expect(await store.findAppend(randomUUID())).toBeUndefined();
      });
    });

    describe('concurrent appends', () => {
      it('to one stream expecting the same revision: exactly one wins, the others get WrongExpectedRevision', async () => {
        const s = streamName();
        await store.append(s, [event()], 'no-stream');

        const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => store.append(s, [event(), event()], 0)));

        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(9);
        for (const o of lost) expect(o.reason).toBeInstanceOf(WrongExpectedRevision);
        expect(await store.readStream(s)).toHaveLength(3);
      });

      it('to many streams all succeed, each at revision 0, with distinct positions', async () => {
        const streams = Array.from({ length: 20 }, () => streamName());
        const before = await store.headPosition();

        const results = await Promise.all(streams.map((s) => store.append(s, [event()], 'no-stream')));

        expect(results.map((r) => r.firstRevision)).toEqual(streams.map(() => 0));
        expect(new Set(results.map((r) => r.lastPosition)).size).toBe(20);
        expect(await store.headPosition()).toBe(before + 20);
      });
    });

    describe('a subscription', () => {
      it('delivers the events after its position, then new ones in order, and nothing once closed', async () => {
        const s = streamName();
        const start = await store.headPosition();
        await store.append(s, [event(), event(), event()], 'no-stream');
        const seen: RecordedEvent[] = [];

        const subscription = store.subscribe(start + 1, (e) => {
          seen.push(e);
        });
        await eventually(() => expect(seen.map((e) => e.revision)).toEqual([1, 2]));
        await store.append(s, [event(), event()], 2);
        await eventually(() => expect(seen.map((e) => e.revision)).toEqual([1, 2, 3, 4]));
        await subscription.close();
        await store.append(s, [event()], 4);
        await pause(400);

        expect(seen.map((e) => e.position)).toEqual([start + 2, start + 3, start + 4, start + 5]);
        expect(seen).toEqual(await store.readAll(start + 1, 4));
      });

      it('of some streams delivers only their events, and is caught up past the others', async () => {
        const start = await store.headPosition();
        const user = streamName('user');
        const contacts = streamName('contacts');
        await store.append(user, [event()], 'no-stream');
        await store.append(streamName(), [event(), event()], 'no-stream');
        await store.append(contacts, [event()], 'no-stream');
        const seen: RecordedEvent[] = [];

        const subscription = store.subscribe(
          start,
          (e) => {
            seen.push(e);
          },
          undefined,
          { streamPrefixes: ['user-', 'contacts-'] },
        );
        await eventually(() => expect(seen.map((e) => e.streamId)).toEqual([user, contacts]));
        const { lastPosition } = await store.append(streamName(), [event()], 'no-stream');
        await subscription.caughtUp(lastPosition);
        const later = await store.append(user, [event()], 0);
        await subscription.caughtUp(later.lastPosition);
        await subscription.close();

        expect(seen.map((e) => e.streamId)).toEqual([user, contacts, user]);
        expect(seen.map((e) => e.position)).toEqual([start + 1, start + 4, later.lastPosition]);
        expect(seen[2]).toEqual((await store.readAll(later.lastPosition - 1, 1))[0]);
        await expect(subscription.caughtUp(later.lastPosition + 1)).rejects.toThrow('stopped');
      });

      it('awaits the handler before delivering the next event', async () => {
        const s = streamName();
        const start = await store.headPosition();
        await store.append(s, [event(), event(), event()], 'no-stream');
        const log: string[] = [];

        const subscription = store.subscribe(start, async (e) => {
          log.push(`start ${e.revision}`);
          await pause(10);
          log.push(`end ${e.revision}`);
        });
        await eventually(() => expect(log).toHaveLength(6));
        await subscription.close();

        expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
      });

      it('closes only once the running handler has finished', async () => {
        const start = await store.headPosition();
        await store.append(streamName(), [event()], 'no-stream');
        const handlerStarted = deferred();
        const releaseHandler = deferred();
        let handlerFinished = false;
        const subscription = store.subscribe(start, async () => {
          handlerStarted.resolve();
          await releaseHandler.promise;
          handlerFinished = true;
        });
        await handlerStarted.promise;

        const closed = subscription.close().then(() => handlerFinished);
        await pause(20);
        releaseHandler.resolve();

        expect(await closed).toBe(true);
      });

      it('can be closed from inside its own handler', async () => {
        const s = streamName();
        const start = await store.headPosition();
        await store.append(s, [event(), event(), event()], 'no-stream');
        const seen: number[] = [];
        const closedInside = deferred();

        const subscription: Subscription = store.subscribe(start, async (e) => {
          seen.push(e.revision);
          if (e.revision === 1) {
            await subscription.close();
            closedInside.resolve();
          }
        });
        await closedInside.promise;
        await pause(50);

        expect(seen).toEqual([0, 1]);
      });

      it('stops at a throwing handler and reports its error', async () => {
        const s = streamName();
        const start = await store.headPosition();
        await store.append(s, [event(), event(), event()], 'no-stream');
        const failure = new Error('projection broke');
        const reported = deferred<unknown>();
        const seen: number[] = [];

        const subscription = store.subscribe(
          start,
          (e) => {
            seen.push(e.revision);
            if (e.revision === 1) throw failure;
          },
          (error) => reported.resolve(error),
        );

        expect(await reported.promise).toBe(failure);
        await store.append(s, [event()], 2);
        await pause(400);
        expect(seen).toEqual([0, 1]);
        await subscription.close();
      });
    });
  });
}

export function streamName(prefix = 'agreement'): string {
  return `${prefix}-${randomUUID()}`;
}

export function event(
  overrides: Partial<Pick<NewEvent, 'type' | 'schemaVersion' | 'data'>> & { reason?: string; idempotencyKey?: string } = {},
): NewEvent {
  const { type = 'SomethingHappened', schemaVersion = 1, data = { n: Math.random() }, reason, idempotencyKey } = overrides;
  return {
    id: randomUUID(),
    type,
    schemaVersion,
    data,
    metadata: {
      actor: { userId: 'user-1', role: 'dinas-officer', region: '36', opd: 'bappeda' },
      occurredAt: '2025-10-24T08:00:00.000Z',
      correlationId: randomUUID(),
      causationId: randomUUID(),
      ...(reason ? { reason } : {}),
      ...(idempotencyKey ? { idempotencyKey } : {}),
    },
  };
}

export async function eventually(assertion: () => void, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await pause(10);
    }
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function rejectionOf(promise: Promise<AppendResult>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the append to be refused');
}
