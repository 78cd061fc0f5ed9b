import Database from 'better-sqlite3';
import { setTimeout as delay } from 'node:timers/promises';
import { commitBatch } from '../../src/read-models/batch';
import { GenerationWriter } from '../../src/read-models/generation-writer';
import { LiveProjections } from '../../src/read-models/live-projections';
import { type Generation, RebuildInProgress, tablesOf } from '../../src/read-models/read-model.store';
import { rebuild } from '../../src/read-models/rebuild';
import { appendTicks, deadOwner, Stores, tallyProjection, until } from './support/tally-projection';

describe('a projection runner', () => {
  let stores: Stores;
  beforeEach(() => {
    stores = new Stores();
  });
  afterEach(() => stores.close());

  describe('a batch', () => {
    const claim = (): { generation: () => Generation; writer: GenerationWriter } => {
      const { generation } = stores.readModels.claimBuildingGeneration(tallyProjection, 'me');
      const writer = new GenerationWriter(stores.readModels.db, tallyProjection, tablesOf(tallyProjection, generation));
      return { generation: () => stores.readModels.generation('tally', generation) as Generation, writer };
    };
    const rowsOf = (table: string): unknown[] => stores.readModels.db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();

    it('commits its documents and the checkpoint together, or neither', async () => {
      await appendTicks(stores.events, 's', 3);
      await appendTicks(stores.events, 's', 1, 'Poison');
      const [first, second, third, poison] = await stores.events.readAll(0, 10);
      const target = claim();
      const targets = () => [{ generation: target.generation(), writer: target.writer }];
      const tables = tablesOf(tallyProjection, target.generation().generation);

      expect(commitBatch(stores.readModels, [first, second], targets)).toEqual({ committed: true, position: 2 });
      const committed = { main: rowsOf(tables.main), positions: rowsOf(tables.lists.positions) };
      expect(committed.positions).toHaveLength(2);

      expect(() => commitBatch(stores.readModels, [third, poison], targets)).toThrow('cannot project event 4');
      expect(target.generation().checkpoint).toBe(2);
      expect({ main: rowsOf(tables.main), positions: rowsOf(tables.lists.positions) }).toEqual(committed);

      expect(commitBatch(stores.readModels, [third], targets)).toEqual({ committed: true, position: 3 });
      expect(rowsOf(tables.lists.positions)).toHaveLength(3);
    });

    it('skips the events its checkpoint has passed, and sends the reader back past a gap', async () => {
      await appendTicks(stores.events, 's', 6);
      const events = await stores.events.readAll(0, 10);
      const target = claim();
      const targets = () => [{ generation: target.generation(), writer: target.writer }];
      commitBatch(stores.readModels, events.slice(0, 4), targets);
      expect(commitBatch(stores.readModels, events.slice(2, 5), targets)).toEqual({ committed: true, position: 5 });
      expect(commitBatch(stores.readModels, events.slice(5), targets)).toEqual({ committed: true, position: 6 });
      const positions = stores.readModels.db.prepare(`SELECT position FROM ${tablesOf(tallyProjection, 1).lists.positions} ORDER BY 1`).pluck().all();
      expect(positions).toEqual([1, 2, 3, 4, 5, 6]);

      await appendTicks(stores.events, 's', 3);
      const later = await stores.events.readAll(7, 10);
      expect(commitBatch(stores.readModels, later, targets)).toEqual({ committed: false, position: 6 });
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
      const { generation } = stores.readModels.claimBuildingGeneration(tallyProjection, deadOwner);
      const writer = new GenerationWriter(stores.readModels.db, tallyProjection, tablesOf(tallyProjection, generation));
      const events = await stores.events.readAll(0, 4);
      commitBatch(stores.readModels, events, () => [{ generation: stores.readModels.generation('tally', generation) as Generation, writer }]);

      const [rebuilt] = await rebuild(stores.events, stores.readModels, [tallyProjection]);
      expect(rebuilt).toEqual({ projection: 'tally', generation, resumedAt: 4, position: 10 });
      expect(stores.tally('a')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('is refused while another live process builds the projection', async () => {
      stores.readModels.claimBuildingGeneration(tallyProjection, 'another-host:1');
      await expect(rebuild(stores.events, stores.readModels, [tallyProjection])).rejects.toBeInstanceOf(RebuildInProgress);
    });
  });
});
