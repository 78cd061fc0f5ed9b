import { setTimeout as delay } from 'node:timers/promises';
import type { AnyProjection } from '../../projections/projection';
import type { EventStore } from '../core/event-store.port';
import { type BatchOutcome, commitBatch, isBusy, type Target } from './batch';
import { GenerationWriter } from './generation-writer';
import { type ReadModelStore, THIS_PROCESS, tablesOf } from './read-model.store';

export interface RebuildOptions {
  /** Events per transaction: larger batches write each document less often. */
  batchSize?: number;
  /** Documents kept in memory between batches, per projection: bounds the memory, whatever the number of events. */
  cachedDocuments?: number;
  /** Identifies this rebuild in the generations' lease. */
  owner?: string;
  signal?: AbortSignal;
  onProgress?: (progress: RebuildProgress) => void;
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
  generation: number;
  resumedAt: number;
  writer: GenerationWriter;
  indexed: boolean;
}

/**
 * Blue/green rebuild: replays the whole store into new generations while the live ones keep serving (and keep
 * being updated by their runner), creates their indexes once caught up, and switches each live as soon as it
 * is at least as far as the generation it replaces. Resumes a generation an interrupted rebuild left behind.
 */
export async function rebuild(
  events: EventStore,
  store: ReadModelStore,
  projections: readonly AnyProjection[],
  options: RebuildOptions = {},
): Promise<RebuiltGeneration[]> {
  const owner = options.owner ?? THIS_PROCESS;
  const batchSize = options.batchSize ?? 10_000;
  const building = new Map<string, Building>();
  for (const projection of projections) {
    const generation = store.claimBuildingGeneration(projection, owner);
    const tables = tablesOf(projection, generation.generation);
    const writer = new GenerationWriter(store.db, projection, tables, options.cachedDocuments ?? 5_000);
    building.set(projection.name, { projection, generation: generation.generation, resumedAt: generation.checkpoint, writer, indexed: false });
  }
  const targets = (): Target[] =>
    [...building.values()].map(({ projection, generation, writer }) => {
      const current = store.generation(projection.name, generation);
      if (current?.state !== 'building' || current.owner !== owner) {
        throw new Error(`${projection.name} generation ${generation} was taken over by ${current?.owner ?? 'nobody'}`);
      }
      return { generation: current, writer };
    });

  const begin = Date.now();
  const startedAt = Math.min(...[...building.values()].map((b) => b.resumedAt));
  let position = startedAt;
  let lastReport = 0;
  const report = async (phase: RebuildProgress['phase'], names = [...building.keys()], force = false): Promise<void> => {
    if (!options.onProgress || (!force && Date.now() - lastReport < (options.progressIntervalMs ?? 1000))) return;
    lastReport = Date.now();
    const seconds = Math.max((Date.now() - begin) / 1000, 0.001);
    options.onProgress({ phase, projections: names, position, head: await events.headPosition(), eventsPerSecond: (position - startedAt) / seconds });
  };

  const done: RebuiltGeneration[] = [];
  while (building.size > 0) {
    options.signal?.throwIfAborted();
    const batch = await events.readAll(position, batchSize);
    if (batch.length > 0) {
      const outcome = await retryWhileBusy(() => commitBatch(store, batch, targets), options.signal);
      position = outcome.position;
      await report('replaying');
    }
    if (batch.length === batchSize) continue;
    // Caught up with the store as it was a moment ago: index, then switch whatever is not behind its live twin.
    for (const b of [...building.values()]) {
      if (!b.indexed) {
        await report('indexing', [b.projection.name], true);
        await retryWhileBusy(() => store.createIndexes(b.projection, b.generation), options.signal);
        b.indexed = true;
      }
      if (await retryWhileBusy(() => store.switchLive(b.projection, b.generation, owner), options.signal)) {
        building.delete(b.projection.name);
        done.push({ projection: b.projection.name, generation: b.generation, resumedAt: b.resumedAt, position });
        await report('switched', [b.projection.name], true);
      }
    }
    // Still behind a live generation: it moved on while we indexed; its new events are in the store by now.
    if (building.size > 0 && batch.length === 0) await delay(20);
  }
  return done;
}

async function retryWhileBusy<T extends BatchOutcome | boolean | void>(attempt: () => T, signal?: AbortSignal): Promise<T> {
  for (;;) {
    try {
      return attempt();
    } catch (error) {
      if (!isBusy(error)) throw error;
      signal?.throwIfAborted();
      await delay(25);
    }
  }
}
