import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import { ALL_PROJECTIONS } from '../../projections/all-projections';
import { AccessConfig } from '../../src/access/access.config';
import { AppModule } from '../../src/app.module';
import { SinergiConfig } from '../../src/config/sinergi.config';
import { Clock } from '../../src/core/clock.port';
import { EventStore } from '../../src/core/event-store.port';
import { loadSeedStories } from '../../src/demo/seed-stories';
import { ProjectionsStatus } from '../../src/read-models/projector/projections-status';
import { RegionPortfolioQuery } from '../../src/read-models/queries/region-portfolio.query';
import { GenerationRegistry } from '../../src/read-models/storage/generation-registry';
import { readModelFileOf, ReadModelsConfig } from '../../src/read-models/read-models.config';
import { rebuild } from '../../src/read-models/projector/rebuild';
import { RegionDirectory } from '../../src/regions/domain/region-directory';
import { type AppStores, storePairs } from '../support/stores';
import { TestClock } from '../support/test-app';
import { appendInterleaved, westJavaPortfolio } from './support/generated-histories';
import { dumpLive } from './support/read-model-dump';

/** The application as the server runs it, projections in-process, without HTTP. */
async function startApplication(dataDir: string, clock: Clock, stores: AppStores): Promise<TestingModule> {
  const readModels = stores.readModels?.adapter === 'postgres' ? stores.readModels : { adapter: 'sqlite' as const, file: readModelFileOf({ dataDir }) };
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(SinergiConfig)
    .useValue(new SinergiConfig(0, dataDir, '100kb', stores.events))
    .overrideProvider(ReadModelsConfig)
    .useValue(new ReadModelsConfig(readModels, 'in-process'))
    .overrideProvider(Clock)
    .useValue(clock)
    .overrideProvider(AccessConfig)
    .useValue(new AccessConfig(undefined))
    .compile();
  moduleRef.useLogger(['error', 'warn']);
  return moduleRef.init();
}

describe.each(storePairs())('a rebuilt read model on $name', (pair) => {
  let dataDir: string;
  let app: TestingModule;
  const clock = new TestClock('2026-11-22T03:00:00.000Z');

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sinergi-rebuild-'));
    app = await startApplication(dataDir, clock, await pair.stores());
    // The first build of an empty store: every event of the test then goes through the live runner.
    await app.get(ProjectionsStatus).caughtUp(0);
  }, 60_000);
  afterEach(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Waits until the live projections have every event, then rebuilds them all and returns both. */
  async function liveThenRebuilt() {
    const events = app.get(EventStore);
    const store = app.get(GenerationRegistry);
    await app.get(ProjectionsStatus).caughtUp(await events.headPosition());
    const live = await dumpLive(store, ALL_PROJECTIONS);
    const liveGenerations = (await store.generations()).map((g) => g.generation);
    const servedWhileBuilding: number[] = [];
    const switched = await rebuild(events, store, ALL_PROJECTIONS, {
      onProgress: async (progress) => {
        // Until its switch, queries keep reading the generation the live runner built.
        if (progress.phase === 'indexing') servedWhileBuilding.push((await store.live(progress.projections[0]))?.generation ?? 0);
      },
    });
    expect(servedWhileBuilding).toEqual(liveGenerations);
    expect(switched.map((s) => s.generation)).toEqual(liveGenerations.map((g) => g + 1));
    return { live, rebuilt: await dumpLive(store, ALL_PROJECTIONS) };
  }

  it('equals the live one on the demo data', async () => {
    await loadSeedStories(app.get(CommandBus), () => undefined);
    const { live, rebuilt } = await liveThenRebuilt();
    expect(live['agreement-status'].documents).toHaveLength(6);
    expect(live.activity.documents).toHaveLength(live.activity.position);
    expect(rebuilt).toEqual(live);
  });

  it("equals the live one on West Java's 76 KSBs, whose portfolio is 27/20/29", async () => {
    const histories = westJavaPortfolio(app.get(RegionDirectory));
    await appendInterleaved(app.get(EventStore), () => histories.shift(), { inFlight: 16 });
    const { live, rebuilt } = await liveThenRebuilt();
    expect(live.activity.position).toBeGreaterThan(1000);
    expect(rebuilt).toEqual(live);

    const portfolio = await app.get(RegionPortfolioQuery).portfolio('32');
    expect(portfolio).toMatchObject({
      total: 76,
      byCounterpartCategory: { 'regency-same-province': 27, province: 20, 'regency-other-province': 29 },
      byStage: { active: 76 },
    });
  });
});
