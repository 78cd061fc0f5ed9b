import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { EventStore } from '../core/event-store.port';
import { SinergiConfig } from '../config/sinergi.config';
import { PublicRoute } from '../http/request-actor';

interface ComponentHealth {
  status: 'up' | 'down';
  [detail: string]: unknown;
}

@Controller('health')
@PublicRoute()
export class HealthController {
  constructor(
    private readonly store: EventStore,
    private readonly config: SinergiConfig,
  ) {}

  /** Each component's state; 503 when one is down. */
  @Get()
  async health(@Res({ passthrough: true }) response: Response): Promise<{ status: string; components: Record<string, ComponentHealth> }> {
    const components: Record<string, ComponentHealth> = { eventStore: await this.eventStore() };
    const status = Object.values(components).every((c) => c.status === 'up') ? 'up' : 'down';
    if (status === 'down') response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status, components };
  }

  private async eventStore(): Promise<ComponentHealth> {
    try {
      return { status: 'up', adapter: 'sqlite', file: this.config.eventStoreFile, headPosition: await this.store.headPosition() };
    } catch (error) {
      return { status: 'down', adapter: 'sqlite', error: error instanceof Error ? error.message : String(error) };
    }
  }
}
