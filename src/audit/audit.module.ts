import { Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SinergiConfig } from '../config/sinergi.config';
import { Clock } from '../core/clock.port';
import { EventStore } from '../core/event-store.port';
import { DocumentsModule } from '../documents/documents.module';
import { ReadModelsModule } from '../read-models/read-models.module';
import { AdministrationTrailController } from './administration-trail';
import { AuditController } from './audit.controller';
import { auditQueryHandlers } from './audit.queries';
import { CheckpointKey, checkpointKeySettingsFromEnv, checkpointSecondsFromEnv, LogCheckpoints } from './log-checkpoints';

@Module({
  imports: [CqrsModule, ReadModelsModule, DocumentsModule],
  controllers: [AuditController, AdministrationTrailController],
  providers: [
    ...auditQueryHandlers,
    {
      provide: LogCheckpoints,
      useFactory: (config: SinergiConfig, store: EventStore, clock: Clock) =>
        new LogCheckpoints(store, CheckpointKey.load(checkpointKeySettingsFromEnv(process.env, config.dataDir)), clock),
      inject: [SinergiConfig, EventStore, Clock],
    },
  ],
})
export class AuditModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(LogCheckpoints) private readonly checkpoints: LogCheckpoints) {}

  onApplicationBootstrap(): void {
    const logger = new Logger('Checkpoints');
    this.checkpoints.start(checkpointSecondsFromEnv(process.env), (error) => logger.error(`signing a checkpoint failed: ${String(error)}`));
  }

  onApplicationShutdown(): void {
    this.checkpoints.stop();
  }
}
