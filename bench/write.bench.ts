// One-event commands through the CommandBus and through HTTP, each beside its raw ceiling in the same run:
// durable one-transaction-per-event SQLite for the bus, a bare node:http server for HTTP. Each measurement and
// its ceiling alternate in rounds, so that a neighbour's load on a shared machine weighs on both alike. Then a
// long run through the bus, sampling the server's memory along the way. Last, what the access log, the metrics
// and the traces cost: the same HTTP load on a server without them, with them, and with traces exported too.
//   flags: --large, --commands N (long run), --agreements N, --client http|fetch (HTTP client, default http)
import 'reflect-metadata';
import { createServer } from 'node:http';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { Users } from '../src/access/users';
import { AppModule } from '../src/app.module';
import { EventStore } from '../src/core/event-store.port';
import { configureApp } from '../src/configure-app';
import { SqliteEventStore, type SqliteEventStoreStats } from '../src/infrastructure/sqlite/sqlite.event-store';
import { Metrics } from '../src/observability/metrics';
import { chooseTracing } from '../src/core/tracing';
import { ReadModelsConfig } from '../src/read-models/read-models.config';
import { banten, Commands, monevData } from './agreement-commands';
import type { HttpClientKind, HttpLoad, HttpLoadResult } from './http-load.worker';
import {
  type BenchOptions,
  type BenchResult,
  type Cell,
  type ConcurrentRun,
  type Measurement,
  type MemorySample,
  combine,
  fixed,
  median,
  medianRatio,
  progress,
  rateOf,
  rawDurableSqlite,
  runBenchmark,
  runConcurrently,
  sampleMemory,
  settledMemory,
} from './support';

const CONCURRENT = 64;

interface Sizes {
  /** Each measurement is split into this many rounds, alternating with its ceiling. */
  rounds: number;
  raw: number;
  bus1: number;
  bus64: number;
  http1: number;
  http64: number;
  longRun: number;
  agreementsPerClient: number;
}

const DEFAULT_SIZES: Sizes = {
  rounds: 6,
  raw: 4_000,
  bus1: 3_000,
  bus64: 20_000,
  http1: 2_000,
  http64: 12_000,
  longRun: 30_000,
  agreementsPerClient: 4,
};
const LARGE_SIZES: Sizes = {
  rounds: 10,
  raw: 20_000,
  bus1: 20_000,
  bus64: 200_000,
  http1: 10_000,
  http64: 100_000,
  longRun: 300_000,
  agreementsPerClient: 16,
};

/**
 * The ceiling for HTTP: a bare node:http server, no framework, that reads the body, parses it and answers what the
 * route answers (the status and JSON of one real answer): no token, no validation, no command. It does not move with
 * the framework the server is built on.
 */
async function bareNodeServer(answer: { status: number; body: string }): Promise<{ url: string; close(): Promise<void> }> {
  const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(answer.body)) };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(answer.status, headers).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the bare server has no TCP address');
  return {
    url: `http://127.0.0.1:${String(address.port)}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Agreement `i` belongs to client `i % clients`: each client keeps to agreements of its own, taking them in turn. */
class Rotation {
  private readonly mine: string[][];
  private readonly turns: number[];

  constructor(ids: readonly string[], clients: number) {
    this.mine = Array.from({ length: clients }, (_, client) => ids.filter((_id, i) => i % clients === client));
    this.turns = new Array<number>(clients).fill(0);
  }

  next(client: number): string {
    const mine = this.mine[client];
    return mine[this.turns[client]++ % mine.length];
  }

  /** Every client's agreements, each list starting where the client left off last time. */
  lists(): string[][] {
    return this.mine.map((mine, client) => {
      const start = this.turns[client]++ % mine.length;
      return [...mine.slice(start), ...mine.slice(0, start)];
    });
  }
}

/** The HTTP clients' worker thread, kept for every HTTP measurement (its connections stay open between rounds). */
class HttpClients {
  private readonly worker = new Worker(join(__dirname, 'http-load.worker.ts'));

  run(load: HttpLoad): Promise<HttpLoadResult> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.worker.once('error', onError);
      this.worker.once('message', (result: HttpLoadResult) => {
        this.worker.off('error', onError);
        resolve(result);
      });
      this.worker.postMessage(load);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }>>;
}

/** The route that takes a DTO, read from the app's own OpenAPI document. */
async function routeTaking(baseUrl: string, dto: string): Promise<string | undefined> {
  const document = (await (await fetch(`${baseUrl}/docs-json`)).json()) as OpenApiDocument;
  return Object.entries(document.paths).find(
    ([, operations]) => operations.post?.requestBody?.content?.['application/json']?.schema?.$ref?.endsWith(`/${dto}`) ?? false,
  )?.[0];
}

interface HttpRoute {
  label: string;
  body: string;
  /** The URLs each of `rotation`'s clients posts to. */
  targets(rotation: Rotation): string[][];
}

async function recordMonevRoute(baseUrl: string): Promise<HttpRoute> {
  const path = await routeTaking(baseUrl, 'RecordMonevDto');
  if (!path || !path.includes('{agreementId}') || path.split('{').length !== 2) {
    throw new Error(`no POST route of the form /agreements/{agreementId}/... takes RecordMonevDto (found: ${path ?? 'none'})`);
  }
  return {
    label: `POST ${path.replace('{agreementId}', ':agreementId')}`,
    body: JSON.stringify(monevData(0)),
    targets: (rotation) => rotation.lists().map((ids) => ids.map((id) => baseUrl + path.replace('{agreementId}', id))),
  };
}

async function listen(app: NestExpressApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const address: unknown = app.getHttpServer().address();
  if (typeof address !== 'object' || address === null || !('port' in address)) throw new Error('the server has no TCP address');
  return `http://127.0.0.1:${String(address.port)}`;
}

/** Splits `total` into `rounds` parts that add up to it. */
const share = (total: number, rounds: number, round: number): number =>
  Math.floor(total / rounds) + (round < total % rounds ? 1 : 0);

function httpClientKind(argv: readonly string[]): HttpClientKind {
  const i = argv.indexOf('--client');
  const kind = i >= 0 ? argv[i + 1] : 'http';
  if (kind !== 'http' && kind !== 'fetch') throw new Error(`--client is http or fetch, got "${kind}"`);
  return kind;
}

/**
 * One measured thing over its rounds: latencies, the main thread's busy time (event-loop utilisation: whatever the
 * server does for the operations, fsync waits included, but not the HTTP clients' thread) and group commits.
 */
class Series {
  readonly parts: ConcurrentRun[] = [];
  private busyMs = 0;
  private appends = 0;
  private commits = 0;

  constructor(private readonly stats: () => SqliteEventStoreStats | undefined = () => undefined) {}

  async measure(run: () => ConcurrentRun | Promise<ConcurrentRun>): Promise<void> {
    const before = this.stats();
    const loop = performance.eventLoopUtilization();
    const result = await run();
    // Synchronous work, such as the raw ceiling or a commit's fsync, counts as busy: the loop can do nothing else.
    this.busyMs += performance.eventLoopUtilization(loop).active;
    const after = this.stats();
    if (before && after) {
      this.appends += after.appends - before.appends;
      this.commits += after.commits - before.commits;
    }
    this.parts.push(result);
  }

  get measurement(): Measurement {
    return combine(this.parts);
  }

  /** Main-thread busy time per operation, in microseconds. */
  get busyMicros(): number {
    return (this.busyMs * 1000) / this.parts.reduce((n, part) => n + part.latenciesMs.length, 0);
  }

  get appendsPerCommit(): number {
    return this.commits > 0 ? this.appends / this.commits : Number.NaN;
  }
}

/** The server's JSON log lines (SINERGI_LOG_FORMAT=json), written to a file as a log collector's pipe would take them. */
class JsonLogFile extends ConsoleLogger {
  private readonly out: WriteStream;

  constructor(file: string) {
    super({ json: true });
    this.out = createWriteStream(file, { flags: 'a' });
  }

  protected override printAsJson(message: unknown, options: { context: string; logLevel: LogLevel; writeStreamType?: 'stdout' | 'stderr'; errorStack?: unknown }): void {
    this.out.write(`${JSON.stringify(this.getJsonLogObject(message, options))}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}

/** Metrics that count nothing: the server without its command and request metrics. */
class UncountedMetrics extends Metrics {
  override commandSettled(): void {}
  override requestServed(): void {}
}

/** A server as configureApp makes it, on a data directory of its own, with active agreements and a coordinator. */
interface VariantServer {
  app: NestExpressApplication;
  route: HttpRoute;
  headers: Record<string, string>;
  rotation: Rotation;
  log?: JsonLogFile;
}

/**
 * `observed`: JSON access log lines (to a file) and the command and request metrics, as a production server runs;
 * otherwise neither (log lines below warn are dropped before they are formatted, metrics count nothing).
 */
async function variantServer(dataDir: string, observed: boolean, agreements: number): Promise<VariantServer> {
  process.env.SINERGI_DATA_DIR = dataDir;
  const builder = Test.createTestingModule({ imports: [AppModule] });
  const moduleRef = await (observed ? builder : builder.overrideProvider(Metrics).useValue(new UncountedMetrics())).compile();
  const log = observed ? new JsonLogFile(join(dataDir, 'server.log')) : undefined;
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: log ?? ['error', 'warn'] });
  configureApp(app);
  const url = await listen(app);
  const { token } = await app
    .get(Users)
    .add({ userId: banten.userId, name: 'Koordinator Banten (bench)', role: 'coordinator', region: banten.region }, { userId: 'bench', role: 'admin', region: 'deployment' }, new Date());
  const bus = app.get(CommandBus);
  const commands = new Commands((command) => bus.execute(command));
  const ids: string[] = [];
  await runConcurrently(agreements, Math.min(CONCURRENT, agreements), async () => {
    ids.push(await commands.activeAgreement());
  });
  return { app, route: await recordMonevRoute(url), headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, rotation: new Rotation(ids, CONCURRENT), log };
}

/** A collector's OTLP/HTTP endpoint that takes every export and keeps nothing (on this machine, as a collector beside the server). */
async function discardingCollector(): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let requests = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests++;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, requests: () => requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface ObservabilityCost {
  plain: Series;
  observed: Series;
  traced: Series;
  exports: number;
}

/**
 * What the access log, the metrics and the traces cost on the write path: the same HTTP RecordMonev load, 64
 * clients, against a server without them, one with the access log and metrics, and that one again with traces
 * exported to a local collector, in alternating rounds.
 */
async function observabilityCost(options: BenchOptions, sizes: Sizes, agreements: number, httpRun: (server: VariantServer, total: number) => Promise<ConcurrentRun>): Promise<ObservabilityCost> {
  progress(`observability: two more servers (without, and with access log and metrics), ${agreements} agreements each`);
  const plainServer = await variantServer(join(options.dataDir, 'plain'), false, agreements);
  const observedServer = await variantServer(join(options.dataDir, 'observed'), true, agreements);
  const collector = await discardingCollector();
  const cost: ObservabilityCost = { plain: new Series(), observed: new Series(), traced: new Series(), exports: 0 };
  try {
    const { rounds } = sizes;
    for (let round = 0; round < rounds; round++) {
      progress(`observability round ${round + 1}/${rounds}: HTTP RecordMonev, ${CONCURRENT} clients, without / with access log and metrics / and traces`);
      const total = share(sizes.http64, rounds, round);
      await cost.plain.measure(() => httpRun(plainServer, total));
      await cost.observed.measure(() => httpRun(observedServer, total));
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = collector.url;
      const traces = chooseTracing(process.env);
      await cost.traced.measure(async () => {
        const run = await httpRun(observedServer, total);
        // The round's last spans are exported within its busy time, as a busy server's batches are.
        await traces.flush();
        return run;
      });
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      chooseTracing(process.env);
    }
    cost.exports = collector.requests();
    return cost;
  } finally {
    await plainServer.app.close();
    await observedServer.app.close();
    await observedServer.log?.close();
    await collector.close();
  }
}

async function writeBenchmark(options: BenchOptions): Promise<BenchResult> {
  const sizes: Sizes = { ...(options.large ? LARGE_SIZES : DEFAULT_SIZES) };
  if (options.commands) sizes.longRun = options.commands;
  const agreementCount = options.agreements ?? CONCURRENT * sizes.agreementsPerClient;
  const clientKind = httpClientKind(options.argv);
  // Read by SinergiConfig when the app module is created, below.
  process.env.SINERGI_DATA_DIR = join(options.dataDir, 'app');
  // The bench measures the write path, not the brake on one user's writes: its one client writes thousands a second.
  process.env.SINERGI_WRITES_PER_MINUTE = String(Number.MAX_SAFE_INTEGER);

  progress('booting the AppModule');
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, logger: ['error', 'warn'] });
  configureApp(app);
  const appUrl = await listen(app);
  let bare: { url: string; close(): Promise<void> } | undefined;
  // The HTTP clients act as Banten's coordinator, with a built-in API token.
  const { token } = await app
    .get(Users)
    .add({ userId: banten.userId, name: 'Koordinator Banten (bench)', role: 'coordinator', region: banten.region }, { userId: 'bench', role: 'admin', region: 'deployment' }, new Date());
  const httpHeaders = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const projector = app.get(ReadModelsConfig, { strict: false }).projector;
  const clients = new HttpClients();

  const store = app.get(EventStore);
  const stats = (): SqliteEventStoreStats | undefined => (store instanceof SqliteEventStore ? store.stats : undefined);
  const bus = app.get(CommandBus);
  const commands = new Commands((command) => bus.execute(command));

  try {
    progress(`preparing ${agreementCount} active agreements (7 commands each, ${CONCURRENT} at a time; read models projected ${projector})`);
    const ids: string[] = [];
    await runConcurrently(agreementCount, Math.min(CONCURRENT, agreementCount), async () => {
      ids.push(await commands.activeAgreement());
    });
    const alone = new Rotation(ids, 1);
    const together = new Rotation(ids, CONCURRENT);
    const busRun = (rotation: Rotation, clientCount: number, total: number): Promise<ConcurrentRun> =>
      runConcurrently(total, clientCount, (client) => commands.recordMonev(rotation.next(client)));
    await busRun(together, CONCURRENT, Math.min(5_000, sizes.bus64 / 4));

    const { rounds } = sizes;
    const rawFile = join(options.dataDir, 'raw-ceiling.sqlite');
    const raw = new Series();
    const bus1 = new Series(stats);
    const bus64 = new Series(stats);
    for (let round = 0; round < rounds; round++) {
      progress(`round ${round + 1}/${rounds}: raw durable SQLite, CommandBus RecordMonev with 1 and ${CONCURRENT} clients`);
      await raw.measure(() => rawDurableSqlite(rawFile, share(sizes.raw, rounds, round)));
      await bus1.measure(() => busRun(alone, 1, share(sizes.bus1, rounds, round)));
      await bus64.measure(() => busRun(together, CONCURRENT, share(sizes.bus64, rounds, round)));
    }

    progress(`long run: ${sizes.longRun} RecordMonev commands through the CommandBus, ${CONCURRENT} clients`);
    const chunks = 10;
    // Start, middle and end are sampled with the server idle for a moment (settledMemory); the others on the fly.
    const memory: MemorySample[] = [await settledMemory()];
    const long = new Series(stats);
    for (let chunk = 0; chunk < chunks; chunk++) {
      await long.measure(() => busRun(together, CONCURRENT, share(sizes.longRun, chunks, chunk)));
      const sample = chunk + 1 === chunks / 2 || chunk + 1 === chunks ? await settledMemory() : sampleMemory();
      memory.push(sample);
      progress(`  ${(chunk + 1) * 10}%: RSS ${fixed(sample.rssMb, 1)} MB, heap ${fixed(sample.heapUsedMb, 1)} MB`);
    }
    const [start, middle, end] = [memory[0], memory[chunks / 2], memory[chunks]];

    const route = await recordMonevRoute(appUrl);
    const [target] = route.targets(alone)[0];
    const answered = await fetch(target, { method: 'POST', headers: httpHeaders, body: route.body });
    bare = await bareNodeServer({ status: answered.status, body: await answered.text() });
    const bareUrl = bare.url;
    const bareRoute: HttpRoute = {
      label: 'POST to a bare node:http server',
      body: route.body,
      targets: (rotation) => rotation.lists().map(() => [bareUrl]),
    };
    const httpRun = async (target: HttpRoute, rotation: Rotation, total: number, headers: Record<string, string> = httpHeaders): Promise<ConcurrentRun> => {
      const result = await clients.run({
        client: clientKind,
        targets: target.targets(rotation),
        headers,
        body: target.body,
        warmup: Math.min(200, Math.ceil(total / 10)),
        total,
      });
      if (result.failures > 0) throw new Error(`${target.label}: ${result.failures} failed requests; first: ${result.firstFailure}`);
      return result;
    };
    const [bare1, http1, bare64, http64] = [new Series(), new Series(stats), new Series(), new Series(stats)];
    for (let round = 0; round < rounds; round++) {
      progress(`round ${round + 1}/${rounds}: bare node:http POST and ${route.label}, 1 and ${CONCURRENT} clients (${clientKind})`);
      await bare1.measure(() => httpRun(bareRoute, alone, share(sizes.http1, rounds, round)));
      await http1.measure(() => httpRun(route, alone, share(sizes.http1, rounds, round)));
      await bare64.measure(() => httpRun(bareRoute, together, share(sizes.http64, rounds, round)));
      await http64.measure(() => httpRun(route, together, share(sizes.http64, rounds, round)));
    }

    const observability = await observabilityCost(options, sizes, agreementCount, (server, total) => httpRun(server.route, server.rotation, total, server.headers));

    const m = {
      raw: raw.measurement,
      bus1: bus1.measurement,
      bus64: bus64.measurement,
      bare1: bare1.measurement,
      http1: http1.measurement,
      bare64: bare64.measurement,
      http64: http64.measurement,
      long: long.measurement,
    };
    const ratio = {
      bus1: medianRatio(bus1.parts, raw.parts),
      bus64: medianRatio(bus64.parts, raw.parts),
      http1: medianRatio(http1.parts, bare1.parts),
      http64: medianRatio(http64.parts, bare64.parts),
      // One client waits for its own commit: it cannot beat a bare round trip followed by one raw durable commit.
      http1Bound: median(
        bare1.parts.map((bare, round) => {
          const commits = rateOf(raw.parts[round]);
          return commits / (commits + rateOf(bare));
        }),
      ),
      http1P99: m.http1.p99Ms / m.bare1.p99Ms,
      http64P99: m.http64.p99Ms / m.bare64.p99Ms,
      observed: medianRatio(observability.observed.parts, observability.plain.parts),
      traced: medianRatio(observability.traced.parts, observability.observed.parts),
    };
    const figures: Record<string, number> = {
      'write.agreements': ids.length,
      'write.projector_in_process': projector === 'in-process' ? 1 : 0,
      ...figuresOf('write.raw', m.raw),
      ...figuresOf('write.bus1', m.bus1, bus1),
      'write.bus1_ratio': ratio.bus1,
      ...figuresOf('write.bus64', m.bus64, bus64),
      'write.bus64_ratio': ratio.bus64,
      ...figuresOf('write.bare1', m.bare1, bare1),
      ...figuresOf('write.http1', m.http1, http1),
      'write.http1_ratio': ratio.http1,
      'write.http1_bound_ratio': ratio.http1Bound,
      'write.http1_p99_ratio': ratio.http1P99,
      ...figuresOf('write.bare64', m.bare64, bare64),
      ...figuresOf('write.http64', m.http64, http64),
      'write.http64_ratio': ratio.http64,
      'write.http64_p99_ratio': ratio.http64P99,
      // The goals hold at both concurrencies: the worse of the two.
      'write.http_ratio': Math.min(ratio.http1, ratio.http64),
      'write.http_p99_ratio': Math.max(ratio.http1P99, ratio.http64P99),
      ...figuresOf('write.unobserved64', observability.plain.measurement, observability.plain),
      ...figuresOf('write.observed64', observability.observed.measurement, observability.observed),
      ...figuresOf('write.traced64', observability.traced.measurement, observability.traced),
      // Rate with the access log and metrics over rate without; with traces too over without traces.
      'write.observed_ratio': ratio.observed,
      'write.traced_ratio': ratio.traced,
      'write.long_commands': m.long.operations,
      ...figuresOf('write.long', m.long, long),
      'write.rss_start_mb': start.rssMb,
      'write.rss_middle_mb': middle.rssMb,
      'write.rss_end_mb': end.rssMb,
      'write.rss_growth_mb': end.rssMb - start.rssMb,
      'write.rss_growth_second_half_mb': end.rssMb - middle.rssMb,
      'write.heap_start_mb': start.heapUsedMb,
      'write.heap_end_mb': end.heapUsedMb,
      'write.heap_growth_mb': end.heapUsedMb - start.heapUsedMb,
      'write.heap_growth_per_1k_commands_kb': ((end.heapUsedMb - start.heapUsedMb) * 1024 * 1000) / m.long.operations,
    };

    const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');
    const x = (value: number): string => `${fixed(value, 2)}×`;
    const row = (what: string, clientCount: number, measured: Measurement, series: Series | undefined, rate = '', p99 = '', goal = ''): Cell[] => [
      what,
      clientCount,
      measured.operations,
      fixed(measured.perSecond, 0),
      fixed(measured.p50Ms, 2),
      fixed(measured.p99Ms, 2),
      series ? fixed(series.busyMicros, 0) : '',
      rate,
      p99,
      goal,
    ];
    const httpGoal = (rate: number, p99: number): string => `≥ 0.5× ${verdict(rate >= 0.5)}; p99 < 5× ${verdict(p99 < 5)}`;
    const rows: Cell[][] = [
      ['measure', 'clients', 'ops', 'per s', 'p50 ms', 'p99 ms', 'busy µs/op', 'rate/ceiling', 'p99/ceiling', 'goal'],
      row('raw SQLite, 1 durable tx per event (ceiling)', 1, m.raw, raw),
      row('CommandBus RecordMonev', 1, m.bus1, bus1, x(ratio.bus1), '', `≥ 0.5× ${verdict(ratio.bus1 >= 0.5)}`),
      row('CommandBus RecordMonev', CONCURRENT, m.bus64, bus64, x(ratio.bus64), '', `≥ 1× ${verdict(ratio.bus64 >= 1)}`),
      row('bare node:http POST, same answer (ceiling)', 1, m.bare1, bare1),
      row(`HTTP ${route.label}`, 1, m.http1, http1, x(ratio.http1), x(ratio.http1P99), httpGoal(ratio.http1, ratio.http1P99)),
      ['  bound: bare round trip + 1 raw durable commit', 1, '', fixed(1 / (1 / m.bare1.perSecond + 1 / m.raw.perSecond), 0), '', '', '', x(ratio.http1Bound), '', ''],
      row('bare node:http POST, same answer (ceiling)', CONCURRENT, m.bare64, bare64),
      row(`HTTP ${route.label}`, CONCURRENT, m.http64, http64, x(ratio.http64), x(ratio.http64P99), httpGoal(ratio.http64, ratio.http64P99)),
      row('long run: CommandBus RecordMonev', CONCURRENT, m.long, long),
      row(`HTTP ${route.label}, no access log, no metrics`, CONCURRENT, observability.plain.measurement, observability.plain),
      row('  with JSON access log and metrics', CONCURRENT, observability.observed.measurement, observability.observed, `${x(ratio.observed)} of without`),
      row('  and traces (OTLP to a local collector)', CONCURRENT, observability.traced.measurement, observability.traced, `${x(ratio.traced)} of without traces`),
    ];
    const mb = (value: number): string => `${fixed(value, 1)} MB`;
    const notes = [
      `Observability rows: two more servers of their own (same agreements, same load), one without access log lines and with ` +
        `metrics that count nothing, one with JSON access log lines written to a file and the metrics; traces turned on in ` +
        `the latter for the third row, every span exported over OTLP/HTTP to a collector on this machine that discards them ` +
        `(${observability.exports} exports). Rounds alternate the three; rate/ceiling there is against the row above.`,
      `${ids.length} active agreements, each client keeping to agreements of its own; read models projected ${projector} ` +
        `(SINERGI_PROJECTOR). HTTP clients: ${clientKind === 'http' ? 'node:http' : 'fetch (undici)'} with keep-alive, in a worker thread.`,
      `Each measurement alternates with its ceiling in ${rounds} rounds: a rate ratio is the median over rounds of rate / ceiling's ` +
        `rate in that round; a p99 ratio pools all rounds. busy µs/op: the server's main thread (event loop) busy per operation.`,
      `One HTTP client waits for its own durable commit after every request: its rate cannot pass the bound row, a bare ` +
        `round trip followed by one raw durable commit (per round, from the same rounds' measurements).`,
      `Appends per durable commit (group commit), 1 / ${CONCURRENT} clients: bus ${fixed(bus1.appendsPerCommit, 1)} / ` +
        `${fixed(bus64.appendsPerCommit, 1)}, HTTP ${fixed(http1.appendsPerCommit, 1)} / ${fixed(http64.appendsPerCommit, 1)}.`,
      `Memory over the long run (${m.long.operations} commands; after a full GC and 1.5 s idle): RSS ${mb(start.rssMb)} → ${mb(middle.rssMb)} → ` +
        `${mb(end.rssMb)} (growth ${mb(end.rssMb - start.rssMb)}, second half ${mb(end.rssMb - middle.rssMb)}); ` +
        `heap ${mb(start.heapUsedMb)} → ${mb(middle.heapUsedMb)} → ${mb(end.heapUsedMb)}.`,
    ];
    return { title: `write: one-event commands (RecordMonev), ${options.large ? 'large' : 'default'} sizes`, rows, figures, notes };
  } finally {
    await clients.close();
    await bare?.close();
    await app.close();
  }
}

function figuresOf(prefix: string, m: Measurement, series?: Series): Record<string, number> {
  return {
    [`${prefix}_per_s`]: m.perSecond,
    [`${prefix}_p50_ms`]: m.p50Ms,
    [`${prefix}_p99_ms`]: m.p99Ms,
    ...(series ? { [`${prefix}_busy_us`]: series.busyMicros } : {}),
    ...(series && Number.isFinite(series.appendsPerCommit) ? { [`${prefix}_appends_per_commit`]: series.appendsPerCommit } : {}),
  };
}

runBenchmark(writeBenchmark);
