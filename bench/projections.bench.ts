// Rebuilding every read model from a large store, beside the raw ceiling measured on the same file in the same run:
// reading every event and folding it in memory with the agreement decider's evolve. Memory is sampled during the
// rebuild at a quarter, half and all of the events.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ALL_PROJECTIONS } from '../projections/all-projections';
import type { AgreementEvent } from '../src/agreements/domain/agreement.events';
import { type AgreementState, evolveAgreement, initialAgreementState } from '../src/agreements/domain/agreement.state';
import { addDays } from '../src/agreements/domain/dates';
import { SqliteEventStore } from '../src/infrastructure/sqlite/sqlite.event-store';
import { ReadModelStore } from '../src/read-models/read-model.store';
import { rebuild } from '../src/read-models/rebuild';
import { RegionDirectory } from '../src/regions/region-directory';
import { AgreementHistory, appendInterleaved, Random } from '../test/projections/support/generated-histories';
import { type BenchOptions, type BenchResult, type Cell, fixed, progress, runBenchmark, sampleMemory } from './support';

const READ_BATCH = 10_000;

interface Sizes {
  events: number;
  /** Agreements whose lives interleave in the store at any moment. */
  inFlight: number;
  /** Rebuilds, each between two raw passes. */
  rounds: number;
}

const DEFAULT_SIZES: Sizes = { events: 200_000, inFlight: 1_000, rounds: 2 };
const LARGE_SIZES: Sizes = { events: 1_000_000, inFlight: 2_000, rounds: 1 };

interface Pass {
  events: number;
  seconds: number;
  perSecond: number;
}

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

/** The ceiling: every event read from the same file (as the runner reads them) and folded in memory. */
async function rawPass(store: SqliteEventStore): Promise<Pass> {
  sampleMemory();
  const begin = performance.now();
  const states = new Map<string, AgreementState>();
  let events = 0;
  for (let position = 0; ; ) {
    const batch = await store.readAll(position, READ_BATCH);
    if (batch.length === 0) break;
    for (const event of batch) {
      states.set(event.streamId, evolveAgreement(states.get(event.streamId) ?? initialAgreementState, event as unknown as AgreementEvent));
    }
    events += batch.length;
    position = batch[batch.length - 1].position;
  }
  const seconds = (performance.now() - begin) / 1000;
  return { events, seconds, perSecond: events / seconds };
}

interface RebuildPass extends Pass {
  /** RSS (MB) when a quarter, half and all of the events were applied, and the highest sampled. */
  rss: { quarter: number; half: number; end: number; peak: number; before: number };
}

async function rebuildPass(events: SqliteEventStore, file: string, total: number): Promise<RebuildPass> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  const store = ReadModelStore.open(file);
  const before = sampleMemory().rssMb;
  const rssMb = (): number => process.memoryUsage().rss / 2 ** 20;
  const rss = { before, quarter: 0, half: 0, end: 0, peak: before };
  const sampler = setInterval(() => (rss.peak = Math.max(rss.peak, rssMb())), 50);
  try {
    const begin = performance.now();
    await rebuild(events, store, ALL_PROJECTIONS, {
      progressIntervalMs: 0,
      onProgress: ({ phase, position }) => {
        if (phase !== 'replaying') return;
        const now = rssMb();
        rss.peak = Math.max(rss.peak, now);
        if (!rss.quarter && position >= total / 4) rss.quarter = now;
        if (!rss.half && position >= total / 2) rss.half = now;
        if (position >= total) rss.end = now;
      },
    });
    const seconds = (performance.now() - begin) / 1000;
    rss.peak = Math.max(rss.peak, rssMb());
    return { events: total, seconds, perSecond: total / seconds, rss };
  } finally {
    clearInterval(sampler);
    store.close();
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
  const events = SqliteEventStore.open(eventFile);
  try {
    // Each rebuild is measured between two raw passes, and compared with their mean: the machine's pace may drift.
    const raws: Pass[] = [await rawPass(events)];
    const rebuilds: RebuildPass[] = [];
    const ratios: number[] = [];
    for (let round = 1; round <= sizes.rounds; round++) {
      progress(`round ${round}: rebuilding every read model`);
      rebuilds.push(await rebuildPass(events, readModelFile, generated.events));
      raws.push(await rawPass(events));
      const rawRate = (raws[round - 1].perSecond + raws[round].perSecond) / 2;
      ratios.push(rebuilds[round - 1].perSecond / rawRate);
      progress(`round ${round}: rebuild ${fixed(rebuilds[round - 1].perSecond, 0)} events/s, raw ${fixed(rawRate, 0)} events/s`);
    }
    const ratio = median(ratios);
    const rebuildRate = median(rebuilds.map((r) => r.perSecond));
    const rawRate = median(raws.map((r) => r.perSecond));
    const last = rebuilds[rebuilds.length - 1].rss;
    const peak = Math.max(...rebuilds.map((r) => r.rss.peak));

    const figures: Record<string, number> = {
      'projections.events': generated.events,
      'projections.agreements': generated.agreements,
      'projections.raw_events_per_s': rawRate,
      'projections.rebuild_events_per_s': rebuildRate,
      'projections.rebuild_ratio': ratio,
      'projections.rebuild_peak_rss_mb': peak,
      'projections.rebuild_rss_quarter_mb': last.quarter,
      'projections.rebuild_rss_half_mb': last.half,
      'projections.rebuild_rss_end_mb': last.end,
      'projections.rebuild_rss_growth_second_half_mb': last.end - last.half,
    };
    const mb = (value: number): string => `${fixed(value, 1)} MB`;
    const rows: Cell[][] = [
      ['measure', 'events', 'seconds', 'events/s', 'ratio', 'goal'],
      ...raws.map((r, i): Cell[] => [`raw ceiling: read + JSON.parse + fold (pass ${i + 1})`, r.events, fixed(r.seconds, 2), fixed(r.perSecond, 0), '', '']),
      ...rebuilds.map((r, i): Cell[] => [
        `rebuild of ${ALL_PROJECTIONS.map((p) => p.name).join(' + ')} (round ${i + 1})`,
        r.events,
        fixed(r.seconds, 2),
        fixed(r.perSecond, 0),
        `${fixed(ratios[i], 2)}×`,
        i === rebuilds.length - 1 ? `≥ 0.5× ${ratio >= 0.5 ? 'met' : 'MISSED'} (median ${fixed(ratio, 2)}×)` : '',
      ]),
    ];
    const notes = [
      `${generated.events.toLocaleString('en-US')} events of ${generated.agreements.toLocaleString('en-US')} agreements, ` +
        `${sizes.inFlight} in flight at a time (each step of every agreement in flight appended in turn), told by the real decider.`,
      `A rebuild's ratio is its rate over the mean rate of the raw passes before and after it.`,
      `RSS during the last rebuild: ${mb(last.before)} before, ${mb(last.quarter)} at 25%, ${mb(last.half)} at 50%, ` +
        `${mb(last.end)} at 100% of the events; peak ${mb(peak)}. The rebuild keeps at most one batch of events and a bounded ` +
        'cache of documents in memory, whatever the number of events.',
    ];
    return { title: `projections: rebuild from ${generated.events.toLocaleString('en-US')} events`, rows, figures, notes };
  } finally {
    await events.close();
  }
}

runBenchmark(projectionsBenchmark);
