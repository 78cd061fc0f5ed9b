import { Controller, Get, HttpStatus, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { EventStore } from '../core/event-store.port';
import { SinergiConfig } from '../config/sinergi.config';
import { type AuthenticatedRequest, PublicRoute } from '../http/request-actor';
import { ProjectionsStatus } from '../read-models/projections-status';
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
  ) {}

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
