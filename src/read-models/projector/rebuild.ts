import { setTimeout as delay } from 'node:timers/promises';
import type { AnyProjection } from '../../../projections/projection';
import type { EventStore } from '../../core/event-store.port';
import { applyEvents, checkpointsUnchanged, commitTargets, type Target, targetOf } from './batch';
import { GenerationWriter } from './generation-writer';
import { type GenerationRegistry, THIS_PROCESS, tablesOf } from '../storage/generation-registry';
import { retryWhileTransient, type SqlSession } from '../storage/read-model-database.port';

export interface RebuildOptions {
  /** Events read at a time. */
  readSize?: number;
  /**
   * Most events per transaction. Documents changed by many events are written once per transaction, so larger
   * transactions write less; what they keep in memory until then is bounded by this and `cachedDocuments`.
   */
  batchSize?: number;
  /** Documents kept in memory between transactions, per projection: bounds the memory, whatever the number of events. */
  cachedDocuments?: number;
  /** Identifies this rebuild in the generations' lease. */
  owner?: string;
  signal?: AbortSignal;
  /** Awaited: the rebuild goes on once it returns. */
  onProgress?: (progress: RebuildProgress) => void | Promise<void>;
  progressIntervalMs?: number;
}

export interface RebuildProgress {
  phase: 'replaying' | 'indexing' | 'switched';
  projections: string[];
  position: number;
  head: number;
  /** Since the rebuild began (or resumed). */
  eventsPerSecond: number;
}

export interface RebuiltGeneration {
  projection: string;
  generation: number;
  /** Where a generation left by an interrupted rebuild was resumed; 0 for a build from the start. */
  resumedAt: number;
  position: number;
}

interface Building {
  projection: AnyProjection;
  resumedAt: number;
  target: Target;
  indexed: boolean;
}

/**
 * Blue/green rebuild: replays the whole store into new generations while the live ones keep serving (and keep
 * being updated by their runner), creates their indexes once caught up, and switches each live as soon as it
 * is at least as far as the generation it replaces. Resumes a generation an interrupted rebuild left behind.
 */
export async function rebuild(
  events: EventStore,
  store: GenerationRegistry,
  projections: readonly AnyProjection[],
  options: RebuildOptions = {},
): Promise<RebuiltGeneration[]> {
  const owner = options.owner ?? THIS_PROCESS;
  const readSize = options.readSize ?? 10_000;
  const batchSize = Math.max(options.batchSize ?? 100_000, 1);
  const cachedDocuments = options.cachedDocuments ?? 10_000;
  const retry = <T>(attempt: () => Promise<T>): Promise<T> => retryWhileTransient(store.database, attempt, options.signal);
  const building = new Map<string, Building>();
  for (const projection of projections) {
    const generation = await retry(() => store.claimBuildingGeneration(projection, owner));
    const writer = new GenerationWriter(projection, tablesOf(projection, generation.generation), cachedDocuments);
    building.set(projection.name, { projection, resumedAt: generation.checkpoint, target: targetOf(generation, writer), indexed: false });
  }
  const targets = (): Target[] => [...building.values()].map((b) => b.target);
  const commit = async (due: Target[]): Promise<void> => {
    const unchanged = async (session: SqlSession) => checkpointsUnchanged(await store.generations(session), due);
    if (!(await retry(() => commitTargets(store, due, unchanged)))) {
      const generations = await store.generations();
      const lost = due.find(
        (t) => generations.find((g) => g.projection === t.generation.projection && g.generation === t.generation.generation)?.owner !== owner,
      );
      throw new Error(`${lost?.generation.projection ?? 'a generation'} was taken over by another process while this rebuild built it`);
    }
  };

  const begin = Date.now();
  const startedAt = Math.min(...targets().map((t) => t.applied));
  let position = startedAt;
  let lastReport = 0;
  const report = async (phase: RebuildProgress['phase'], names = [...building.keys()], force = false): Promise<void> => {
    if (!options.onProgress || (!force && Date.now() - lastReport < (options.progressIntervalMs ?? 1000))) return;
    lastReport = Date.now();
    const seconds = Math.max((Date.now() - begin) / 1000, 0.001);
    await options.onProgress({ phase, projections: names, position, head: await events.headPosition(), eventsPerSecond: (position - startedAt) / seconds });
  };

  const done: RebuiltGeneration[] = [];
  while (building.size > 0) {
    options.signal?.throwIfAborted();
    const batch = await events.readAll(position, Math.min(readSize, batchSize));
    // The rebuild is the only writer of its generations (they are leased to it): no target can be behind.
    await store.database.read((session) => applyEvents(session, targets(), batch));
    if (batch.length > 0) position = batch[batch.length - 1].position;
    const caughtUp = batch.length < Math.min(readSize, batchSize);
    // Each generation commits on its own, as late as memory allows: a document many events change is written once
    // per commit. What it keeps until then is bounded by `batchSize` events and `cachedDocuments` documents.
    const due = targets().filter(
      (t) => caughtUp || t.applied - t.generation.checkpoint >= batchSize || t.writer.changedDocuments >= cachedDocuments,
    );
    if (due.length > 0) {
      await commit(due);
      await report('replaying');
    }
    if (!caughtUp) continue;
    // Caught up with the store as it was a moment ago: index, then switch whatever is not behind its live twin.
    for (const b of [...building.values()]) {
      const { projection, target } = b;
      if (!b.indexed) {
        await report('indexing', [projection.name], true);
        await retry(() => store.createIndexes(projection, target.generation.generation));
        b.indexed = true;
      }
      if (await retry(() => store.switchLive(projection, target.generation.generation, owner))) {
        building.delete(projection.name);
        done.push({ projection: projection.name, generation: target.generation.generation, resumedAt: b.resumedAt, position });
        await report('switched', [projection.name], true);
      }
    }
    // Still behind a live generation: it moved on while we indexed; its new events are in the store by now.
    if (building.size > 0 && batch.length === 0) await delay(20);
  }
  return done;
}
