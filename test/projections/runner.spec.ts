import { setTimeout as delay } from 'node:timers/promises';
import type { RecordedEvent } from '../../src/core/event';
import { applyEvents, checkpointsUnchanged, commitTargets, type Target, targetOf } from '../../src/read-models/projector/batch';
import { GenerationWriter } from '../../src/read-models/projector/generation-writer';
import { LiveProjections } from '../../src/read-models/projector/live-projections';
import { RebuildInProgress, GenerationRegistry, tablesOf } from '../../src/read-models/storage/generation-registry';
import { rebuild } from '../../src/read-models/projector/rebuild';
import { readModelBackends } from '../support/stores';
import { appendTicks, deadOwner, Stores, tallyProjection, until } from './support/tally-projection';

describe.each(readModelBackends())('a projection runner on $name', (backend) => {
  let stores: Stores;
  beforeEach(async () => {
    stores = await Stores.open(backend);
  }, 60_000);
  afterEach(() => stores.close());

  /** Applies the events in memory, reading the documents they change in one snapshot, as a runner does. */
  const apply = (target: Target, events: readonly RecordedEvent[]): Promise<boolean> =>
    stores.readModels.database.read((session) => applyEvents(session, [target], events));

  describe('a batch', () => {
    const tables = () => tablesOf(tallyProjection, 1);
    /** A target on the first generation, as a runner resolves it from the registry. */
    const resolve = async (): Promise<Target> => {
      const generation = (await stores.readModels.generation('tally', 1)) ?? (await stores.readModels.claimBuildingGeneration(tallyProjection, 'me'));
      return targetOf(generation, new GenerationWriter(tallyProjection, tables()));
    };
    const commit = (target: Target) =>
      commitTargets(stores.readModels, [target], async (session) => checkpointsUnchanged(await stores.readModels.generations(session), [target]));
    const contents = () =>
      stores.readModels.database.read(async (session) => ({
        documents: await session.all(`SELECT * FROM ${tables().main} ORDER BY key`),
        positions: (await session.all<{ position: number }>(`SELECT position FROM ${tables().lists.positions} ORDER BY position`)).map((r) => r.position),
        checkpoint: (await stores.readModels.generation('tally', 1, session))?.checkpoint,
      }));

    it('commits its documents and the checkpoint together, or neither', async () => {
      await appendTicks(stores.events, 's', 2);
      await appendTicks(stores.events, 'b', 1);
      await appendTicks(stores.events, 's', 1, 'Unstorable');
      const [first, second, third, unstorable] = await stores.events.readAll(0, 10);
      const target = await resolve();
      expect(await apply(target, [first, second])).toBe(true);
      expect(await commit(target)).toBe(true);
      const committed = await contents();
      expect(committed).toMatchObject({ positions: [1, 2], checkpoint: 2 });

      await apply(target, [third, unstorable]);
      await expect(commit(target)).rejects.toThrow('cannot store s');
      expect(await contents()).toEqual(committed);
    });

    it('skips the events a target has passed, and refuses events beyond a gap', async () => {
      await appendTicks(stores.events, 's', 7);
      const events = await stores.events.readAll(0, 10);
      const target = await resolve();
      await apply(target, events.slice(0, 4));
      await apply(target, events.slice(2, 5));
      expect(await apply(target, events.slice(6))).toBe(false);
      await commit(target);
      expect(await contents()).toMatchObject({ positions: [1, 2, 3, 4, 5], checkpoint: 5 });
    });

    it('writes nothing that another runner committed first, and starts again from its checkpoint', async () => {
      await appendTicks(stores.events, 's', 4);
      const events = await stores.events.readAll(0, 10);
      await resolve();
      const [mine, theirs] = [await resolve(), await resolve()];
      await apply(theirs, events.slice(0, 3));
      await apply(mine, events.slice(0, 2));
      expect(await commit(theirs)).toBe(true);
      expect(await commit(mine)).toBe(false);
      const again = await resolve();
      await apply(again, events.slice(again.applied));
      expect(await commit(again)).toBe(true);
      expect(await contents()).toMatchObject({ positions: [1, 2, 3, 4], checkpoint: 4 });
    });
  });

  describe('live', () => {
    const start = async (batchSize = 2000): Promise<LiveProjections> => {
      if (!(await stores.readModels.live('tally'))) await rebuild(stores.events, stores.readModels, [tallyProjection]);
      const live = new LiveProjections(stores.readModels, stores.events, [tallyProjection], { batchSize, retryDelayMs: 10 });
      live.start();
      return live;
    };
    const checkpoint = async () => (await stores.readModels.live('tally'))?.checkpoint;

    it('follows new events through the subscription', async () => {
      const live = await start();
      await appendTicks(stores.events, 'a', 3);
      await until(async () => (await stores.tally('a')).length === 3, 'the ticks are projected');
      await appendTicks(stores.events, 'b', 1);
      await until(async () => (await stores.tally('b')).length === 1, 'the new tick is projected');
      await live.stop();
      expect(await stores.tally('a')).toEqual([1, 2, 3]);
    });

    it('resumes from its checkpoint after a restart, applying every event once', async () => {
      await appendTicks(stores.events, 'a', 30);
      const first = await start(7);
      await until(async () => (await checkpoint()) === 30, 'the first run caught up');
      await first.stop();
      await appendTicks(stores.events, 'a', 20);
      const second = await start(7);
      await until(async () => (await checkpoint()) === 50, 'the second run caught up');
      await second.stop();
      expect(await stores.tally('a')).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it('reports a failing batch and keeps the checkpoint before it', async () => {
      const live = await start();
      await appendTicks(stores.events, 'a', 2);
      await appendTicks(stores.events, 'a', 1, 'Poison');
      await until(() => live.lastError !== undefined, 'the failure is reported');
      await live.stop();
      expect(live.lastError?.message).toContain('cannot project event 3');
      expect(await checkpoint()).toBeLessThan(3);
    });

    it('waits while another process holds the write lock, without reporting a failure', async () => {
      const live = await start();
      const other = await GenerationRegistry.open(stores.readModelLocation);
      let release = (): void => undefined;
      const holding = other.database.write(() => new Promise<void>((resolve) => (release = resolve)));
      try {
        await appendTicks(stores.events, 'a', 2);
        await delay(400);
        expect(await stores.tally('a')).toEqual([]);
        expect(live.lastError).toBeUndefined();
      } finally {
        release();
        await holding;
        await other.close();
      }
      await until(async () => (await stores.tally('a')).length === 2, 'the ticks are projected once the lock is released');
      await live.stop();
    });

    it('moves to a generation a rebuild switched live, from its next batch on', async () => {
      const live = await start();
      await appendTicks(stores.events, 'a', 5);
      await until(async () => (await stores.tally('a')).length === 5, 'the first generation caught up');
      const [rebuilt] = await rebuild(stores.events, stores.readModels, [tallyProjection], { owner: 'another process' });
      expect(rebuilt).toMatchObject({ projection: 'tally', generation: 2, position: 5 });
      expect((await stores.readModels.generations()).map((g) => [g.generation, g.state])).toEqual([[2, 'live']]);
      await appendTicks(stores.events, 'a', 2);
      await until(async () => (await stores.tally('a')).length === 7, 'the new generation is followed');
      await live.stop();
      expect(await stores.tally('a')).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });
  });

  describe('a rebuild', () => {
    it('resumes the generation an interrupted rebuild left behind', async () => {
      await appendTicks(stores.events, 'a', 10);
      const left = await stores.readModels.claimBuildingGeneration(tallyProjection, deadOwner);
      const target = targetOf(left, new GenerationWriter(tallyProjection, tablesOf(tallyProjection, left.generation)));
      await apply(target, await stores.events.readAll(0, 4));
      await commitTargets(stores.readModels, [target], async () => true);

      const [rebuilt] = await rebuild(stores.events, stores.readModels, [tallyProjection]);
      expect(rebuilt).toEqual({ projection: 'tally', generation: left.generation, resumedAt: 4, position: 10 });
      expect(await stores.tally('a')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('is refused while another live process builds the projection', async () => {
      await stores.readModels.claimBuildingGeneration(tallyProjection, 'another-host:1');
      await expect(rebuild(stores.events, stores.readModels, [tallyProjection])).rejects.toBeInstanceOf(RebuildInProgress);
    });
  });
});
