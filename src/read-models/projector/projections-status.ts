import { Injectable } from '@nestjs/common';
import { ALL_PROJECTIONS } from '../../../projections/all-projections';
import { EventStore } from '../../core/event-store.port';
import { type ProjectionStatus, projectionStatus, projectionsCaughtUp } from './projector';
import { ProjectorThread } from './projector-thread';
import { GenerationRegistry } from '../storage/generation-registry';
import { type ProjectorMode, ReadModelsConfig, type ReadModelStoreLocation } from '../read-models.config';

export interface ProjectionsReport {
  projector: ProjectorMode;
  /** Where the read models are kept (a URL's password masked). */
  store: ReadModelStoreLocation;
  projections: ProjectionStatus[];
  /** The in-process projector's last failure, until it succeeds again. */
  lastError?: { at: Date; message: string };
}

export interface ProjectionsHealth {
  status: 'up' | 'down';
  [detail: string]: unknown;
}

@Injectable()
export class ProjectionsStatus {
  constructor(
    private readonly projector: ProjectorThread,
    private readonly config: ReadModelsConfig,
    private readonly store: GenerationRegistry,
    private readonly events: EventStore,
  ) {}

  async report(): Promise<ProjectionsReport> {
    const lastError = this.config.projector === 'in-process' ? this.projector.lastError : undefined;
    return {
      projector: this.config.projector,
      store: this.config.location,
      projections: await projectionStatus(this.store, this.events, ALL_PROJECTIONS),
      ...(lastError ? { lastError } : {}),
    };
  }

  /** Resolves once every projection's live generation, of its current version, has reached `position`. */
  caughtUp(position: number, timeoutMs = 10_000): Promise<void> {
    return projectionsCaughtUp(this.store, ALL_PROJECTIONS, position, timeoutMs);
  }

  /** Down while the projector fails; a projection still on its first build is up, but not ready. */
  async health(): Promise<ProjectionsHealth> {
    try {
      const { projector, store, projections, lastError } = await this.report();
      return {
        status: lastError ? 'down' : 'up',
        projector,
        store,
        ...Object.fromEntries(
          projections.map((p) => [
            p.name,
            p.live
              ? { ready: true, generation: p.live.generation, position: p.live.position, lag: p.live.lag, upToDate: p.live.upToDate }
              : { ready: false, building: p.building?.position ?? 0, head: p.head },
          ]),
        ),
        ...(lastError ? { error: lastError.message } : {}),
      };
    } catch (error) {
      return { status: 'down', store: this.config.location, error: error instanceof Error ? error.message : String(error) };
    }
  }
}
