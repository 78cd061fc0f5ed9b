import type { NewEvent } from '../../src/core/event';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite.event-store';

/**
 * Appends forever to the store in `argv[2]` from several concurrent writers (so appends are group-committed)
 * and prints `<stream> <firstRevision> <lastRevision>` once each append is acknowledged. A test kills it at a
 * random moment and checks that everything printed survived. Started again on the same file, it continues
 * every stream where the previous run left it.
 */

export const EVENTS_PER_APPEND = 3;
export const WRITERS = 8;

export function crashStream(writer: number): string {
  return `crash-${writer}`;
}

/** The content of every append is a function of its place, so a reader can tell exactly what it must be. */
export function crashAppend(streamId: string, append: number): NewEvent[] {
  return Array.from({ length: EVENTS_PER_APPEND }, (_, index) => {
    const revision = append * EVENTS_PER_APPEND + index;
    return {
      id: `${streamId}/${revision}`,
      type: index === 0 ? 'CrashAppendStarted' : 'CrashAppendContinued',
      schemaVersion: 1,
      // Large enough that one append spans several database pages.
      data: { append, index, payload: `${streamId}:${revision}:`.padEnd(1500 + (revision % 7) * 400, 'x') },
      metadata: {
        actor: { userId: 'crash-writer', role: 'system', region: '36' },
        occurredAt: '2025-10-24T08:00:00.000Z',
        correlationId: `${streamId}/append-${append}`,
        causationId: `${streamId}/append-${append}`,
        idempotencyKey: crashKey(streamId, append),
      },
    };
  });
}

export function crashKey(streamId: string, append: number): string {
  return `${streamId}/append-${append}`;
}

async function write(store: SqliteEventStore, streamId: string, deadline: number): Promise<void> {
  const existing = (await store.readStream(streamId)).length;
  if (existing % EVENTS_PER_APPEND !== 0) throw new Error(`${streamId} holds a partial append: ${existing} events`);
  for (let append = existing / EVENTS_PER_APPEND; Date.now() < deadline; append++) {
    const expected = append === 0 ? 'no-stream' : append * EVENTS_PER_APPEND - 1;
    const result = await store.append(streamId, crashAppend(streamId, append), expected, {
      idempotencyKey: crashKey(streamId, append),
    });
    // A synchronous write on a pipe (Linux): once printed, the parent may count on it.
    process.stdout.write(`${streamId} ${result.firstRevision} ${result.lastRevision}\n`);
  }
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: crash-writer <file>');
  const store = SqliteEventStore.open(file);
  // A safety net: a writer whose test died must not run forever.
  const deadline = Date.now() + 60_000;
  Promise.all(Array.from({ length: WRITERS }, (_, w) => write(store, crashStream(w), deadline)))
    .then(() => store.close())
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
