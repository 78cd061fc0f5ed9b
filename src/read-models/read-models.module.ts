import { Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { ALL_PROJECTIONS } from '../../projections/all-projections';
import { SinergiConfig } from '../config/sinergi.config';
import { EventStore } from '../core/event-store.port';
import { ProjectionsController } from './http/projections.controller';
import { ReadModelsController, RegionCodePipe } from './http/read-models.controller';
import { Projector } from './projector';
import { ProjectionsStatus } from './projections-status';
import { ActivityFeedQuery } from './queries/activity-feed.query';
import { AgreementListQuery } from './queries/agreement-list.query';
import { DeadlineScheduleQuery } from './queries/deadline-schedule.query';
import { RegionPortfolioQuery } from './queries/region-portfolio.query';
import { WorklistQuery } from './queries/worklist.query';
import { ReadModelReader } from './read-model.reader';
import { ReadModelStore } from './read-model.store';
import { ReadModelsConfig } from './read-models.config';

const logger = new Logger('Projections');

/**
 * The read models: their store, the projector that keeps them live (in this process unless
 * `SINERGI_PROJECTOR=external`), the queries over them and their routes.
 */
@Module({
  controllers: [ReadModelsController, ProjectionsController],
  providers: [
    { provide: ReadModelsConfig, useFactory: (config: SinergiConfig) => ReadModelsConfig.from(config), inject: [SinergiConfig] },
    { provide: ReadModelStore, useFactory: (config: ReadModelsConfig) => ReadModelStore.open(config.store), inject: [ReadModelsConfig] },
    {
      provide: Projector,
      useFactory: (events: EventStore, store: ReadModelStore) =>
        new Projector(events, store, ALL_PROJECTIONS, {
          live: { onError: (error) => logger.error(`a batch failed; retrying: ${String(error)}`) },
          build: {
            onProgress: (p) => {
              if (p.phase !== 'replaying') logger.log(`${p.projections.join(', ')}: ${p.phase} at ${p.position} of ${p.head}`);
            },
          },
          onBuildError: (error) => logger.error(`a build failed; retrying: ${String(error)}`),
        }),
      inject: [EventStore, ReadModelStore],
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
  exports: [Projector, ProjectionsStatus, ReadModelReader, AgreementListQuery, RegionPortfolioQuery, WorklistQuery, DeadlineScheduleQuery, ActivityFeedQuery],
})
export class ReadModelsModule implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  constructor(
    @Inject(Projector) private readonly projector: Projector,
    @Inject(ReadModelStore) private readonly store: ReadModelStore,
    @Inject(ReadModelsConfig) private readonly config: ReadModelsConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.projector === 'in-process') this.projector.start();
  }

  /** Before any module shuts down: the projector reads the event store, which closes on shutdown. */
  async onModuleDestroy(): Promise<void> {
    await this.projector.stop();
  }

  onApplicationShutdown(): Promise<void> {
    return this.store.close();
  }
}
