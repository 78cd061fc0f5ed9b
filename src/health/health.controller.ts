import { Controller, Get, HttpStatus, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { EventStore } from '../core/event-store.port';
import { SinergiConfig } from '../config/sinergi.config';
import { type AuthenticatedRequest, PublicRoute } from '../access/request-actor';
import { ProjectionsStatus } from '../read-models/projector/projections-status';
import { ObservabilityConfig } from '../observability/observability.config';
import { RemindersRuntime } from '../reminders/reminders.runtime';

interface ComponentHealth {
  /** Only `down` makes the whole service down: reminders that are off or waiting for Redis do not stop commands. */
  status: 'up' | 'down' | 'degraded' | 'disabled';
  [detail: string]: unknown;
}

@Controller('health')
@PublicRoute()
export class HealthController {
  constructor(
    private readonly store: EventStore,
    private readonly config: SinergiConfig,
    private readonly projections: ProjectionsStatus,
    private readonly reminders: RemindersRuntime,
    private readonly observability: ObservabilityConfig,
  ) {}

  /** Liveness: the process answers. An orchestrator restarts it when this fails, so it depends on nothing else. */
  @Get('live')
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  /**
   * Readiness: the event store answers and every read model is live and within SINERGI_READY_MAX_LAG events of the
   * log (503 otherwise), so a load balancer sends no request to a node still building its read models. The reasons
   * only to an admin, as on /health.
   */
  @Get('ready')
  async ready(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ status: 'ready' | 'not-ready'; reasons?: string[] }> {
    const reasons: string[] = [];
    try {
      await this.store.headPosition();
      for (const p of (await this.projections.report()).projections) {
        if (!p.live) reasons.push(`${p.name} is being built (${p.building?.position ?? 0} of ${p.head} events)`);
        else if (p.live.lag > this.observability.readyMaxLag) reasons.push(`${p.name} is ${p.live.lag} events behind the log`);
      }
    } catch (error) {
      reasons.push(`a store does not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    const status = reasons.length === 0 ? 'ready' : 'not-ready';
    if (status === 'not-ready') response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return request.principal?.role === 'admin' ? { status, reasons } : { status };
  }

  /**
   * Up or down (503) to anyone; each component's state only to an admin, as it names files and hosts, and the failed
   * deliveries of every region.
   */
  @Get()
  async health(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ status: string; components?: Record<string, ComponentHealth> }> {
    const components: Record<string, ComponentHealth> = {
      eventStore: await this.eventStore(),
      projections: await this.projections.health(),
      reminders: await this.reminders.health(),
    };
    const status = Object.values(components).some((c) => c.status === 'down') ? 'down' : 'up';
    if (status === 'down') response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return request.principal?.role === 'admin' ? { status, components } : { status };
  }

  private async eventStore(): Promise<ComponentHealth> {
    const { adapter } = this.config.eventStore;
    const where = adapter === 'sqlite' ? { file: this.config.eventStoreFile } : { url: this.config.eventStoreLocation };
    try {
      return { status: 'up', adapter, ...where, headPosition: await this.store.headPosition() };
    } catch (error) {
      return { status: 'down', adapter, ...where, error: error instanceof Error ? error.message : String(error) };
    }
  }
}
