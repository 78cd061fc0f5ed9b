import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ALL_PROJECTIONS } from '../../projections/all-projections';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite.event-store';
import { generationOf, GenerationRegistry } from '../../src/read-models/storage/generation-registry';
import { readModelFileOf, type ReadModelStoreSelection } from '../../src/read-models/read-models.config';
import { rebuild } from '../../src/read-models/projector/rebuild';
import { loadDemoStore } from '../support/demo-store';
import { readModelBackends } from '../support/stores';
import { AgreementHistory, appendInterleaved, Random } from './support/generated-histories';
import { dumpLive } from './support/read-model-dump';

const root = join(__dirname, '..', '..');
const REGIONS = ['32', '36', '17', '73.24', '62.08', '32.04', '36.04', '31', '33', '35'];

/** The environment that points `sinergi projector` at the read models. */
function readModelEnv(location: ReadModelStoreSelection): NodeJS.ProcessEnv {
  return location.adapter === 'sqlite'
    ? { SINERGI_READ_MODELS: 'sqlite' }
    : { SINERGI_READ_MODELS: 'postgres', SINERGI_READ_MODELS_URL: location.url, SINERGI_READ_MODELS_SCHEMA: location.schema };
}

/** `sinergi projector` in a child process, with small batches so that a kill lands anywhere. */
function startProjector(dataDir: string, location: ReadModelStoreSelection): { child: ChildProcess; started: Promise<void>; output: () => string } {
  const child = spawn(
    process.execPath,
    ['--require', join(root, 'test/support/swc-register.js'), join(root, 'src/read-models/projector/projections-cli.ts'), 'projector', '--batch-size', '13'],
    { cwd: root, env: { ...process.env, SINERGI_DATA_DIR: dataDir, ...readModelEnv(location) }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const started = new Promise<void>((resolve) => {
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Projecting')) resolve();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
  });
  return { child, started, output: () => output };
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

describe('a projector killed at random moments', () => {
  const backends = readModelBackends();
  let dataDir: string;
  let events: SqliteEventStore;
  const random = new Random(Date.now() % 100_000);
  let agreements = 0;
  const histories = (count: number) => () =>
    agreements++ < count
      ? new AgreementHistory(random, {
          proposer: REGIONS[agreements % REGIONS.length],
          counterparts: [REGIONS[(agreements + 3) % REGIONS.length]],
          start: '2023-01-02',
          activeSteps: 12,
        })
      : undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sinergi-projector-crash-'));
    await loadDemoStore(dataDir);
    // The demo ran with projections in-process: start the projector's life without read models.
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${readModelFileOf({ dataDir })}${suffix}`, { force: true });
    events = SqliteEventStore.open(join(dataDir, 'events.sqlite'));
    await appendInterleaved(events, histories(150), { inFlight: 40 });
  });
  afterAll(async () => {
    await events.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe.each(backends)('on $name', (backend) => {
    it('ends with read models identical to a clean rebuild', async () => {
      // A SQLite file in the data directory is the one the projector opens by default.
      const location = await backend.fresh(dataDir);
      const readModels = await GenerationRegistry.open(location);
      /** How far the projections got: the least advanced generation, building or live. */
      const progress = async (): Promise<number> => {
        const generations = await readModels.generations();
        return Math.min(
          ...ALL_PROJECTIONS.map((p) => (generationOf(generations, p.name, 'building') ?? generationOf(generations, p.name, 'live'))?.checkpoint ?? 0),
        );
      };
      const caughtUp = async (): Promise<boolean> => {
        const generations = await readModels.generations();
        const allLive = ALL_PROJECTIONS.every((p) => generationOf(generations, p.name, 'live'));
        return allLive && (await progress()) >= (await events.headPosition());
      };
      const until = async (condition: () => Promise<boolean>, what: string, output: () => string): Promise<void> => {
        const deadline = Date.now() + 20_000;
        while (!(await condition())) {
          if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}:\n${output()}`);
          // Often enough to kill mid-work, seldom enough to leave the two cores to the projector and the server.
          await delay(10);
        }
      };
      /** Kills the projector once it has passed a random point on the first 70% of its way to `head`: mid-work. */
      const killMidway = async (projector: ReturnType<typeof startProjector>, head: number): Promise<void> => {
        const from = await progress();
        const target = from + Math.max(1, Math.floor(random.next() * 0.7 * (head - from)));
        await until(async () => (await progress()) >= target, `the projector passes ${target}`, projector.output);
        await kill(projector.child);
        expect(await progress()).toBeLessThan(await events.headPosition());
      };
      try {
        // While it builds the read models for the first time.
        for (let crash = 0; crash < 3; crash++) {
          const projector = startProjector(dataDir, location);
          await projector.started;
          await killMidway(projector, await events.headPosition());
        }
        // While it follows new events as they are appended.
        for (let crash = 0; crash < 3; crash++) {
          const projector = startProjector(dataDir, location);
          await projector.started;
          await until(caughtUp, 'the projector catches up', projector.output);
          const head = await events.headPosition();
          const appending = appendInterleaved(events, histories(agreements + 20), { inFlight: 4 });
          await until(async () => (await events.headPosition()) > head + 300, 'events arrive', projector.output);
          await killMidway(projector, head + 300);
          await appending;
        }

        const last = startProjector(dataDir, location);
        await last.started;
        await until(caughtUp, 'the projector catches up', last.output);
        const exited = once(last.child, 'exit');
        last.child.kill('SIGTERM');
        expect(await exited).toEqual([0, null]);

        const clean = await GenerationRegistry.open(await backend.fresh(join(dataDir, 'clean')));
        try {
          await rebuild(events, clean, ALL_PROJECTIONS);
          expect(await dumpLive(readModels, ALL_PROJECTIONS)).toEqual(await dumpLive(clean, ALL_PROJECTIONS));
        } finally {
          await clean.close();
        }
      } finally {
        await readModels.close();
      }
    });
  });
});
