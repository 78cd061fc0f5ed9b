import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../infrastructure/sqlite/sqlite.event-store';
import { type CommandContext, CommandProcessor, ConcurrencyConflict } from './command-processor';
import type { Decider } from './decider';
import { LifecycleError } from './domain-error';
import type { DomainEvent } from './event';

// A seat counter with a hard limit: small enough to show the kernel's rules on their own.
type Booked = DomainEvent<'SeatBooked', { by: string }>;
type Book = { type: 'BookSeat'; by: string };
class NoSeatsLeft extends LifecycleError {}
const LIMIT = 5;
const seats: Decider<number, Book, Booked> = {
  initialState: 0,
  evolve: (booked) => booked + 1,
  decide: (command, booked) => {
    if (booked >= LIMIT) throw new NoSeatsLeft('full');
    return [{ type: 'SeatBooked', data: { by: command.by } }];
  },
};

const context = (overrides: Partial<CommandContext> = {}): CommandContext => ({
  actor: { userId: 'u', role: 'coordinator', region: '36' },
  occurredAt: '2025-10-24T10:00:00+07:00',
  correlationId: 'c',
  causationId: 'c',
  ...overrides,
});

describe('the command processor', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sinergi-processor-'));
    store = SqliteEventStore.open(join(dir, 'events.sqlite'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends what the decider decides, with the context in the metadata', async () => {
    const result = await new CommandProcessor(store).handle(seats, 's', { type: 'BookSeat', by: 'a' }, context({ reason: 'why' }));
    expect(result).toMatchObject({ streamId: 's', revision: 0, events: [{ type: 'SeatBooked', revision: 0 }], replayed: false });
    const [event] = await store.readStream('s');
    expect(event.metadata).toMatchObject({ actor: { userId: 'u', region: '36' }, occurredAt: '2025-10-24T10:00:00+07:00', reason: 'why' });
  });

  it('runs concurrent commands on one stream one after the other, so none is lost', async () => {
    const processor = new CommandProcessor(store, 1);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => processor.handle(seats, 's', { type: 'BookSeat', by: `u${i}` }, context())),
    );
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect((await store.readStream('s')).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
  });

  // Two processors stand for two processes writing the same store.
  it('retries a command that lost a race with another writer, on the new state', async () => {
    const [mine, theirs] = [new CommandProcessor(store), new CommandProcessor(store)];
    const results = await Promise.all([
      mine.handle(seats, 's', { type: 'BookSeat', by: 'me' }, context()),
      theirs.handle(seats, 's', { type: 'BookSeat', by: 'them' }, context()),
    ]);
    expect(results.map((r) => r.revision).sort()).toEqual([0, 1]);
  });

  it('reports the rule a retried command breaks on the new state', async () => {
    const [mine, theirs] = [new CommandProcessor(store), new CommandProcessor(store)];
    for (let i = 0; i < LIMIT - 1; i++) await mine.handle(seats, 's', { type: 'BookSeat', by: 'me' }, context());
    const results = await Promise.allSettled([
      mine.handle(seats, 's', { type: 'BookSeat', by: 'me' }, context()),
      theirs.handle(seats, 's', { type: 'BookSeat', by: 'them' }, context()),
    ]);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect(refused[0].reason).toBeInstanceOf(NoSeatsLeft);
    expect(await store.readStream('s')).toHaveLength(LIMIT);
  });

  it('gives up with a conflict when the stream keeps changing', async () => {
    const [mine, theirs] = [new CommandProcessor(store, 1), new CommandProcessor(store, 1)];
    const results = await Promise.allSettled([
      mine.handle(seats, 's', { type: 'BookSeat', by: 'me' }, context()),
      theirs.handle(seats, 's', { type: 'BookSeat', by: 'them' }, context()),
    ]);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConcurrencyConflict)).toHaveLength(1);
  });

  it('replays the first result for a repeated idempotency key and writes nothing', async () => {
    const processor = new CommandProcessor(store);
    const first = await processor.handle(seats, 's', { type: 'BookSeat', by: 'a' }, context({ idempotencyKey: 'k' }));
    const again = await processor.handle(seats, 'other', { type: 'BookSeat', by: 'a' }, context({ idempotencyKey: 'k' }));
    expect(again).toEqual({ ...first, replayed: true });
    expect(await store.headPosition()).toBe(1);
  });

  it('sees events written by another writer although it has the stream cached', async () => {
    const mine = new CommandProcessor(store);
    const theirs = new CommandProcessor(store);
    for (let i = 0; i < 4; i++) await mine.handle(seats, 's', { type: 'BookSeat', by: 'me' }, context());
    await theirs.handle(seats, 's', { type: 'BookSeat', by: 'them' }, context());
    await expect(mine.handle(seats, 's', { type: 'BookSeat', by: 'me' }, context())).rejects.toBeInstanceOf(NoSeatsLeft);
  });

  it('decides on its cached state without reading the store; the expected revision proves it current', async () => {
    const processor = new CommandProcessor(store);
    await processor.handle(seats, 's', { type: 'BookSeat', by: 'a' }, context());
    const reads = jest.spyOn(store, 'readStream');
    await processor.handle(seats, 's', { type: 'BookSeat', by: 'b' }, context());
    expect(reads).not.toHaveBeenCalled();
    expect((await store.readStream('s')).map((e) => e.revision)).toEqual([0, 1]);
  });

  it("tries a bulk command on a new stream without reading it, and lets its state go once more bulk streams followed", async () => {
    const processor = new CommandProcessor(store, undefined, undefined, undefined, 1);
    const reads = jest.spyOn(store, 'readStream');
    await Promise.all(['a', 'b'].map((by) => processor.handle(seats, 's', { type: 'BookSeat', by }, context({ bulk: true }))));
    // The first was decided on the initial state (its append expected no stream); the second on the state it left.
    expect(reads).not.toHaveBeenCalled();
    await new Promise((resolve) => setImmediate(resolve));
    await processor.handle(seats, 's', { type: 'BookSeat', by: 'c' }, context());
    expect(reads).not.toHaveBeenCalled();
    // Another bulk stream follows: the first one's state is let go, and read again when next needed.
    await processor.handle(seats, 't', { type: 'BookSeat', by: 'a' }, context({ bulk: true }));
    await new Promise((resolve) => setImmediate(resolve));
    await processor.handle(seats, 's', { type: 'BookSeat', by: 'd' }, context());
    expect(reads).toHaveBeenCalledTimes(1);
    expect((await store.readStream('s')).map((e) => e.data)).toEqual([{ by: 'a' }, { by: 'b' }, { by: 'c' }, { by: 'd' }]);
  });

  it('decides a bulk command on an existing stream it has not cached on the stored stream', async () => {
    const processor = new CommandProcessor(store);
    await new CommandProcessor(store).handle(seats, 's', { type: 'BookSeat', by: 'a' }, context());
    await processor.handle(seats, 's', { type: 'BookSeat', by: 'b' }, context({ bulk: true }));
    expect((await store.readStream('s')).map((e) => e.revision)).toEqual([0, 1]);
  });

  it('decides again on the stored stream before reporting a refusal made on its cached state', async () => {
    type Toggled = DomainEvent<'Opened' | 'Closed', Record<string, never>>;
    type Toggle = { type: 'Open' | 'Close' | 'Use' };
    class Closed extends LifecycleError {}
    const door: Decider<boolean, Toggle, Toggled> = {
      initialState: false,
      evolve: (_open, event) => event.type === 'Opened',
      decide: (command, open) => {
        if (command.type === 'Use' && !open) throw new Closed('the door is closed');
        return [{ type: command.type === 'Close' ? 'Closed' : 'Opened', data: {} }];
      },
    };
    const [mine, theirs] = [new CommandProcessor(store), new CommandProcessor(store)];
    await mine.handle(door, 'd', { type: 'Close' }, context());
    await theirs.handle(door, 'd', { type: 'Open' }, context());
    await expect(mine.handle(door, 'd', { type: 'Use' }, context())).resolves.toMatchObject({ revision: 2 });
  });
});
