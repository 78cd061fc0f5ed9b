import Database from 'better-sqlite3';
import { setTimeout as delay } from 'node:timers/promises';
import { applyEvents, checkpointsUnchanged, commitTargets, type Target, targetOf } from '../../src/read-models/batch';
import { GenerationWriter } from '../../src/read-models/generation-writer';
import { LiveProjections } from '../../src/read-models/live-projections';
import { RebuildInProgress, tablesOf } from '../../src/read-models/read-model.store';
import { rebuild } from '../../src/read-models/rebuild';
import { appendTicks, deadOwner, Stores, tallyProjection, until } from './support/tally-projection';

describe('a projection runner', () => {
  let stores: Stores;
  beforeEach(() => {
    stores = new Stores();
  });
  afterEach(() => stores.close());

  describe('a batch', () => {
    const tables = () => tablesOf(tallyProjection, 1);
    /** A target on the first generation, as a runner resolves it from the registry. */
    const resolve = (): Target => {
      const generation = stores.readModels.generation('tally', 1) ?? stores.readModels.claimBuildingGeneration(tallyProjection, 'me');
      return targetOf(generation, new GenerationWriter(stores.readModels.db, tallyProjection, tables()));
    };
    const commit = (target: Target) => commitTargets(stores.readModels, [target], () => checkpointsUnchanged(stores.readModels, [target]));
    const contents = () => ({
      documents: stores.readModels.db.prepare(`SELECT * FROM ${tables().main} ORDER BY key`).all(),
      positions: stores.readModels.db.prepare(`SELECT position FROM ${tables().lists.positions} ORDER BY position`).pluck().all(),
      checkpoint: stores.readModels.generation('tally', 1)?.checkpoint,
    });

    it('commits its documents and the checkpoint together, or neither', async () => {
      await appendTicks(stores.events, 's', 2);
      await appendTicks(stores.events, 'b', 1);
      await appendTicks(stores.events, 's', 1, 'Unstorable');
      const [first, second, third, unstorable] = await stores.events.readAll(0, 10);
      const target = resolve();
      expect(applyEvents([target], [first, second])).toBe(true);
      expect(commit(target)).toBe(true);
      const committed = contents();
      expect(committed).toMatchObject({ positions: [1, 2], checkpoint: 2 });

      applyEvents([target], [third, unstorable]);
      expect(() => commit(target)).toThrow('cannot store s');
      expect(contents()).toEqual(committed);
    });

    it('skips the events a target has passed, and refuses events beyond a gap', async () => {
      await appendTicks(stores.events, 's', 7);
      const events = await stores.events.readAll(0, 10);
      const target = resolve();
      applyEvents([target], events.slice(0, 4));
      applyEvents([target], events.slice(2, 5));
      expect(applyEvents([target], events.slice(6))).toBe(false);
      commit(target);
      expect(contents()).toMatchObject({ positions: [1, 2, 3, 4, 5], checkpoint: 5 });
    });

    it('writes nothing that another runner committed first, and starts again from its checkpoint', async () => {
      await appendTicks(stores.events, 's', 4);
      const events = await stores.events.readAll(0, 10);
      resolve();
      const [mine, theirs] = [resolve(), resolve()];
      applyEvents([theirs], events.slice(0, 3));
      applyEvents([mine], events.slice(0, 2));
      expect(commit(theirs)).toBe(true);
      expect(commit(mine)).toBe(false);
      const again = resolve();
      applyEvents([again], events.slice(again.applied));
      expect(commit(again)).toBe(true);
      expect(contents()).toMatchObject({ positions: [1, 2, 3, 4], checkpoint: 4 });
    });
  });

  describe('live', () => {
    const start = async (batchSize = 2000): Promise<LiveProjections> => {
      if (!stores.readModels.live('tally')) await rebuild(stores.events, stores.readModels, [tallyProjection]);
      const live = new LiveProjections(stores.readModels, stores.events, [tallyProjection], { batchSize, retryDelayMs: 10 });
      live.start();
      return live;
    };

    it('follows new events through the subscription', async () => {
      const live = await start();
      await appendTicks(stores.events, 'a', 3);
      await until(() => stores.tally('a').length === 3, 'the ticks are projected');
      await appendTicks(stores.events, 'b', 1);
      await until(() => stores.tally('b').length === 1, 'the new tick is projected');
      await live.stop();
      expect(stores.tally('a')).toEqual([1, 2, 3]);
    });

    it('resumes from its checkpoint after a restart, applying every event once', async () => {
      await appendTicks(stores.events, 'a', 30);
      const first = await start(7);
      await until(() => stores.readModels.live('tally')?.checkpoint === 30, 'the first run caught up');
      await first.stop();
      await appendTicks(stores.events, 'a', 20);
      const second = await start(7);
      await until(() => stores.readModels.live('tally')?.checkpoint === 50, 'the second run caught up');
      await second.stop();
      expect(stores.tally('a')).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it('reports a failing batch and keeps the checkpoint before it', async () => {
      const live = await start();
      await appendTicks(stores.events, 'a', 2);
      await appendTicks(stores.events, 'a', 1, 'Poison');
      await until(() => live.lastError !== undefined, 'the failure is reported');
      await live.stop();
      expect(live.lastError?.message).toContain('cannot project event 3');
      expect(stores.readModels.live('tally')?.checkpoint).toBeLessThan(3);
    });

    it('waits while another process holds the write lock, without reporting a failure', async () => {
      const live = await start();
      const other = new Database(`${stores.dir}/read-models.sqlite`);
      other.exec('BEGIN IMMEDIATE');
      await appendTicks(stores.events, 'a', 2);
      await delay(400);
      expect(stores.tally('a')).toEqual([]);
      expect(live.lastError).toBeUndefined();
      other.exec('COMMIT');
      other.close();
      await until(() => stores.tally('a').length === 2, 'the ticks are projected once the lock is released');
      await live.stop();
    });

    it('moves to a generation a rebuild switched live, from its next batch on', async () => {
      const live = await start();
      await appendTicks(stores.events, 'a', 5);
      await until(() => stores.tally('a').length === 5, 'the first generation caught up');
      const [rebuilt] = await rebuild(stores.events, stores.readModels, [tallyProjection], { owner: 'another process' });
      expect(rebuilt).toMatchObject({ projection: 'tally', generation: 2, position: 5 });
      expect(stores.readModels.generations().map((g) => [g.generation, g.state])).toEqual([[2, 'live']]);
      await appendTicks(stores.events, 'a', 2);
      await until(() => stores.tally('a').length === 7, 'the new generation is followed');
      await live.stop();
      expect(stores.tally('a')).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });
  });

  describe('a rebuild', () => {
    it('resumes the generation an interrupted rebuild left behind', async () => {
      await appendTicks(stores.events, 'a', 10);
      const left = stores.readModels.claimBuildingGeneration(tallyProjection, deadOwner);
      const target = targetOf(left, new GenerationWriter(stores.readModels.db, tallyProjection, tablesOf(tallyProjection, left.generation)));
      applyEvents([target], await stores.events.readAll(0, 4));
      commitTargets(stores.readModels, [target], () => true);

      const [rebuilt] = await rebuild(stores.events, stores.readModels, [tallyProjection]);
      expect(rebuilt).toEqual({ projection: 'tally', generation: left.generation, resumedAt: 4, position: 10 });
      expect(stores.tally('a')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('is refused while another live process builds the projection', async () => {
      stores.readModels.claimBuildingGeneration(tallyProjection, 'another-host:1');
      await expect(rebuild(stores.events, stores.readModels, [tallyProjection])).rejects.toBeInstanceOf(RebuildInProgress);
    });
  });
});
