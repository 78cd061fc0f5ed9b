import { randomUUID } from 'node:crypto';
import {
  GlobalLogContention,
  KurrentDbEventStore,
  type KurrentDbEventStoreOptions,
} from '../../src/infrastructure/kurrentdb/kurrentdb.event-store';
import { type KurrentDbStandIn, startKurrentDbStandIn } from '../support/kurrentdb-stand-in';
import { event, eventStoreContract, eventually, streamName } from './event-store.contract';

// A real KurrentDB 25.1 server when KURRENTDB_URL names one (e.g. `docker compose up -d kurrentdb` and
// KURRENTDB_URL="kurrentdb://localhost:2113?tls=false"); otherwise the in-process stand-in, which answers only
// what the adapter uses (see test/support/kurrentdb-stand-in.ts).
const serverUrl = process.env.KURRENTDB_URL;

describe(`the KurrentDB event store, on ${serverUrl ? 'the server at KURRENTDB_URL' : 'the in-process stand-in server (tests only)'}`, () => {
  let standIn: KurrentDbStandIn | undefined;
  let url: string;
  beforeAll(async () => {
    if (serverUrl) url = serverUrl;
    else ({ url } = standIn = await startKurrentDbStandIn());
  });
  afterAll(() => standIn?.stop());

  eventStoreContract('KurrentDbEventStore', async () => ({
    store: KurrentDbEventStore.connect(url),
    another: async () => KurrentDbEventStore.connect(url),
  }));
});

describe('appends to KurrentDB, counted in round trips on the stand-in server', () => {
  let standIn: KurrentDbStandIn;
  const stores: KurrentDbEventStore[] = [];
  const open = (options: KurrentDbEventStoreOptions = {}): KurrentDbEventStore => {
    const store = KurrentDbEventStore.connect(standIn.url, options);
    stores.push(store);
    return store;
  };
  /** The calls `work` made to the server, but the client's probes of its features (once per connection). */
  async function roundTripsOf(work: () => Promise<unknown>): Promise<number> {
    const count = (): number => {
      const { read, appendSession } = standIn.rpcs();
      return read + appendSession;
    };
    const before = count();
    await work();
    return count() - before;
  }

  beforeEach(async () => {
    standIn = await startKurrentDbStandIn();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await standIn.stop();
  });

  it('cost one round trip each once the store knows where the log ends: a new stream, the next append, with a key', async () => {
    const store = open();
    const s = streamName();
    await store.append(streamName(), [event()], 'no-stream');

    expect(await roundTripsOf(() => store.append(s, [event(), event()], 'no-stream'))).toBe(1);
    expect(await roundTripsOf(() => store.append(s, [event()], 1))).toBe(1);
    expect(await roundTripsOf(() => store.append(s, [event()], 'any', { idempotencyKey: randomUUID() }))).toBe(1);
    expect(await roundTripsOf(() => store.append(streamName(), [event()], 'no-stream', { idempotencyKey: randomUUID() }))).toBe(1);
    expect(store.appendStats()).toEqual({ appended: 5, logConflicts: 0, staleStreams: 0, gaveUp: 0 });
  });

  it('cost one round trip after a read of the stream to its end, as the command path does before deciding', async () => {
    const writer = open();
    const s = streamName();
    await writer.append(s, [event(), event()], 'no-stream');
    const store = open();
    await store.headPosition();

    await store.readStream(s);

    expect(await roundTripsOf(() => store.append(s, [event()], 1))).toBe(1);
  });

  it("take a stream's last event for the stream's head only, never for the log's end", async () => {
    const writer = open();
    const s = streamName();
    await writer.append(s, [event()], 'no-stream');
    await writer.append(streamName(), [event()], 'no-stream');
    const store = open();
    await store.readStream(s);

    expect(await roundTripsOf(() => store.append(s, [event()], 0))).toBe(2);
    expect(store.appendStats()).toMatchObject({ appended: 1, logConflicts: 0 });
  });

  it('read the log head and write again when another node moved the log first, and count it', async () => {
    const [one, other] = [open(), open()];
    await one.append(streamName(), [event()], 'no-stream');
    await other.headPosition();
    await one.append(streamName(), [event()], 'no-stream');

    const s = streamName();
    expect(await roundTripsOf(() => other.append(s, [event()], 'no-stream'))).toBe(3);
    expect(other.appendStats()).toMatchObject({ appended: 1, logConflicts: 1 });
    expect((await other.readAll(0, 10)).map((e) => [e.streamId, e.position])).toEqual([
      [expect.any(String), 1],
      [expect.any(String), 2],
      [s, 3],
    ]);
  });

  it('refuse an append whose stream another node moved, with where the stream is, writing nothing', async () => {
    const [one, other] = [open(), open()];
    const s = streamName();
    await one.append(s, [event()], 'no-stream');
    await other.readStream(s);
    await one.append(s, [event()], 0);
    const head = await one.headPosition();

    await expect(other.append(s, [event()], 0)).rejects.toMatchObject({ name: 'WrongExpectedRevision', expected: 0, actual: 1 });
    expect(await one.headPosition()).toBe(head);
  });

  it('give up after maxAttempts tries when the log keeps moving, writing nothing, and count it', async () => {
    const one = open();
    const other = open({ maxAttempts: 1 });
    await other.headPosition();
    await one.append(streamName(), [event()], 'no-stream');
    const s = streamName();

    await expect(other.append(s, [event()], 'no-stream')).rejects.toBeInstanceOf(GlobalLogContention);

    expect(await other.readStream(s)).toEqual([]);
    expect(other.appendStats()).toEqual({ appended: 0, logConflicts: 1, staleStreams: 0, gaveUp: 1 });
  });
});

describe('a subscription to the KurrentDB store, when the stand-in server drops it', () => {
  let standIn: KurrentDbStandIn;
  let store: KurrentDbEventStore;
  beforeEach(async () => {
    standIn = await startKurrentDbStandIn();
    store = KurrentDbEventStore.connect(standIn.url);
  });
  afterEach(async () => {
    await store.close();
    await standIn.stop();
  });

  it('subscribes again after the last event it delivered: every event once, in order', async () => {
    const s = streamName();
    await store.append(s, [event(), event()], 'no-stream');
    const seen: number[] = [];
    const subscription = store.subscribe(0, (e) => {
      seen.push(e.position);
    });
    await eventually(() => expect(seen).toEqual([1, 2]));

    standIn.dropSubscriptions();
    await store.append(s, [event()], 1);
    await store.append(s, [event()], 2);

    await eventually(() => expect(seen).toEqual([1, 2, 3, 4]));
    expect(standIn.rpcs().subscribe).toBe(2);
    await subscription.close();
  });
});
