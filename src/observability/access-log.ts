import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { AuthenticatedRequest } from '../http/request-actor';
import type { Metrics } from './metrics';
import type { LogFormat } from './observability.config';

export interface AccessLogEntry {
  method: string;
  /** The route's pattern (`/agreements/:agreementId`), or `other` for the web app's files and unknown paths. */
  route: string;
  /** Without its query string, where a sign-in's authorization code may travel. */
  path: string;
  status: number;
  durationMs: number;
  /** Who the verified token speaks for; never the token, nor the Authorization header. */
  userId?: string;
}

const logger = new Logger('HTTP');

/** One line per request once it is answered, and its duration in the request histogram. */
export function accessLog(metrics: Metrics, format: LogFormat): (request: Request, response: Response, next: NextFunction) => void {
  return (request, response, next) => {
    const began = performance.now();
    response.once('finish', () => {
      const durationMs = performance.now() - began;
      const route = request.route ? `${request.baseUrl}${String(request.route.path)}` : request.baseUrl || 'other';
      metrics.requestServed(request.method, route, response.statusCode, durationMs / 1000);
      const { principal } = request as AuthenticatedRequest;
      const entry: AccessLogEntry = {
        method: request.method,
        route,
        path: request.originalUrl.split('?')[0],
        status: response.statusCode,
        durationMs: Math.round(durationMs * 10) / 10,
        ...(principal ? { userId: principal.userId } : {}),
      };
      logger.log(format === 'json' ? entry : textOf(entry));
    });
    next();
  };
}

function textOf({ method, path, status, durationMs, userId }: AccessLogEntry): string {
  return `${method} ${path} ${status} ${durationMs} ms${userId ? ` by ${userId}` : ''}`;
}
