import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { AllowedRoles } from '../access/request-actor';
import { Metrics } from './metrics';

/** Prometheus' text format, for an admin's token (or the scrape token, see `metricsTokenGate`). */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @AllowedRoles('admin')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'the metrics in the Prometheus text format' })
  async scrape(@Res({ passthrough: true }) response: Response): Promise<string> {
    response.type(this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Answers /metrics for the scrape token before the API's authentication sees the request: Prometheus then needs no
 * user, and no admin's power. Any other request goes on to the route, which admits admins only.
 */
export function metricsTokenGate(metrics: Metrics, token: string | undefined): (request: Request, response: Response, next: NextFunction) => void {
  const expected = token === undefined ? undefined : sha256(`Bearer ${token}`);
  return (request, response, next) => {
    const given = request.header('authorization');
    if (request.method !== 'GET' || !expected || given === undefined || !timingSafeEqual(sha256(given), expected)) {
      next();
      return;
    }
    metrics.registry.metrics().then(
      (text) => response.type(metrics.registry.contentType).send(text),
      (error: unknown) => next(error),
    );
  };
}
