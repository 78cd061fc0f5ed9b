// Rebuilding every read model from a large store, beside the raw ceiling measured on the same file in the same run:
// reading every event and folding it in memory with the agreement decider's evolve. Memory is sampled during the
// rebuild at a quarter, half and all of the events.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ALL_PROJECTIONS } from '../projections/all-projections';
import { addDays } from '../src/agreements/domain/dates';
import { SqliteEventStore } from '../src/infrastructure/sqlite/sqlite.event-store';
import { RegionDirectory } from '../src/regions/domain/region-directory';
import { AgreementHistory, appendInterleaved, Random } from '../test/projections/support/generated-histories';
import type { PassResult } from './projections.pass';
import { type BenchOptions, type BenchResult, type Cell, fixed, progress, runBenchmark } from './support';

const swcRegister = resolve(__dirname, '../test/support/swc-register.js');

interface Sizes {
  events: number;
  /** Agreements whose lives interleave in the store at any moment. */
  inFlight: number;
  /** Rebuilds, each between two raw passes. */
  rounds: number;
}

const DEFAULT_SIZES: Sizes = { events: 200_000, inFlight: 1_000, rounds: 2 };
const LARGE_SIZES: Sizes = { events: 1_000_000, inFlight: 2_000, rounds: 2 };

/** Fills the store with agreements whose lives interleave, as when many are in flight at once. */
async function generate(file: string, sizes: Sizes): Promise<{ events: number; agreements: number }> {
  const store = SqliteEventStore.open(file);
  const regions = RegionDirectory.load().all();
  const random = new Random(2026);
  let started = 0;
  let reported = 0;
  try {
    return await appendInterleaved(
      store,
      () => {
        const proposer = random.pick(regions).code;
        let counterpart = random.pick(regions).code;
        while (counterpart === proposer) counterpart = random.pick(regions).code;
        const counterparts = random.chance(0.1) ? [counterpart, ...[random.pick(regions).code].filter((c) => c !== proposer && c !== counterpart)] : [counterpart];
        return new AgreementHistory(random, {
          proposer,
          counterparts,
          start: addDays('2019-01-07', Math.floor(started++ / 20)),
          activeSteps: random.between(10, 50),
        });
      },
      {
        inFlight: sizes.inFlight,
        maxEvents: sizes.events,
        onRound: (p) => {
          if (p.events - reported < 100_000) return;
          reported = p.events;
          progress(`generated ${p.events.toLocaleString('en-US')} events of ${p.agreements.toLocaleString('en-US')} agreements`);
        },
      },
    );
  } finally {
    await store.close();
  }
}

/** Runs one pass in a process of its own (see projections.pass.ts). */
function runPass(kind: 'raw' | 'rebuild', eventFile: string, readModelFile: string): Promise<PassResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--require', swcRegister, join(__dirname, 'projections.pass.ts'), kind, eventFile, readModelFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = output.split('\n').find((l) => l.startsWith('PASS_RESULT '));
      if (code !== 0 || !line) reject(new Error(`the ${kind} pass exited with code ${code}`));
      else resolve(JSON.parse(line.slice('PASS_RESULT '.length)) as PassResult);
    });
  });
}

/** Reads every event once, so that every measured pass finds the file in the page cache. */
async function warmUp(eventFile: string): Promise<void> {
  const db = new Database(eventFile, { readonly: true });
  try {
    db.prepare('SELECT sum(length(data) + length(metadata)) FROM events').pluck().get();
  } finally {
    db.close();
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function projectionsBenchmark(options: BenchOptions): Promise<BenchResult> {
  const argv = process.argv.slice(2);
  const eventsFlag = argv.indexOf('--events');
  const base = options.large ? LARGE_SIZES : DEFAULT_SIZES;
  const sizes: Sizes = { ...base, ...(eventsFlag >= 0 ? { events: Number(argv[eventsFlag + 1]) } : {}) };
  const eventFile = join(options.dataDir, 'events.sqlite');
  const readModelFile = join(options.dataDir, 'read-models.sqlite');

  progress(`generating ${sizes.events.toLocaleString('en-US')} events, ${sizes.inFlight} agreements in flight`);
  const generated = await generate(eventFile, sizes);
  await warmUp(eventFile);
  // Each rebuild runs between two raw passes and is compared with their mean: the machine's pace may drift.
  const raws: PassResult[] = [await runPass('raw', eventFile, readModelFile)];
  const rebuilds: PassResult[] = [];
  const ratios: number[] = [];
  const rate = (pass: PassResult): number => pass.events / pass.seconds;
  const cpuPerEvent = (passes: PassResult[]): number => median(passes.map((p) => p.cpuSeconds / p.events));
  for (let round = 1; round <= sizes.rounds; round++) {
    progress(`round ${round}: rebuilding every read model`);
    rebuilds.push(await runPass('rebuild', eventFile, readModelFile));
    raws.push(await runPass('raw', eventFile, readModelFile));
    const rawRate = (rate(raws[round - 1]) + rate(raws[round])) / 2;
    ratios.push(rate(rebuilds[round - 1]) / rawRate);
    progress(`round ${round}: rebuild ${fixed(rate(rebuilds[round - 1]), 0)} events/s, raw ${fixed(rawRate, 0)} events/s`);
  }
  const ratio = median(ratios);
  const rebuildRate = median(rebuilds.map(rate));
  const rawRate = median(raws.map(rate));
  const last = rebuilds[rebuilds.length - 1];
  const at = (point: 'quarter' | 'half' | 'end') => last.memory.find((m) => m.at === point) ?? { rssMb: Number.NaN, heapUsedMb: Number.NaN };
  const peak = Math.max(...rebuilds.map((r) => r.peakRssMb));

  const figures: Record<string, number> = {
    'projections.events': generated.events,
    'projections.agreements': generated.agreements,
    'projections.raw_events_per_s': rawRate,
    'projections.rebuild_events_per_s': rebuildRate,
    'projections.rebuild_ratio': ratio,
    // CPU time per event, raw over rebuild: steadier than wall time on a machine busy with other work.
    'projections.rebuild_cpu_ratio': cpuPerEvent(raws) / cpuPerEvent(rebuilds),
    'projections.rebuild_peak_rss_mb': peak,
    'projections.raw_peak_rss_mb': Math.max(...raws.map((r) => r.peakRssMb)),
    'projections.rebuild_rss_quarter_mb': at('quarter').rssMb,
    'projections.rebuild_rss_half_mb': at('half').rssMb,
    'projections.rebuild_rss_end_mb': at('end').rssMb,
    'projections.rebuild_heap_quarter_mb': at('quarter').heapUsedMb,
    'projections.rebuild_heap_end_mb': at('end').heapUsedMb,
    'projections.rebuild_heap_growth_mb': at('end').heapUsedMb - at('quarter').heapUsedMb,
  };
  const mb = (value: number): string => `${fixed(value, 1)} MB`;
  const rows: Cell[][] = [
    ['measure', 'events', 'seconds', 'CPU s', 'events/s', 'ratio', 'peak RSS', 'goal'],
    ...raws.map((r, i): Cell[] => [
      `raw ceiling: read + JSON.parse + fold (pass ${i + 1})`,
      r.events,
      fixed(r.seconds, 2),
      fixed(r.cpuSeconds, 2),
      fixed(rate(r), 0),
      '',
      mb(r.peakRssMb),
      '',
    ]),
    ...rebuilds.map((r, i): Cell[] => [
      `rebuild of ${ALL_PROJECTIONS.map((p) => p.name).join(' + ')} (round ${i + 1})`,
      r.events,
      fixed(r.seconds, 2),
      fixed(r.cpuSeconds, 2),
      fixed(rate(r), 0),
      `${fixed(ratios[i], 2)}×`,
      mb(r.peakRssMb),
      i === rebuilds.length - 1 ? `≥ 0.5× ${ratio >= 0.5 ? 'met' : 'MISSED'} (median ${fixed(ratio, 2)}×)` : '',
    ]),
  ];
  const notes = [
    `${generated.events.toLocaleString('en-US')} events of ${generated.agreements.toLocaleString('en-US')} agreements, ` +
      `${sizes.inFlight} in flight at a time (each step of every agreement in flight appended in turn), told by the real decider.`,
    'Each pass runs in a process of its own, on the same file, warm in the page cache. A rebuild\'s ratio is its rate over ' +
      'the mean rate of the raw passes before and after it. The raw fold keeps every agreement\'s state in memory; the rebuild ' +
      'keeps one read of events, at most 10,000 documents per projection and 100,000 events per commit, and a 64 MB SQLite page cache.',
    `CPU time per event, raw over rebuild: ${fixed(figures['projections.rebuild_cpu_ratio'], 2)}× (steadier than wall time when other work shares the machine).`,
    `Rebuild memory at 25% / 50% / 100% of the events: RSS ${mb(at('quarter').rssMb)} / ${mb(at('half').rssMb)} / ${mb(at('end').rssMb)}, ` +
      `live heap after a full GC ${mb(at('quarter').heapUsedMb)} / ${mb(at('half').heapUsedMb)} / ${mb(at('end').heapUsedMb)}; peak RSS ${mb(peak)}.`,
  ];
  return { title: `projections: rebuild from ${generated.events.toLocaleString('en-US')} events`, rows, figures, notes };
}

runBenchmark(projectionsBenchmark);
