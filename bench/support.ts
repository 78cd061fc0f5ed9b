import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { EVENT_SCHEMA_VERSION } from '../src/core/event';
import { newEventId } from '../src/core/event-id';
import type { EventStore } from '../src/core/event-store.port';
import { regionSettingsStreamId } from '../src/region-settings/domain/region-settings';
import type { RegionDirectory } from '../src/regions/domain/region-directory';
import { addDays } from '../src/agreements/domain/dates';
import { AgreementHistory, Random } from '../test/projections/support/generated-histories';

export type Cell = string | number;

/** What one benchmark hands back to the runner: a table to print and every figure by name. */
export interface BenchResult {
  title: string;
  /** The first row is the header. */
  rows: Cell[][];
  /** `area.figure` → value; ratios to a ceiling end in `_ratio`. */
  figures: Record<string, number>;
  /** Lines printed under the table. */
  notes?: string[];
}

export interface BenchOptions {
  /** Bigger sizes, for a machine with time to spare (and for the memory goal). */
  large: boolean;
  /** Overrides the length of the long (memory) run. */
  commands?: number;
  /** Overrides how many agreements the commands are spread over. */
  agreements?: number;
  /** A directory of this benchmark's own, removed by the runner. */
  dataDir: string;
  /** Every argument, for flags of one benchmark's own. */
  argv: readonly string[];
}

export interface Measurement {
  operations: number;
  elapsedMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export const RESULT_FILE_ENV = 'BENCH_RESULT_FILE';
export const DATA_DIR_ENV = 'BENCH_DATA_DIR';

/** Progress goes to stderr, so that stdout holds only the tables and the JSON line. */
export function progress(message: string): void {
  process.stderr.write(`[bench ${(process.uptime()).toFixed(1).padStart(5)} s] ${message}\n`);
}

/**
 * Builds Sinergi as it is deployed (`npm run build`): a benchmark that measures what runs in production loads the
 * built JavaScript, not the sources compiled on the fly. swc's compiler and the sources it compiles would otherwise
 * sit in the process and in each of its threads, and count in its time and memory.
 */
export function build(): void {
  const begin = performance.now();
  const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 2] });
  if (built.status !== 0) throw new Error(`npm run build failed (${built.status ?? built.signal})`);
  progress(`built in ${fixed((performance.now() - begin) / 1000, 1)} s`);
}

const ROOT = resolve(__dirname, '..');

/** A file of the build (`src/main.js`), by its path under `dist`. */
export const builtFile = (path: string): string => join(ROOT, 'dist', path);

export function parseOptions(argv: readonly string[], dataDir: string): BenchOptions {
  const numberAfter = (flag: string): number | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const value = Number(argv[i + 1]);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`${flag} needs a positive whole number, got "${argv[i + 1]}"`);
    return value;
  };
  return {
    large: argv.includes('--large'),
    commands: numberAfter('--commands'),
    agreements: numberAfter('--agreements'),
    dataDir,
    argv,
  };
}

/**
 * The body of a `*.bench.ts` file: runs the benchmark with the runner's options and hands the result back
 * through the file the runner named (stdout stays free for whatever the code under test logs).
 */
export function runBenchmark(run: (options: BenchOptions) => Promise<BenchResult>): void {
  const dataDir = process.env[DATA_DIR_ENV];
  const resultFile = process.env[RESULT_FILE_ENV];
  if (!dataDir || !resultFile) {
    process.stderr.write('run the benchmarks with `npm run bench` (bench/run.ts), which gives each a data directory\n');
    process.exit(2);
  }
  run(parseOptions(process.argv.slice(2), dataDir))
    .then((result) => {
      writeFileSync(resultFile, JSON.stringify(result));
      // Open handles (sockets in keep-alive, timers) must not keep a finished benchmark alive.
      process.exit(0);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}

/** The value below which `p` (0..1) of the sorted samples fall (nearest rank). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank];
}

export function summarize(latenciesMs: Float64Array, elapsedMs: number): Measurement {
  const sorted = Float64Array.from(latenciesMs).sort();
  return {
    operations: latenciesMs.length,
    elapsedMs,
    perSecond: latenciesMs.length / (elapsedMs / 1000),
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
  };
}

/** Several measurements of the same thing as one: total operations over total time, latencies pooled. */
export function combine(parts: readonly { latenciesMs: Float64Array; elapsedMs: number }[]): Measurement {
  const pooled = new Float64Array(parts.reduce((n, p) => n + p.latenciesMs.length, 0));
  let offset = 0;
  for (const part of parts) {
    pooled.set(part.latenciesMs, offset);
    offset += part.latenciesMs.length;
  }
  return summarize(pooled, parts.reduce((ms, p) => ms + p.elapsedMs, 0));
}

/** Operations per second of one run. */
export const rateOf = (run: { latenciesMs: Float64Array; elapsedMs: number }): number => run.latenciesMs.length / (run.elapsedMs / 1000);

export function median(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * How a measurement compares with its ceiling when both ran in alternating rounds: the median over rounds of
 * (rate / ceiling's rate in the same round), so that a burst of a neighbour's load in one round does not decide it.
 */
export function medianRatio(
  runs: readonly { latenciesMs: Float64Array; elapsedMs: number }[],
  ceilings: readonly { latenciesMs: Float64Array; elapsedMs: number }[],
): number {
  return median(runs.map((run, round) => rateOf(run) / rateOf(ceilings[round])));
}

export interface ConcurrentRun {
  latenciesMs: Float64Array;
  elapsedMs: number;
}

/**
 * `clients` loops, each awaiting one operation at a time, until `total` operations are done. `operation` gets
 * the client's number and how many operations that client has done, so a client can keep to its own streams.
 */
export async function runConcurrently(
  total: number,
  clients: number,
  operation: (client: number, nth: number) => Promise<unknown>,
): Promise<ConcurrentRun> {
  const latenciesMs = new Float64Array(total);
  let started = 0;
  const client = async (id: number): Promise<void> => {
    for (let nth = 0; started < total; nth++) {
      const slot = started++;
      const begin = performance.now();
      await operation(id, nth);
      latenciesMs[slot] = performance.now() - begin;
    }
  };
  const begin = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, id) => client(id)));
  return { latenciesMs, elapsedMs: performance.now() - begin };
}

/** A JSON document of about the size of a stored event (data, metadata, hashes): ~600 bytes. */
export function eventSizedPayload(n: number): string {
  return JSON.stringify({
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type: 'MonevRecorded',
    data: { party: '36', date: '2026-01-10', rating: 4, recommendation: 'continue', note: 'Monitoring dan evaluasi semester' },
    metadata: {
      actor: { userId: 'koordinator.36', role: 'coordinator', region: '36' },
      occurredAt: '2026-01-10T10:00:00+07:00',
      recordedAt: '2026-01-10T03:00:00.000Z',
      correlationId: '5f0c7a3e-8d43-4f0e-9a55-0c2b1d7e4a11',
      causationId: '5f0c7a3e-8d43-4f0e-9a55-0c2b1d7e4a11',
    },
    previousHash: 'a'.repeat(64),
    hash: 'b'.repeat(64),
  });
}

/**
 * The raw durable ceiling: what this file system allows for one SQLite transaction per event, in WAL mode
 * with `synchronous = FULL` (the event store's own settings), each inserting one ~600-byte JSON row.
 */
export function rawDurableSqlite(file: string, rows: number): ConcurrentRun {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE IF NOT EXISTS events (position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, data TEXT NOT NULL)');
    const insert = db.prepare<[string, string]>('INSERT INTO events (stream_id, data) VALUES (?, ?)');
    const appendOne = db.transaction((streamId: string, data: string) => insert.run(streamId, data));
    const payloads = Array.from({ length: 64 }, (_, i) => eventSizedPayload(i));
    const latenciesMs = new Float64Array(rows);
    const begin = performance.now();
    for (let i = 0; i < rows; i++) {
      const start = performance.now();
      appendOne.immediate(`stream-${i % 64}`, payloads[i % 64]);
      latenciesMs[i] = performance.now() - start;
    }
    return { latenciesMs, elapsedMs: performance.now() - begin };
  } finally {
    db.close();
  }
}

export interface MemorySample {
  rssMb: number;
  heapUsedMb: number;
}

/** Resident set and live heap, after a full collection when the process runs with --expose-gc. */
export function sampleMemory(): MemorySample {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssMb: rss / 2 ** 20, heapUsedMb: heapUsed / 2 ** 20 };
}

/**
 * Memory once the process has idled a moment: V8 hands freed pages back to the system a second or two after a
 * collection, so an immediate sample still counts the garbage of the work just done.
 */
export async function settledMemory(idleMs = 1_500): Promise<MemorySample> {
  sampleMemory();
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  return sampleMemory();
}

export const fixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : '–');

/** Columns aligned; cells that read as numbers are right-aligned. */
export function formatTable(rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => row.map(String));
  const widths = text.reduce<number[]>(
    (w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)),
    [],
  );
  const numeric = (cell: string): boolean => /^[-+]?[\d.,]+(\s?[×%]|\s?ms|\s?MB)?$/.test(cell);
  const line = (row: string[]): string =>
    row.map((cell, i) => (numeric(cell) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  const [header, ...body] = text;
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Every region opts in, as the engine would record it. */
export async function everyRegionPublishes(store: EventStore, regions: RegionDirectory): Promise<void> {
  const actor = { userId: 'bench', role: 'admin' as const, region: '32' };
  await Promise.all(
    regions.all().map((region) =>
      store.append(
        regionSettingsStreamId(region.code),
        [{ id: newEventId(), type: 'OpenDataPublished', schemaVersion: EVENT_SCHEMA_VERSION, data: { region: region.code, on: '2026-01-01' }, metadata: { actor, occurredAt: '2026-01-01T01:00:00.000Z', correlationId: 'bench', causationId: 'bench' } }],
        'any',
      ),
    ),
  );
}

/**
 * Agreements between any two official regions, offered one after another from 2019 on (`startsPerDay` a day): what a
 * national store holds. Each call gives the next agreement's history, until `count`.
 */
export function nationalAgreements(
  regions: RegionDirectory,
  count: number,
  options: { seed: number; activeSteps: number; startsPerDay: number },
): () => AgreementHistory | undefined {
  const random = new Random(options.seed);
  const all = regions.all();
  let started = 0;
  return () => {
    if (started >= count) return undefined;
    const proposer = random.pick(all).code;
    let counterpart = random.pick(all).code;
    while (counterpart === proposer) counterpart = random.pick(all).code;
    const start = addDays('2019-01-07', Math.floor(started++ / options.startsPerDay));
    return new AgreementHistory(random, { proposer, counterparts: [counterpart], start, activeSteps: options.activeSteps });
  };
}
