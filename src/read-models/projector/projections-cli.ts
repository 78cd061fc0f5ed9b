import type { AnyProjection } from '../../../projections/projection';
import { ALL_PROJECTIONS, projectionsNamed } from '../../../projections/all-projections';
import { parseArgs } from 'node:util';
import { UsageError } from '../../cli-usage';
import { SinergiConfig } from '../../config/sinergi.config';
import { SystemClock } from '../../core/clock.port';
import type { EventStore } from '../../core/event-store.port';
import { openEventStore } from '../../infrastructure/event-store-adapters';
import { Projector } from './projector';
import { GenerationRegistry } from '../storage/generation-registry';
import { ReadModelsConfig } from '../read-models.config';
import { rebuild, type RebuildProgress } from './rebuild';
import { type ProgressOutput, startProgress, stderrProgressOutput } from '../../progress';

export const PROJECTOR_USAGE = 'projector [--batch-size N]';
export const REBUILD_USAGE = `rebuild [${ALL_PROJECTIONS.map((p) => p.name).join(' | ')}] [--batch-size N]`;

type Print = (line: string) => void;

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

function progressLine(p: RebuildProgress): string {
  const percent = p.head === 0 ? 100 : (100 * p.position) / p.head;
  const what = p.projections.join(', ');
  switch (p.phase) {
    case 'replaying':
      return `  ${what}: ${count(p.position)} / ${count(p.head)} events (${percent.toFixed(0)}%), ${count(p.eventsPerSecond)} events/s`;
    case 'indexing':
      return `  ${what}: caught up at ${count(p.position)}; creating indexes`;
    case 'switched':
      return `  ${what}: switched live at ${count(p.position)}`;
  }
}

const BATCH_SIZE_OPTION = { 'batch-size': { type: 'string' } } as const;

function batchSizeOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1) throw new UsageError('--batch-size must be a whole number of events, at least 1');
  return size;
}

async function withStores<T>(run: (events: EventStore, store: GenerationRegistry, where: string) => Promise<T>): Promise<T> {
  const config = SinergiConfig.fromEnv();
  const readModels = ReadModelsConfig.from(config);
  const events = await openEventStore(config, new SystemClock());
  try {
    const store = await GenerationRegistry.open(readModels.store);
    const { location } = readModels;
    try {
      return await run(events, store, location.adapter === 'postgres' ? `${location.location} (schema ${location.schema})` : location.location);
    } finally {
      await store.close();
    }
  } finally {
    await events.close();
  }
}

/**
 * `sinergi projector`: keeps the read models live in a process of its own (run the server with
 * `SINERGI_PROJECTOR=external`), until SIGINT or SIGTERM. Builds first what has no live generation yet.
 */
export async function runProjectorCommand(args: string[], print: Print = console.log): Promise<number> {
  const { values } = parseArgs({ args, options: BATCH_SIZE_OPTION, strict: true });
  const batchSize = batchSizeOf(values['batch-size']);
  return withStores(async (events, store, where) => {
    const projector = new Projector(events, store, ALL_PROJECTIONS, {
      live: { batchSize, onError: (error) => print(`a batch failed, retrying: ${String(error)}`) },
      build: { batchSize, onProgress: (p) => print(progressLine(p)), progressIntervalMs: 2000 },
      onBuildError: (error) => print(`a build failed, retrying: ${String(error)}`),
    });
    const stopped = new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    print(`Projecting ${ALL_PROJECTIONS.map((p) => p.name).join(', ')} into ${where}; stop with Ctrl-C`);
    projector.start();
    let last = new Map<string, number>();
    const report = async (): Promise<void> => {
      const statuses = await projector.status();
      const parts = statuses.map((s) => {
        if (!s.live) return `${s.name} building`;
        const rate = (s.live.position - (last.get(s.name) ?? s.live.position)) / 5;
        return `${s.name} at ${count(s.live.position)} (lag ${count(s.live.lag)}, ${count(rate)} events/s)`;
      });
      last = new Map(statuses.map((s) => [s.name, s.live?.position ?? 0]));
      print(`  ${parts.join('; ')}`);
    };
    // The interval also keeps the process alive while the subscription sleeps.
    const timer = setInterval(() => void report(), 5000);
    const signal = await stopped;
    clearInterval(timer);
    await projector.stop();
    await report();
    print(`Stopped (${signal}).`);
    return 0;
  });
}

/**
 * `sinergi rebuild [name]`: throws the read model (all of them by default) away and replays it from the start
 * into a new generation, while the live one keeps serving; then switches.
 */
export async function runRebuildCommand(args: string[], print: Print = console.log, out: ProgressOutput = stderrProgressOutput): Promise<number> {
  const { positionals, values } = parseArgs({ args, options: BATCH_SIZE_OPTION, allowPositionals: true, strict: true });
  if (positionals.length > 1) throw new UsageError(`usage: sinergi ${REBUILD_USAGE}`);
  const projections: readonly AnyProjection[] = positionals.length === 1 ? projectionsNamed(positionals) : ALL_PROJECTIONS;
  const batchSize = batchSizeOf(values['batch-size']);
  return withStores(async (events, store) => {
    print(`Rebuilding ${projections.map((p) => p.name).join(', ')} from ${count(await events.headPosition())} events`);
    const begin = Date.now();
    const progress = startProgress('replaying', { unit: 'events', out });
    const rebuilt = await rebuild(events, store, projections, {
      batchSize,
      onProgress: (p) => (p.phase === 'replaying' ? progress.update(p.position, p.head) : progress.log(progressLine(p))),
    });
    progress.finish();
    const seconds = (Date.now() - begin) / 1000;
    for (const r of rebuilt) {
      const resumed = r.resumedAt > 0 ? `, resumed at ${count(r.resumedAt)}` : '';
      print(`${r.projection}: generation ${r.generation} is live at position ${count(r.position)}${resumed}`);
    }
    print(`Done in ${seconds.toFixed(1)} s.`);
    return 0;
  });
}

// `node -r ./test/support/swc-register.js src/read-models/projector/projections-cli.ts projector`: the commands without the
// rest of the CLI, which the crash test starts and kills many times.
if (require.main === module) {
  const [command, ...args] = process.argv.slice(2);
  const run = command === 'projector' ? runProjectorCommand : command === 'rebuild' ? runRebuildCommand : undefined;
  if (!run) throw new UsageError(`usage: projections-cli ${PROJECTOR_USAGE} | ${REBUILD_USAGE}`);
  run(args).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
