// The projector thread (see projector-thread.ts): opens its own connections to both stores and keeps every
// projection live until the server asks it to stop.
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { ALL_PROJECTIONS } from '../../../projections/all-projections';
import { SinergiConfig } from '../../config/sinergi.config';
import { SystemClock } from '../../core/clock.port';
import { openEventStore } from '../../infrastructure/event-store-adapters';
import { tracing } from '../../core/tracing';
import { Projector } from './projector';
import type { ProjectorThreadMessage, ProjectorThreadSettings } from './projector-thread';
import { GenerationRegistry } from '../storage/generation-registry';

/** How soon the thread's own connection sees the server's commits to the SQLite file (its one way to learn of them). */
const POLL_INTERVAL_MS = 10;
/** How often the server is told whether the projector is failing. */
const REPORT_INTERVAL_MS = 250;
/**
 * A build at start-up reads the log a few thousand events at a time, keeps fewer documents between commits and
 * commits more often, with a smaller page cache than a rebuild of its own (`sinergi projections rebuild`) takes:
 * the server's memory stays bounded while it builds (and its first build is on a fresh data directory, its
 * largest). At 1,000,000 events the thread holds about 75 MB less at its peak, and builds as fast.
 */
const BUILD = { readSize: 2_000, batchSize: 20_000, cachedDocuments: 2_000 };
const PAGE_CACHE_MB = 16;

if (!parentPort) throw new Error('projector.worker runs as a worker thread of the server');
const port: MessagePort = parentPort;
const post = (message: ProjectorThreadMessage): void => port.postMessage(message);
const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function main(settings: ProjectorThreadSettings): Promise<void> {
  const config = new SinergiConfig(0, settings.dataDir, '100kb', settings.eventStore);
  const events = await openEventStore(config, new SystemClock(), { pollIntervalMs: POLL_INTERVAL_MS });
  const store = await GenerationRegistry.open(settings.readModels, { sqlite: { pageCacheMb: PAGE_CACHE_MB } });
  const projector = new Projector(events, store, ALL_PROJECTIONS, {
    live: { onError: (error) => post({ type: 'log', level: 'error', message: `a batch failed; retrying: ${describe(error)}` }) },
    build: {
      ...BUILD,
      onProgress: (p) => {
        if (p.phase !== 'replaying') post({ type: 'log', level: 'log', message: `${p.projections.join(', ')}: ${p.phase} at ${p.position} of ${p.head}` });
      },
    },
    onBuildError: (error) => post({ type: 'log', level: 'error', message: `a build failed; retrying: ${describe(error)}` }),
  });
  let reported: string | undefined;
  const report = setInterval(() => {
    const lastError = projector.lastError;
    const now = lastError && `${lastError.at.toISOString()} ${lastError.message}`;
    if (now === reported) return;
    reported = now;
    post({ type: 'failing', lastError: lastError && { at: lastError.at.toISOString(), message: lastError.message } });
  }, REPORT_INTERVAL_MS);
  port.on('message', (message: { type: 'stop' }) => {
    if (message.type !== 'stop') return;
    void (async () => {
      clearInterval(report);
      await projector.stop();
      await store.close();
      await events.close();
      await tracing().flush();
      port.close();
    })();
  });
  projector.start();
}

main(workerData as ProjectorThreadSettings).catch((error: unknown) => {
  post({ type: 'log', level: 'error', message: `the projector thread could not start: ${describe(error)}` });
  // In a worker thread this ends the thread, not the server: the server starts it again a little later.
  process.exit(1);
});
