import { ConsoleLogger, type LoggerService } from '@nestjs/common';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** How the server shows itself to an operator: its log format, who may scrape /metrics, when it is ready. */
export class ObservabilityConfig {
  constructor(
    readonly logFormat: LogFormat = 'text',
    /** A bearer token that reads /metrics and nothing else (Prometheus' `authorization: credentials`); admins read it too. */
    readonly metricsToken?: string,
    /** /health/ready answers 503 while a read model is further behind the log than this many events. */
    readonly readyMaxLag = 1000,
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): ObservabilityConfig {
    const format = env.SINERGI_LOG_FORMAT ?? 'text';
    if (!(LOG_FORMATS as readonly string[]).includes(format)) {
      throw new Error(`SINERGI_LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, got "${format}"`);
    }
    const token = env.SINERGI_METRICS_TOKEN || undefined;
    if (token !== undefined && token.length < 32) throw new Error('SINERGI_METRICS_TOKEN must be at least 32 characters (e.g. openssl rand -hex 32)');
    const lag = Number(env.SINERGI_READY_MAX_LAG ?? 1000);
    if (!Number.isInteger(lag) || lag < 0) throw new Error(`SINERGI_READY_MAX_LAG must be a whole number of events, got "${env.SINERGI_READY_MAX_LAG}"`);
    return new ObservabilityConfig(format as LogFormat, token, lag);
  }

  /** Nest's own logger, writing one JSON object per line when asked to; undefined keeps Nest's default. */
  logger(): LoggerService | undefined {
    return this.logFormat === 'json' ? new ConsoleLogger({ json: true }) : undefined;
  }
}
