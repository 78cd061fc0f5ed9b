import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { SinergiConfig } from '../config/sinergi.config';
import { ProjectionsController } from './http/projections.controller';
import { ReadModelsController, RegionCodePipe } from './http/read-models.controller';
import { ProjectorThread } from './projector/projector-thread';
import { ProjectionsStatus } from './projector/projections-status';
import { ActivityFeedQuery } from './queries/activity-feed.query';
import { AgreementListQuery } from './queries/agreement-list.query';
import { DeadlineScheduleQuery } from './queries/deadline-schedule.query';
import { RegionPortfolioQuery } from './queries/region-portfolio.query';
import { WorklistQuery } from './queries/worklist.query';
import { ReadModelReader } from './queries/read-model.reader';
import { GenerationRegistry } from './storage/generation-registry';
import { ReadModelsConfig } from './read-models.config';

/**
 * The read models: their store, the projector that keeps them live (on a thread of this process unless
 * `SINERGI_PROJECTOR=external`), the queries over them and their routes.
 */
@Module({
  controllers: [ReadModelsController, ProjectionsController],
  providers: [
    { provide: ReadModelsConfig, useFactory: (config: SinergiConfig) => ReadModelsConfig.from(config), inject: [SinergiConfig] },
    // The server reads; the projector's own connection builds and keeps the large page cache.
    { provide: GenerationRegistry, useFactory: (config: ReadModelsConfig) => GenerationRegistry.open(config.store, { sqlite: { pageCacheMb: 8 } }), inject: [ReadModelsConfig] },
    {
      provide: ProjectorThread,
      useFactory: (config: SinergiConfig, readModels: ReadModelsConfig) =>
        new ProjectorThread({ dataDir: config.dataDir, eventStore: config.eventStore, readModels: readModels.store }),
      inject: [SinergiConfig, ReadModelsConfig],
    },
    ReadModelReader,
    ProjectionsStatus,
    RegionCodePipe,
    AgreementListQuery,
    RegionPortfolioQuery,
    WorklistQuery,
    DeadlineScheduleQuery,
    ActivityFeedQuery,
  ],
  exports: [ProjectionsStatus, ReadModelReader, AgreementListQuery, RegionPortfolioQuery, WorklistQuery, DeadlineScheduleQuery, ActivityFeedQuery],
})
export class ReadModelsModule implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  constructor(
    @Inject(ProjectorThread) private readonly projector: ProjectorThread,
    @Inject(GenerationRegistry) private readonly store: GenerationRegistry,
    @Inject(ReadModelsConfig) private readonly config: ReadModelsConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.projector === 'in-process') this.projector.start();
  }

  /** Before any module shuts down: the thread finishes its batch and closes its own connections. */
  async onModuleDestroy(): Promise<void> {
    await this.projector.stop();
  }

  onApplicationShutdown(): Promise<void> {
    return this.store.close();
  }
}
