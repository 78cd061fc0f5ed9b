// The same command workload (RecordMonev on active KSB, through the agreement command handler: access rules,
// decider, command processor, store) against the embedded SQLite store and PostgreSQL, each beside its raw append
// ceiling measured in the same run, in alternating rounds: one durable single-row transaction per event, from as
// many clients as the workload has. PostgreSQL is a private server this benchmark starts (fsync on).
// KurrentDB cannot run here: the same commands go to the KurrentDB store on the in-process stand-in server of the
// tests, which counts the calls it answers. That row gives round trips per append, never a KurrentDB speed.
import 'reflect-metadata';
import { join } from 'node:path';
import { Pool } from 'pg';
import { ExecuteAgreementCommandHandler } from '../src/agreements/application/agreement.commands';
import { CommandProcessor } from '../src/core/command-processor';
import type { EventStore } from '../src/core/event-store.port';
import { KurrentDbEventStore } from '../src/infrastructure/kurrentdb/kurrentdb.event-store';
import { PostgresEventStore } from '../src/infrastructure/postgres/postgres.event-store';
import { SqliteEventStore } from '../src/infrastructure/sqlite/sqlite.event-store';
import { RegionDirectory } from '../src/regions/domain/region-directory';
import { DEFAULT_REGION_POLICIES } from '../src/regions/region-policies.port';
import { startKurrentDbStandIn } from '../test/support/kurrentdb-stand-in';
import { startPrivatePostgres } from '../test/support/private-postgres';
import { Commands } from './agreement-commands';
import {
  type BenchOptions,
  type BenchResult,
  type Cell,
  type ConcurrentRun,
  combine,
  eventSizedPayload,
  fixed,
  medianRatio,
  progress,
  rawDurableSqlite,
  runBenchmark,
  runConcurrently,
} from './support';

const CONCURRENT = 64;

interface Sizes {
  rounds: number;
  agreements: number;
  one: number;
  many: number;
}

const DEFAULT_SIZES: Sizes = { rounds: 5, agreements: 256, one: 1_500, many: 8_000 };
const LARGE_SIZES: Sizes = { rounds: 8, agreements: 1_024, one: 8_000, many: 80_000 };

const share = (total: number, rounds: number, round: number): number =>
  Math.floor(total / rounds) + (round < total % rounds ? 1 : 0);

interface Store {
  name: 'sqlite' | 'postgres';
  label: string;
  events: EventStore & { close(): Promise<void> };
  /** `rows` durable single-row transactions from `clients` clients. */
  raw(clients: number, rows: number): Promise<ConcurrentRun>;
  close(): Promise<void>;
}

async function sqliteStore(dir: string): Promise<Store> {
  const events = SqliteEventStore.open(join(dir, 'events.sqlite'));
  const rawFile = join(dir, 'raw-ceiling.sqlite');
  return {
    name: 'sqlite',
    label: 'SQLite (WAL, synchronous=FULL)',
    events,
    // One writer at a time is SQLite's own ceiling: concurrent clients queue for the same lock.
    raw: async (_clients, rows) => rawDurableSqlite(rawFile, rows),
    close: () => events.close(),
  };
}

async function postgresStore(url: string): Promise<Store> {
  const events = await PostgresEventStore.open(url);
  const pool = new Pool({ connectionString: url, max: CONCURRENT });
  // As in the store: a connection the server ends while idle (at shutdown) must not end the benchmark.
  pool.on('error', () => undefined);
  await pool.query('CREATE TABLE raw_events (position bigserial PRIMARY KEY, stream_id text NOT NULL, data text NOT NULL)');
  const payloads = Array.from({ length: CONCURRENT }, (_, i) => eventSizedPayload(i));
  return {
    name: 'postgres',
    label: 'PostgreSQL (fsync on, synchronous_commit on)',
    events,
    // Autocommit: each INSERT is its own durable transaction; concurrent commits share WAL flushes, as the server allows.
    raw: (clients, rows) =>
      runConcurrently(rows, clients, (client, nth) =>
        pool.query('INSERT INTO raw_events (stream_id, data) VALUES ($1, $2)', [`stream-${client}`, payloads[nth % CONCURRENT]]),
      ),
    close: async () => {
      await pool.end();
      await events.close();
    },
  };
}

interface StoreFigures {
  rows: Cell[][];
  figures: Record<string, number>;
}

async function measureStore(store: Store, sizes: Sizes, regions: RegionDirectory): Promise<StoreFigures> {
  const handler = new ExecuteAgreementCommandHandler(new CommandProcessor(store.events), regions, DEFAULT_REGION_POLICIES);
  const commands = new Commands((command) => handler.execute(command));
  progress(`${store.name}: preparing ${sizes.agreements} active agreements (7 commands each, ${CONCURRENT} at a time)`);
  const ids: string[] = [];
  await runConcurrently(sizes.agreements, CONCURRENT, async () => {
    ids.push(await commands.activeAgreement());
  });
  // Client c keeps to the agreements c, c + clients, c + 2 × clients, ...: distinct agreements, taken in turn.
  const workload = (clients: number, total: number): Promise<ConcurrentRun> => {
    const turns = new Array<number>(clients).fill(0);
    return runConcurrently(total, clients, (client) => {
      const mine = Math.max(1, Math.floor(ids.length / clients));
      return commands.recordMonev(ids[(client + clients * (turns[client]++ % mine)) % ids.length]);
    });
  };
  await workload(CONCURRENT, 1_000);
  await store.raw(CONCURRENT, 500);

  const series = { raw1: [] as ConcurrentRun[], cmd1: [] as ConcurrentRun[], rawN: [] as ConcurrentRun[], cmdN: [] as ConcurrentRun[] };
  for (let round = 0; round < sizes.rounds; round++) {
    progress(`${store.name}: round ${round + 1}/${sizes.rounds}: raw appends and RecordMonev commands, 1 and ${CONCURRENT} clients`);
    series.raw1.push(await store.raw(1, share(sizes.one, sizes.rounds, round)));
    series.cmd1.push(await workload(1, share(sizes.one, sizes.rounds, round)));
    series.rawN.push(await store.raw(CONCURRENT, share(sizes.many, sizes.rounds, round)));
    series.cmdN.push(await workload(CONCURRENT, share(sizes.many, sizes.rounds, round)));
  }
  const m = { raw1: combine(series.raw1), cmd1: combine(series.cmd1), rawN: combine(series.rawN), cmdN: combine(series.cmdN) };
  const ratio1 = medianRatio(series.cmd1, series.raw1);
  const ratioN = medianRatio(series.cmdN, series.rawN);
  const p = store.name;
  const figures: Record<string, number> = {
    [`${p}.commands_per_s`]: m.cmdN.perSecond,
    [`${p}.commands_p50_ms`]: m.cmdN.p50Ms,
    [`${p}.commands_p99_ms`]: m.cmdN.p99Ms,
    [`${p}.raw_append_per_s`]: m.rawN.perSecond,
    [`${p}.raw_append_p99_ms`]: m.rawN.p99Ms,
    [`${p}.append_ratio`]: ratioN,
    [`${p}.commands1_per_s`]: m.cmd1.perSecond,
    [`${p}.commands1_p99_ms`]: m.cmd1.p99Ms,
    [`${p}.raw_append1_per_s`]: m.raw1.perSecond,
    [`${p}.raw_append1_p99_ms`]: m.raw1.p99Ms,
    [`${p}.append1_ratio`]: ratio1,
  };
  const x = (value: number): string => `${fixed(value, 2)}×`;
  const verdict = (value: number): string => `≥ 0.5× ${value >= 0.5 ? 'met' : 'MISSED'}`;
  const row = (what: string, clients: number, measured: typeof m.raw1, ratio = '', goal = ''): Cell[] => [
    store.label,
    what,
    clients,
    measured.operations,
    fixed(measured.perSecond, 0),
    fixed(measured.p50Ms, 2),
    fixed(measured.p99Ms, 2),
    ratio,
    goal,
  ];
  return {
    rows: [
      row('raw append, 1 durable tx per event (ceiling)', 1, m.raw1),
      row('RecordMonev commands', 1, m.cmd1, x(ratio1), verdict(ratio1)),
      row('raw append, 1 durable tx per event (ceiling)', CONCURRENT, m.rawN),
      row('RecordMonev commands', CONCURRENT, m.cmdN, x(ratioN), verdict(ratioN)),
    ],
    figures,
  };
}

/** Agreements and commands for the round-trip count: the count per append does not grow with the sizes. */
const ROUND_TRIP_SIZES = { agreements: 64, commands: 1_000 };

/**
 * RecordMonev commands on the KurrentDB store against the stand-in server, from 1 and from many clients: the calls
 * the server answered (reads and append sessions) per append, beside the protocol's least, one append session.
 */
async function measureKurrentDbRoundTrips(regions: RegionDirectory): Promise<StoreFigures> {
  progress('kurrentdb: starting the stand-in server (tests only)');
  const standIn = await startKurrentDbStandIn();
  const events = KurrentDbEventStore.connect(standIn.url);
  try {
    const handler = new ExecuteAgreementCommandHandler(new CommandProcessor(events), regions, DEFAULT_REGION_POLICIES);
    const commands = new Commands((command) => handler.execute(command));
    progress(`kurrentdb: preparing ${ROUND_TRIP_SIZES.agreements} active agreements`);
    const ids: string[] = [];
    await runConcurrently(ROUND_TRIP_SIZES.agreements, CONCURRENT, async () => {
      ids.push(await commands.activeAgreement());
    });
    const label = 'KurrentDB store on the stand-in server (a count of calls, not a KurrentDB speed)';
    const rows: Cell[][] = [];
    const figures: Record<string, number> = {};
    for (const clients of [1, CONCURRENT]) {
      progress(`kurrentdb: ${ROUND_TRIP_SIZES.commands} RecordMonev commands, ${clients} client(s)`);
      const calls = (): number => standIn.rpcs().read + standIn.rpcs().appendSession;
      const [callsBefore, appendsBefore] = [calls(), events.appendStats().appended];
      await runConcurrently(ROUND_TRIP_SIZES.commands, clients, (client, nth) => commands.recordMonev(ids[(client + clients * nth) % ids.length]));
      const perAppend = (calls() - callsBefore) / (events.appendStats().appended - appendsBefore);
      figures[`kurrentdb.round_trips_per_append${clients === 1 ? '1' : ''}`] = perAppend;
      rows.push([label, 'round trips per append, RecordMonev commands', clients, ROUND_TRIP_SIZES.commands, '', '', '', `${fixed(perAppend, 2)} (least: 1)`, '']);
    }
    const { logConflicts, staleStreams } = events.appendStats();
    figures['kurrentdb.log_conflicts'] = logConflicts + staleStreams;
    return { rows, figures };
  } finally {
    await events.close();
    await standIn.stop();
  }
}

async function storesBenchmark(options: BenchOptions): Promise<BenchResult> {
  const sizes = options.large ? LARGE_SIZES : DEFAULT_SIZES;
  const regions = RegionDirectory.load();
  progress('starting a private PostgreSQL server');
  const postgres = await startPrivatePostgres();
  const results: StoreFigures[] = [];
  try {
    for (const open of [() => sqliteStore(options.dataDir), async () => postgresStore(await postgres.createDatabase('sinergi_bench'))]) {
      const store = await open();
      try {
        results.push(await measureStore(store, sizes, regions));
      } finally {
        await store.close();
      }
    }
  } finally {
    await postgres.stop();
  }
  results.push(await measureKurrentDbRoundTrips(regions));
  return {
    title: `stores: the same commands on SQLite and PostgreSQL (and KurrentDB's round trips), ${options.large ? 'large' : 'default'} sizes`,
    rows: [['store', 'measure', 'clients', 'ops', 'per s', 'p50 ms', 'p99 ms', 'rate/ceiling', 'goal'], ...results.flatMap((r) => r.rows)],
    figures: Object.assign({}, ...results.map((r) => r.figures)),
    notes: [
      `${sizes.agreements} active agreements per store; each client keeps to agreements of its own. Commands go through the ` +
        'agreement command handler (access rules, decider, command processor with its state cache, the store); no read models.',
      `Each measurement alternates with its ceiling in ${sizes.rounds} rounds: a ratio is the median over rounds of rate / ` +
        "ceiling's rate in that round. SQLite's ceiling is one writer (concurrent clients would queue for its lock); " +
        `PostgreSQL's takes as many connections as there are clients (up to ${CONCURRENT}).`,
      'KurrentDB: no server can run here, so the KurrentDB store runs against the in-process stand-in of the tests, which ' +
        'counts the calls it answers (reads and append sessions); the least an append can cost is one append session. ' +
        'Its speed says nothing about KurrentDB and is not shown.',
    ],
  };
}

runBenchmark(storesBenchmark);
