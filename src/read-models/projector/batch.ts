import type { RecordedEvent } from '../../core/event';
import type { GenerationWriter } from './generation-writer';
import type { Generation, GenerationRegistry } from '../storage/generation-registry';
import type { SqlSession } from '../storage/read-model-database.port';

/** A generation being fed: as the registry showed it when the batch began, its writer, and how far it got. */
export interface Target {
  generation: Generation;
  writer: GenerationWriter;
  /** The last event applied in memory; the checkpoint once committed. */
  applied: number;
}

export const targetOf = (generation: Generation, writer: GenerationWriter): Target => ({ generation, writer, applied: generation.checkpoint });

/**
 * Applies consecutive events, in memory, to every target they pass, reading the documents they change that are not
 * in memory yet in the caller's snapshot. Returns false, applying nothing, when a target has not reached the event
 * before them: the reader must go back to that target's checkpoint. A failure forgets what the targets applied.
 */
export async function applyEvents(session: SqlSession, targets: readonly Target[], events: readonly RecordedEvent[]): Promise<boolean> {
  if (events.length === 0) return true;
  const first = events[0].position;
  if (targets.some((t) => t.applied < first - 1)) return false;
  try {
    for (const target of targets) {
      await target.writer.apply(session, events, target.applied);
      target.applied = Math.max(target.applied, events[events.length - 1].position);
    }
    return true;
  } catch (error) {
    forget(targets);
    throw error;
  }
}

/**
 * Writes the documents the targets changed and moves their checkpoints, in one transaction: a crash leaves all of
 * it or none. The documents were evolved outside the transaction, so under the write lock `unchanged` must confirm
 * that no other process committed to these generations (or switched another one live) since the batch began;
 * otherwise nothing is written, what was applied in memory is forgotten, and the result is false: read again
 * from the registry. A transient failure (another process holds the lock) throws and keeps memory as it is, to
 * be committed again later.
 */
export async function commitTargets(
  store: GenerationRegistry,
  targets: readonly Target[],
  unchanged: (session: SqlSession) => Promise<boolean>,
): Promise<boolean> {
  let committed: boolean;
  try {
    committed = await store.database.write(async (session): Promise<boolean> => {
      if (!(await unchanged(session))) return false;
      for (const target of targets) {
        await target.writer.flush(session);
        if (target.applied > target.generation.checkpoint) await store.setCheckpoint(session, target.generation, target.applied);
      }
      return true;
    });
  } catch (error) {
    if (!store.database.isTransient(error)) forget(targets);
    throw error;
  }
  if (!committed) {
    forget(targets);
    return false;
  }
  for (const target of targets) {
    target.generation = { ...target.generation, checkpoint: target.applied };
    target.writer.committed();
  }
  return true;
}

/** Whether the registry still shows each target's generation where the batch found it. */
export function checkpointsUnchanged(generations: readonly Generation[], targets: readonly Target[]): boolean {
  return targets.every(({ generation }) => {
    const current = generations.find((g) => g.projection === generation.projection && g.generation === generation.generation);
    return current?.state === generation.state && current.owner === generation.owner && current.checkpoint === generation.checkpoint;
  });
}

function forget(targets: readonly Target[]): void {
  for (const target of targets) {
    target.writer.forget();
    target.applied = target.generation.checkpoint;
  }
}
