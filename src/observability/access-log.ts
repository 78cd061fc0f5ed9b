import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { AuthenticatedRequest } from '../access/request-actor';
import type { Metrics } from './metrics';
import type { LogFormat } from './observability.config';
import { tracing } from '../core/tracing';

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

type Middleware = (request: Request, response: Response, next: NextFunction) => void;

/** Runs the rest of a request in its span: set by `accessLog`, used again once the body is read (`inRequestSpan`). */
const runInSpan = Symbol('runInSpan');
type TracedRequest = Request & { [runInSpan]?: <T>(work: () => T) => T };

/**
 * One line per request once it is answered, its duration in the request histogram, and its span when traces are on
 * (named by method and route pattern, with the status; no header, path or query).
 */
export function accessLog(metrics: Metrics, format: LogFormat): Middleware {
  return (request, response, next) => {
    const began = performance.now();
    const { span, run } = tracing().startRequest(`${request.method}`, { 'http.request.method': request.method });
    response.once('finish', () => {
      const durationMs = performance.now() - began;
      const route = request.route ? `${request.baseUrl}${String(request.route.path)}` : request.baseUrl || 'other';
      metrics.requestServed(request.method, route, response.statusCode, durationMs / 1000);
      span.updateName(`${request.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': response.statusCode });
      if (response.statusCode >= 500) span.fail(String(response.statusCode));
      span.end();
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
    (request as TracedRequest)[runInSpan] = run;
    run(next);
  };
}

/** Back in the request's span after a step that left it (the body is read in the socket's callbacks). */
export const inRequestSpan: Middleware = (request, _response, next) => {
  const run = (request as TracedRequest)[runInSpan];
  if (run) run(next);
  else next();
};

function textOf({ method, path, status, durationMs, userId }: AccessLogEntry): string {
  return `${method} ${path} ${status} ${durationMs} ms${userId ? ` by ${userId}` : ''}`;
}
