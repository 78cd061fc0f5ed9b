import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CommandObserver, CommandOutcome } from '../core/command-processor';

/** Seconds, from a millisecond on: a command is a durable commit, a request adds the HTTP edge. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * What the server counts as it goes, in Prometheus' conventions (`sinergi_` names, seconds, `_total` counters), with
 * Node's own process metrics. Its own registry, not prom-client's global one: every application (tests start many
 * in one process) counts for itself. What is read from the stores when scraped is added by `StateGauges`.
 */
@Injectable()
export class Metrics implements CommandObserver {
  readonly registry = new Registry();

  private readonly commands = new Counter({
    name: 'sinergi_commands_total',
    help: 'Commands handled, by command type and outcome (appended, replayed, refused, failed)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly commandSeconds = new Histogram({
    name: 'sinergi_command_duration_seconds',
    help: 'Time from a command handed in to its outcome, durable commit included',
    labelNames: ['type'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly requestSeconds = new Histogram({
    name: 'sinergi_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  commandSettled(type: string, outcome: CommandOutcome, seconds: number): void {
    this.commands.inc({ type, outcome });
    this.commandSeconds.observe({ type }, seconds);
  }

  requestServed(method: string, route: string, status: number, seconds: number): void {
    this.requestSeconds.observe({ method, route, status: String(status) }, seconds);
  }

  /** A gauge whose value is read when scraped. */
  gauge<Label extends string>(name: string, help: string, labelNames: readonly Label[], collect: (gauge: Gauge<Label>) => Promise<void>): void {
    new Gauge<Label>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        await collect(this);
      },
    });
  }

  /** A counter kept by someone else (a store's group commits), read when scraped. */
  counterOf(name: string, help: string, read: () => number | undefined): void {
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        const value = read();
        this.reset();
        if (value !== undefined) this.inc(value);
      },
    });
  }
}
