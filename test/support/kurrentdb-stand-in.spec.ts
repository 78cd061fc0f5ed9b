import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  NO_STREAM,
  type ResolvedEvent,
  START,
  StreamDeletedError,
  StreamTombstonedError,
  streamNameFilter,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { type KurrentDbStandIn, startKurrentDbStandIn } from './kurrentdb-stand-in';

/** The stand-in holds to KurrentDB's documented semantics, as the real, unmodified client sees them over a socket. */
describe('the KurrentDB stand-in server, through the real client', () => {
  let standIn: KurrentDbStandIn;
  let client: KurrentDBClient;
  const stream = (): string => `order-${randomUUID()}`;
  const events = (...names: string[]) => names.map((name) => jsonEvent({ type: 'Happened', data: { name } }));
  async function namesIn(streamName: string, options: Parameters<KurrentDBClient['readStream']>[1] = {}): Promise<string[]> {
    const names: string[] = [];
    for await (const resolved of client.readStream(streamName, options)) names.push(nameOf(resolved));
    return names;
  }
  async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
    return promise.then(
      () => {
        throw new Error('expected a refusal');
      },
      (error: unknown) => error,
    );
  }

  beforeEach(async () => {
    standIn = await startKurrentDbStandIn();
    client = KurrentDBClient.connectionString(standIn.url);
  });
  afterEach(async () => {
    await client.dispose();
    await standIn.stop();
  });

  describe('a multi-stream append', () => {
    it('writes every stream and answers each stream revision', async () => {
      const [a, b] = [stream(), stream()];

      const result = await client.multiStreamAppend([
        { streamName: a, events: events('a0', 'a1'), expectedState: NO_STREAM },
        { streamName: b, events: events('b0'), expectedState: 'any' },
      ]);

      expect(result.responses).toEqual([
        { streamName: a, revision: 1n },
        { streamName: b, revision: 0n },
      ]);
      expect(await namesIn(a)).toEqual(['a0', 'a1']);
      expect(await namesIn(b)).toEqual(['b0']);
    });

    it('writes nothing at all when one stream is not at its expected revision, and says which and where', async () => {
      const [a, b] = [stream(), stream()];
      await client.multiStreamAppend([{ streamName: b, events: events('b0'), expectedState: NO_STREAM }]);

      const error = await rejectionOf(
        client.multiStreamAppend([
          { streamName: a, events: events('a0'), expectedState: NO_STREAM },
          { streamName: b, events: events('b1'), expectedState: 5n },
        ]),
      );

      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: b, expectedState: 5n, actualState: 0n });
      expect(await namesIn(b)).toEqual(['b0']);
      await expect(namesIn(a)).rejects.toMatchObject({ type: 'stream-not-found' });
    });

    it("holds a stream to 'stream_exists' and to a missing stream's no_stream", async () => {
      const a = stream();

      const missing = await rejectionOf(client.multiStreamAppend([{ streamName: a, events: events('x'), expectedState: 'stream_exists' }]));
      await client.multiStreamAppend([{ streamName: a, events: events('a0'), expectedState: NO_STREAM }]);
      await client.multiStreamAppend([{ streamName: a, events: events('a1'), expectedState: 'stream_exists' }]);

      expect(missing).toMatchObject({ streamName: a, expectedState: 'stream_exists', actualState: 'no_stream' });
      expect(await namesIn(a)).toEqual(['a0', 'a1']);
    });
  });

  describe('reading', () => {
    it('reads a stream forwards from a revision and backwards from the end, with a count', async () => {
      const a = stream();
      await client.multiStreamAppend([{ streamName: a, events: events('0', '1', '2', '3'), expectedState: NO_STREAM }]);

      expect(await namesIn(a, { fromRevision: 2n })).toEqual(['2', '3']);
      expect(await namesIn(a, { direction: BACKWARDS, fromRevision: END, maxCount: 3 })).toEqual(['3', '2', '1']);
      expect(await namesIn(a, { direction: BACKWARDS, fromRevision: 1n })).toEqual(['1', '0']);
    });

    it('reads $all forwards and backwards in commit order, each event with its position', async () => {
      const [a, b] = [stream(), stream()];
      await client.multiStreamAppend([{ streamName: a, events: events('a0'), expectedState: NO_STREAM }]);
      await client.multiStreamAppend([{ streamName: b, events: events('b0'), expectedState: NO_STREAM }]);
      await client.multiStreamAppend([{ streamName: a, events: events('a1'), expectedState: 0n }]);

      const forwards: ResolvedEvent[] = [];
      for await (const resolved of client.readAll({ direction: FORWARDS, fromPosition: START })) forwards.push(resolved);
      const backwards: string[] = [];
      for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 2 })) backwards.push(nameOf(resolved));

      expect(forwards.map(nameOf)).toEqual(['a0', 'b0', 'a1']);
      const commits = forwards.map((resolved) => resolved.event?.position?.commit ?? -1n);
      expect([...commits].sort((x, y) => (x < y ? -1 : 1))).toEqual(commits);
      expect(backwards).toEqual(['a1', 'b0']);
    });
  });

  describe('a catch-up subscription to $all, filtered by stream name', () => {
    it('delivers what matches after its position, then live events, in order', async () => {
      const [watched, other] = [stream(), stream()];
      await client.multiStreamAppend([{ streamName: watched, events: events('w0', 'w1'), expectedState: NO_STREAM }]);
      let first: ResolvedEvent | undefined;
      for await (const resolved of client.readStream(watched, { maxCount: 1 })) first = resolved;
      const seen: string[] = [];
      const subscription = client.subscribeToAll({
        fromPosition: first?.event?.position ?? START,
        filter: streamNameFilter({ prefixes: [watched] }),
      });
      const delivered = new Promise<void>((resolve) => {
        subscription.on('data', (resolved: ResolvedEvent) => {
          seen.push(nameOf(resolved));
          if (seen.length === 3) resolve();
        });
      });

      await client.multiStreamAppend([
        { streamName: other, events: events('o0'), expectedState: NO_STREAM },
        { streamName: watched, events: events('w2', 'w3'), expectedState: 1n },
      ]);
      await delivered;
      await subscription.unsubscribe();

      expect(seen).toEqual(['w1', 'w2', 'w3']);
    });
  });

  describe('a catch-up subscription to one stream', () => {
    it('delivers the events after its revision, then live ones, and none of other streams', async () => {
      const [watched, other] = [stream(), stream()];
      await client.multiStreamAppend([{ streamName: watched, events: events('w0', 'w1'), expectedState: NO_STREAM }]);
      const seen: string[] = [];
      const subscription = client.subscribeToStream(watched, { fromRevision: 0n });
      const delivered = new Promise<void>((resolve) => {
        subscription.on('data', (resolved: ResolvedEvent) => {
          seen.push(nameOf(resolved));
          if (seen.length === 2) resolve();
        });
      });

      await client.multiStreamAppend([
        { streamName: other, events: events('o0'), expectedState: NO_STREAM },
        { streamName: watched, events: events('w2'), expectedState: 1n },
      ]);
      await delivered;
      await subscription.unsubscribe();

      expect(seen).toEqual(['w1', 'w2']);
    });
  });

  describe('a tombstoned stream', () => {
    it('is answered as deleted on reading, and refuses appends', async () => {
      const a = stream();
      await client.multiStreamAppend([{ streamName: a, events: events('a0'), expectedState: NO_STREAM }]);

      await client.tombstoneStream(a);

      await expect(namesIn(a)).rejects.toBeInstanceOf(StreamDeletedError);
      const refusal = await rejectionOf(client.multiStreamAppend([{ streamName: a, events: events('a1'), expectedState: 'any' }]));
      expect(refusal).toBeInstanceOf(StreamTombstonedError);
    });
  });

  it('answers the client’s probe of its features, and counts the calls it answered', async () => {
    await namesIn(stream()).catch(() => undefined);

    expect(standIn.rpcs()).toMatchObject({ serverFeatures: 1, read: 1 });
  });
});

function nameOf(resolved: ResolvedEvent): string {
  return (resolved.event?.data as { name: string }).name;
}
