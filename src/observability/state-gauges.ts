import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EventStore } from '../core/event-store.port';
import { ProjectionsStatus } from '../read-models/projector/projections-status';
import { RemindersRuntime } from '../reminders/reminders.runtime';
import { Metrics } from './metrics';

/** The gauges of one scrape are read within this; scrapes come seconds apart. */
const SCRAPE_MS = 500;

/** One read shared by the gauges of a scrape that need it. */
function sharedWithin<T>(ms: number, read: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (!last || now - last.at > ms) last = { at: now, value: read() };
    return last.value;
  };
}

/** What /metrics reads from the stores when it is scraped: the log's head and commits, the read models, the reminders. */
@Injectable()
export class StateGauges implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly events: EventStore,
    private readonly projections: ProjectionsStatus,
    private readonly reminders: RemindersRuntime,
  ) {}

  onModuleInit(): void {
    const { metrics, events } = this;
    metrics.gauge('sinergi_event_store_head_position', 'Position of the last event in the log', [], async (gauge) => {
      gauge.set(await events.headPosition());
    });
    for (const counter of events.counters()) metrics.counterOf(counter.name, counter.help, counter.read);

    const projections = sharedWithin(SCRAPE_MS, async () => (await this.projections.report()).projections);
    metrics.gauge('sinergi_projection_lag_events', 'Events of the log a read model has not applied yet', ['projection'], async (gauge) => {
      for (const p of await projections()) gauge.set({ projection: p.name }, p.live ? p.live.lag : p.head);
    });
    metrics.gauge('sinergi_projection_live', '1 when the read model has a live generation, 0 while it is first built', ['projection'], async (gauge) => {
      for (const p of await projections()) gauge.set({ projection: p.name }, p.live ? 1 : 0);
    });

    const reminders = sharedWithin(SCRAPE_MS, () => this.reminders.gauges());
    metrics.gauge('sinergi_reminders_enabled', '1 when reminders are on (Redis configured)', [], async (gauge) => {
      gauge.set((await reminders()).enabled ? 1 : 0);
    });
    metrics.gauge('sinergi_redis_up', '1 when the reminder queue reaches Redis', [], async (gauge) => {
      gauge.set((await reminders()).redisUp ? 1 : 0);
    });
    metrics.gauge('sinergi_reminder_backlog', 'Reminder jobs due and not done yet (waiting and active)', [], async (gauge) => {
      const { backlog } = await reminders();
      if (backlog !== undefined) gauge.set(backlog);
    });
    metrics.gauge('sinergi_reminder_jobs_planned', 'Reminder jobs planned from the deadlines', [], async (gauge) => {
      gauge.set((await reminders()).planned);
    });
    metrics.gauge('sinergi_reminder_deliveries_unconfirmed', 'Deliveries claimed without an outcome (never sent again): for an operator to check', [], async (gauge) => {
      gauge.set((await reminders()).unconfirmed);
    });
    metrics.gauge('sinergi_reminder_deliveries_given_up', 'Deliveries whose retries ran out', [], async (gauge) => {
      gauge.set((await reminders()).givenUp);
    });
  }
}
