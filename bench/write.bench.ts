// One-event commands through the CommandBus and through HTTP, each beside its raw ceiling in the same run:
// durable one-transaction-per-event SQLite for the bus, a bare NestJS endpoint for HTTP. Each measurement and
// its ceiling alternate in rounds, so that a neighbour's load on a shared machine weighs on both alike. Then a
// long run through the bus, sampling the server's memory along the way.
//   flags: --large, --commands N (long run), --agreements N, --client http|fetch (HTTP client, default http)
import 'reflect-metadata';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AccessConfig } from '../src/access/access.config';
import { BuiltInUsers } from '../src/access/built-in-users';
import { type AgreementCommandInput, ExecuteAgreementCommand } from '../src/agreements/application/agreement.commands';
import { AppModule } from '../src/app.module';
import { SinergiConfig } from '../src/config/sinergi.config';
import type { CommandContext, CommandResult } from '../src/core/command-processor';
import type { Actor } from '../src/core/event';
import { EventStore } from '../src/core/event-store.port';
import { coordinator } from '../src/demo/demo-story';
import { configureApp } from '../src/http/configure-app';
import { SqliteEventStore, type SqliteEventStoreStats } from '../src/infrastructure/sqlite/sqlite.event-store';
import { RegionDirectory } from '../src/regions/region-directory';
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
  medianRatio,
  progress,
  rawDurableSqlite,
  runBenchmark,
  runConcurrently,
  sampleMemory,
} from './support';

const CONCURRENT = 64;
const banten = coordinator('36');
const bengkulu = coordinator('17');

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


const monevData = (n: number) => ({
  party: '36',
  date: '2026-01-10',
  rating: 4,
  recommendation: 'continue' as const,
  note: `Monitoring dan evaluasi semester I, kunjungan ${n}: layanan rujukan berjalan sesuai rencana`,
});

/**
 * The ceiling for HTTP: one POST route that does nothing, behind the same HTTP edge (configureApp: body parser,
 * ValidationPipe, security headers), without authentication or a command.
 */
@Controller('bare')
class BareController {
  @Post()
  @HttpCode(200)
  accept(@Body() _body: unknown): Record<string, never> {
    return {};
  }
}

@Module({
  controllers: [BareController],
  providers: [
    { provide: SinergiConfig, useFactory: () => SinergiConfig.fromEnv() },
    { provide: AccessConfig, useFactory: () => AccessConfig.fromEnv() },
  ],
})
class BareModule {}

class Commands {
  private sent = 0;

  constructor(private readonly bus: CommandBus) {}

  execute(agreementId: string, by: Actor, occurredAt: string, command: AgreementCommandInput): Promise<CommandResult> {
    const commandId = randomUUID();
    const context: CommandContext = { actor: by, occurredAt, correlationId: commandId, causationId: commandId };
    this.sent++;
    return this.bus.execute(new ExecuteAgreementCommand(agreementId, command, context));
  }

  recordMonev(agreementId: string): Promise<CommandResult> {
    return this.execute(agreementId, banten, '2026-01-10T10:00:00+07:00', { type: 'RecordMonev', data: monevData(this.sent) });
  }

  /** Propose, accept, revise, approve twice, sign twice: an active KSB between Banten and Bengkulu. */
  async activeAgreement(): Promise<string> {
    const id = randomUUID();
    const on = (day: string): string => `${day}T12:00:00+07:00`;
    const sign = (party: string, name: string, position: string): AgreementCommandInput => ({
      type: 'SignAgreement',
      data: { party, signatory: { name, position }, documentNumber: `100.3.7/${party}-KSB/2025`, date: '2025-10-24', place: 'Serang' },
    });
    await this.execute(id, banten, on('2025-09-15'), {
      type: 'ProposeAgreement',
      data: {
        agreementId: id,
        proposer: '36',
        counterparts: ['17'],
        title: 'Pengembangan Potensi Daerah dan Peningkatan Pelayanan Publik',
        fields: ['potensi-daerah', 'kesehatan'],
        scope: 'Pengembangan potensi daerah dan peningkatan pelayanan publik, diawali dengan layanan kesehatan.',
        kind: 'voluntary',
        offerLetter: { number: '000.5/1234-Pem/2025', date: '2025-09-15' },
        termMonths: 60,
      },
    });
    await this.execute(id, bengkulu, on('2025-09-29'), { type: 'AcceptOffer', data: { party: '17' } });
    const documentSha256 = createHash('sha256').update(id).digest('hex');
    await this.execute(id, banten, on('2025-10-06'), { type: 'ReviseDraft', data: { documentSha256, summary: 'Draf pertama' } });
    await this.execute(id, banten, on('2025-10-13'), { type: 'ApproveDraft', data: { party: '36', version: 1 } });
    await this.execute(id, bengkulu, on('2025-10-14'), { type: 'ApproveDraft', data: { party: '17', version: 1 } });
    await this.execute(id, banten, on('2025-10-24'), sign('36', 'Andra Soni', 'Gubernur Banten'));
    await this.execute(id, bengkulu, on('2025-10-24'), sign('17', 'Helmi Hasan', 'Gubernur Bengkulu'));
    return id;
  }
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

function appendsPerCommit(before: SqliteEventStoreStats | undefined, after: SqliteEventStoreStats | undefined): number {
  if (!before || !after || after.commits === before.commits) return Number.NaN;
  return (after.appends - before.appends) / (after.commits - before.commits);
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

async function writeBenchmark(options: BenchOptions): Promise<BenchResult> {
  const sizes: Sizes = { ...(options.large ? LARGE_SIZES : DEFAULT_SIZES) };
  if (options.commands) sizes.longRun = options.commands;
  const agreementCount = options.agreements ?? CONCURRENT * sizes.agreementsPerClient;
  const clientKind = httpClientKind(options.argv);
  // Read by SinergiConfig when the app module is created, below.
  process.env.SINERGI_DATA_DIR = join(options.dataDir, 'app');

  progress('booting the AppModule and a bare NestJS app');
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, logger: ['error', 'warn'] });
  configureApp(app);
  const appUrl = await listen(app);
  const bare = await NestFactory.create<NestExpressApplication>(BareModule, { bodyParser: false, logger: ['error', 'warn'] });
  configureApp(bare);
  const bareUrl = await listen(bare);
  // The HTTP clients act as Banten's coordinator, with a built-in API token.
  const regions = app.get(RegionDirectory);
  const { token } = app
    .get(BuiltInUsers)
    .add({ userId: banten.userId, name: 'Koordinator Banten (bench)', role: 'coordinator', region: banten.region }, (code) => regions.find(code) !== undefined);
  const httpHeaders = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const clients = new HttpClients();

  const store = app.get(EventStore);
  const stats = (): SqliteEventStoreStats | undefined => (store instanceof SqliteEventStore ? store.stats : undefined);
  const commands = new Commands(app.get(CommandBus));

  try {
    progress(`preparing ${agreementCount} active agreements (7 commands each, ${CONCURRENT} at a time)`);
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
    const rawParts: ConcurrentRun[] = [];
    const bus1Parts: ConcurrentRun[] = [];
    const bus64Parts: ConcurrentRun[] = [];
    let bus1Group = { appends: 0, commits: 0 };
    let bus64Group = { appends: 0, commits: 0 };
    const counted = async (group: { appends: number; commits: number }, run: () => Promise<ConcurrentRun>) => {
      const before = stats();
      const result = await run();
      const after = stats();
      const added = before && after ? { appends: after.appends - before.appends, commits: after.commits - before.commits } : { appends: 0, commits: 0 };
      return { result, group: { appends: group.appends + added.appends, commits: group.commits + added.commits } };
    };
    for (let round = 0; round < rounds; round++) {
      progress(`round ${round + 1}/${rounds}: raw durable SQLite, CommandBus RecordMonev with 1 and ${CONCURRENT} clients`);
      rawParts.push(rawDurableSqlite(rawFile, share(sizes.raw, rounds, round)));
      const one = await counted(bus1Group, () => busRun(alone, 1, share(sizes.bus1, rounds, round)));
      bus1Parts.push(one.result);
      bus1Group = one.group;
      const many = await counted(bus64Group, () => busRun(together, CONCURRENT, share(sizes.bus64, rounds, round)));
      bus64Parts.push(many.result);
      bus64Group = many.group;
    }
    const [raw, bus1, bus64] = [combine(rawParts), combine(bus1Parts), combine(bus64Parts)];

    progress(`long run: ${sizes.longRun} RecordMonev commands through the CommandBus, ${CONCURRENT} clients`);
    const memory: MemorySample[] = [sampleMemory()];
    const chunks = 10;
    const longParts: ConcurrentRun[] = [];
    for (let chunk = 0; chunk < chunks; chunk++) {
      longParts.push(await busRun(together, CONCURRENT, share(sizes.longRun, chunks, chunk)));
      const sample = sampleMemory();
      memory.push(sample);
      progress(`  ${(chunk + 1) * 10}%: RSS ${fixed(sample.rssMb, 1)} MB, heap ${fixed(sample.heapUsedMb, 1)} MB`);
    }
    const long = combine(longParts);
    const [start, middle, end] = [memory[0], memory[chunks / 2], memory[chunks]];

    const route = await recordMonevRoute(appUrl);
    const bareRoute: HttpRoute = {
      label: 'POST /bare',
      body: route.body,
      targets: (rotation) => rotation.lists().map(() => [`${bareUrl}/bare`]),
    };
    const httpParts = { bare1: [] as ConcurrentRun[], http1: [] as ConcurrentRun[], bare64: [] as ConcurrentRun[], http64: [] as ConcurrentRun[] };
    const httpGroups = { http1: { appends: 0, commits: 0 }, http64: { appends: 0, commits: 0 } };
    const httpRun = async (target: HttpRoute, rotation: Rotation, total: number): Promise<ConcurrentRun> => {
      const result = await clients.run({
        client: clientKind,
        targets: target.targets(rotation),
        headers: httpHeaders,
        body: target.body,
        warmup: Math.min(200, Math.ceil(total / 10)),
        total,
      });
      if (result.failures > 0) throw new Error(`${target.label}: ${result.failures} failed requests; first: ${result.firstFailure}`);
      return result;
    };
    for (let round = 0; round < rounds; round++) {
      progress(`round ${round + 1}/${rounds}: bare NestJS POST and ${route.label}, 1 and ${CONCURRENT} clients (${clientKind})`);
      httpParts.bare1.push(await httpRun(bareRoute, alone, share(sizes.http1, rounds, round)));
      const one = await counted(httpGroups.http1, () => httpRun(route, alone, share(sizes.http1, rounds, round)));
      httpParts.http1.push(one.result);
      httpGroups.http1 = one.group;
      httpParts.bare64.push(await httpRun(bareRoute, together, share(sizes.http64, rounds, round)));
      const many = await counted(httpGroups.http64, () => httpRun(route, together, share(sizes.http64, rounds, round)));
      httpParts.http64.push(many.result);
      httpGroups.http64 = many.group;
    }
    const [bare1, http1, bare64, http64] = [
      combine(httpParts.bare1),
      combine(httpParts.http1),
      combine(httpParts.bare64),
      combine(httpParts.http64),
    ];
    const perCommit = (group: { appends: number; commits: number }): number => (group.commits > 0 ? group.appends / group.commits : Number.NaN);

    const figures: Record<string, number> = {
      'write.agreements': ids.length,
      ...figuresOf('write.raw', raw),
      ...figuresOf('write.bus1', bus1),
      'write.bus1_ratio': medianRatio(bus1Parts, rawParts),
      ...figuresOf('write.bus64', bus64),
      'write.bus64_ratio': medianRatio(bus64Parts, rawParts),
      'write.bus1_appends_per_commit': perCommit(bus1Group),
      'write.bus64_appends_per_commit': perCommit(bus64Group),
      ...figuresOf('write.bare1', bare1),
      ...figuresOf('write.bare64', bare64),
      ...figuresOf('write.http1', http1),
      'write.http1_ratio': medianRatio(httpParts.http1, httpParts.bare1),
      'write.http1_p99_ratio': http1.p99Ms / bare1.p99Ms,
      ...figuresOf('write.http64', http64),
      'write.http64_ratio': medianRatio(httpParts.http64, httpParts.bare64),
      'write.http64_p99_ratio': http64.p99Ms / bare64.p99Ms,
      'write.http1_appends_per_commit': perCommit(httpGroups.http1),
      'write.http64_appends_per_commit': perCommit(httpGroups.http64),
      // The goals hold at both concurrencies: the worse of the two.
      'write.http_ratio': Math.min(medianRatio(httpParts.http1, httpParts.bare1), medianRatio(httpParts.http64, httpParts.bare64)),
      'write.http_p99_ratio': Math.max(http1.p99Ms / bare1.p99Ms, http64.p99Ms / bare64.p99Ms),
      'write.long_commands': long.operations,
      ...figuresOf('write.long', long),
      'write.rss_start_mb': start.rssMb,
      'write.rss_middle_mb': middle.rssMb,
      'write.rss_end_mb': end.rssMb,
      'write.rss_growth_mb': end.rssMb - start.rssMb,
      'write.rss_growth_second_half_mb': end.rssMb - middle.rssMb,
      'write.heap_start_mb': start.heapUsedMb,
      'write.heap_end_mb': end.heapUsedMb,
      'write.heap_growth_mb': end.heapUsedMb - start.heapUsedMb,
      'write.heap_growth_per_1k_commands_kb': ((end.heapUsedMb - start.heapUsedMb) * 1024 * 1000) / long.operations,
    };

    const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');
    const x = (value: number): string => `${fixed(value, 2)}×`;
    const row = (what: string, clientCount: number, m: Measurement, rate = '', p99 = '', goal = ''): Cell[] => [
      what,
      clientCount,
      m.operations,
      fixed(m.perSecond, 0),
      fixed(m.p50Ms, 2),
      fixed(m.p99Ms, 2),
      rate,
      p99,
      goal,
    ];
    const httpGoal = (rate: number, p99: number): string => `≥ 0.5× ${verdict(rate >= 0.5)}; p99 < 5× ${verdict(p99 < 5)}`;
    const rows: Cell[][] = [
      ['measure', 'clients', 'ops', 'per s', 'p50 ms', 'p99 ms', 'rate/ceiling', 'p99/ceiling', 'goal'],
      row('raw SQLite, 1 durable tx per event (ceiling)', 1, raw),
      row('CommandBus RecordMonev', 1, bus1, x(figures['write.bus1_ratio']), '', `≥ 0.5× ${verdict(figures['write.bus1_ratio'] >= 0.5)}`),
      row('CommandBus RecordMonev', CONCURRENT, bus64, x(figures['write.bus64_ratio']), '', `≥ 1× ${verdict(figures['write.bus64_ratio'] >= 1)}`),
      row('bare NestJS POST (ceiling)', 1, bare1),
      row(`HTTP ${route.label}`, 1, http1, x(figures['write.http1_ratio']), x(figures['write.http1_p99_ratio']),
        httpGoal(figures['write.http1_ratio'], figures['write.http1_p99_ratio'])),
      row('bare NestJS POST (ceiling)', CONCURRENT, bare64),
      row(`HTTP ${route.label}`, CONCURRENT, http64, x(figures['write.http64_ratio']), x(figures['write.http64_p99_ratio']),
        httpGoal(figures['write.http64_ratio'], figures['write.http64_p99_ratio'])),
      row('long run: CommandBus RecordMonev', CONCURRENT, long),
    ];
    const mb = (value: number): string => `${fixed(value, 1)} MB`;
    const notes = [
      `${ids.length} active agreements; each client keeps to agreements of its own. Each measurement alternates with its ` +
        `ceiling in ${rounds} rounds; a rate ratio is the median over rounds of rate / ceiling's rate in that round, a p99 ratio is over all rounds. HTTP clients: ${clientKind === 'http' ? 'node:http, keep-alive' : 'fetch (undici), keep-alive'}, in a worker thread.`,
      `Appends per durable commit (group commit), 1 / ${CONCURRENT} clients: bus ${fixed(perCommit(bus1Group), 1)} / ` +
        `${fixed(perCommit(bus64Group), 1)}, HTTP ${fixed(perCommit(httpGroups.http1), 1)} / ${fixed(perCommit(httpGroups.http64), 1)}.`,
      `Memory over the long run (${long.operations} commands, after a full GC): RSS ${mb(start.rssMb)} → ${mb(middle.rssMb)} → ` +
        `${mb(end.rssMb)} (growth ${mb(end.rssMb - start.rssMb)}, second half ${mb(end.rssMb - middle.rssMb)}); ` +
        `heap ${mb(start.heapUsedMb)} → ${mb(middle.heapUsedMb)} → ${mb(end.heapUsedMb)}.`,
    ];
    return { title: `write: one-event commands (RecordMonev), ${options.large ? 'large' : 'default'} sizes`, rows, figures, notes };
  } finally {
    await clients.close();
    await bare.close();
    await app.close();
  }
}

function figuresOf(prefix: string, m: Measurement): Record<string, number> {
  return { [`${prefix}_per_s`]: m.perSecond, [`${prefix}_p50_ms`]: m.p50Ms, [`${prefix}_p99_ms`]: m.p99Ms };
}

runBenchmark(writeBenchmark);
