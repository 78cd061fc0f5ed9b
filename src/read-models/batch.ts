import type { RecordedEvent } from '../core/event';
import type { GenerationWriter } from './generation-writer';
import type { Generation, ReadModelStore } from './read-model.store';

/** A generation to feed, as the registry shows it inside the batch's transaction, with its writer. */
export interface Target {
  generation: Generation;
  writer: GenerationWriter;
}

export type BatchOutcome =
  | { committed: true; position: number }
  /** A target's checkpoint is before the batch: nothing was written; read again after `position`. */
  | { committed: false; position: number };

/**
 * Applies a batch of consecutive events to every target whose checkpoint it passes, then writes the documents
 * and moves the checkpoints, all in one transaction: a crash leaves either the whole batch or none of it.
 *
 * The targets and their checkpoints are read inside the transaction, under the write lock, so the batch cannot
 * apply an event twice nor skip one, whatever another process (a second runner, a rebuild switching a
 * generation live) committed meanwhile: events at or before a target's checkpoint are skipped, and a target
 * whose checkpoint is before the batch sends the reader back.
 */
export function commitBatch(
  store: ReadModelStore,
  events: readonly RecordedEvent[],
  resolveTargets: () => Target[],
): BatchOutcome {
  const first = events[0].position;
  const last = events[events.length - 1].position;
  let targets: Target[] = [];
  try {
    return store.db
      .transaction((): BatchOutcome => {
        targets = resolveTargets();
        const behind = targets.filter((t) => t.generation.checkpoint < first - 1);
        if (behind.length > 0) return { committed: false, position: Math.min(...behind.map((t) => t.generation.checkpoint)) };
        for (const { generation, writer } of targets) {
          if (generation.checkpoint >= last) continue;
          for (const event of events) if (event.position > generation.checkpoint) writer.apply(event);
          writer.flush();
          store.setCheckpoint(generation, last);
        }
        return { committed: true, position: last };
      })
      .immediate();
  } catch (error) {
    for (const target of targets) target.writer.forget();
    throw error;
  }
}

/** Another process holds the read-model file's write lock: the batch is retried later. */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT';
}
