// The national read path: agreements between random official regions told by the real decider, the real server
// started on them in a process of its own, and every read route timed over HTTP as a national auditor and as a
// region's coordinator; the server's memory, its start-up, and the tamper check once little has changed.
//   npm run bench -- --only national                   5,000 agreements (about 100,000 events)
//   npm run bench -- --only national --large           50,000 agreements (about 1,000,000 events)
//   npm run bench -- --only national --agreements N
import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { tokenDigest } from '../src/access/users';
import { userDecider, userStreamId } from '../src/access/user.decider';
import { addDays, dateInRegion } from '../src/agreements/domain/dates';
import { CheckpointKey, checkpointKeySettingsFromEnv, LogCheckpoints } from '../src/audit/log-checkpoints';
import { SystemClock } from '../src/core/clock.port';
import { CommandProcessor, commandContextOf } from '../src/core/command-processor';
import { SqliteEventStore } from '../src/infrastructure/sqlite/sqlite.event-store';
import { RegionDirectory } from '../src/regions/domain/region-directory';
import { appendInterleaved } from '../test/projections/support/generated-histories';
import { type BenchOptions, type BenchResult, build, builtFile, type Cell, everyRegionPublishes, fixed, nationalAgreements, percentile, progress, runBenchmark } from './support';

const REGION = '32';
const GOAL_P99_MS = 100;
const GOAL_RSS_MB = 500;
const GOAL_VERIFY_MS = 1_000;
const builtServer = (): string => builtFile('src/main.js');
const users = {
  auditor: { userId: 'bench.auditor', name: 'Auditor nasional', role: 'auditor' as const, region: '31', national: true, token: 'sng_bench-national-auditor' },
  coordinator: { userId: 'bench.coordinator', name: 'Koordinator Jawa Barat', role: 'coordinator' as const, region: REGION, national: false, token: 'sng_bench-region-coordinator' },
};
type Who = keyof typeof users;

/** Agreements between any two official regions, each through its whole life (about 20 events), interleaved. */
async function generate(store: SqliteEventStore, regions: RegionDirectory, agreements: number): Promise<number> {
  let reported = 0;
  // Offers spread over seven years, so that some are still in force, some have ended and some are new.
  const next = nationalAgreements(regions, agreements, { seed: 2027, activeSteps: 12, startsPerDay: agreements / 2_500 });
  const { events } = await appendInterleaved(store, next, {
    inFlight: 1_000,
    onRound: ({ agreements: n, events: e }) => {
      if (n - reported < agreements / 10) return;
      reported = n;
      progress(`${n.toLocaleString('en-US')} agreements started, ${e.toLocaleString('en-US')} events`);
    },
  });
  return events;
}

/** The two readers, added as the operator adds them (their token recorded only as its digest). */
async function addUsers(store: SqliteEventStore): Promise<void> {
  const processor = new CommandProcessor(store);
  const operator = { userId: 'bench.operator', role: 'admin' as const, region: REGION };
  for (const { token, ...user } of Object.values(users)) {
    await processor.handle(userDecider, userStreamId(user.userId), { type: 'AddUser', data: { ...user, tokenSha256: tokenDigest(token) } }, commandContextOf(operator, new Date()));
  }
}

const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });

interface Answer {
  status: number;
  body: Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get(port: number, path: string, who?: Who): Promise<Answer> {
  return new Promise((done, fail) => {
    const headers: Record<string, string> = who ? { Authorization: `Bearer ${users[who].token}` } : {};
    const req = request({ host: '127.0.0.1', port, path, agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      response.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

function post(port: number, path: string, who: Who, body: unknown): Promise<Answer> {
  return new Promise((done, fail) => {
    const text = JSON.stringify(body);
    const headers = { Authorization: `Bearer ${users[who].token}`, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) };
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end(text);
  });
}

async function json<T>(port: number, path: string, who?: Who): Promise<T> {
  const answer = await get(port, path, who);
  if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.body.toString().slice(0, 300)}`);
  return JSON.parse(answer.body.toString()) as T;
}

/** Polls a path until it answers 200; the time from `since`. */
async function answeredAfter(port: number, path: string, since: number, server: ChildProcess): Promise<number> {
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited with code ${server.exitCode} before ${path} answered`);
    const answer = await get(port, path).catch(() => undefined);
    if (answer?.status === 200) return performance.now() - since;
    await new Promise((wait) => setTimeout(wait, 20));
  }
}

/** Resident set now and at its peak (VmHWM), of the server's process. */
function serverMemory(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(/(\d+) kB/.exec(status.split('\n').find((line) => line.startsWith(field)) ?? '')?.[1] ?? Number.NaN);
  return { rssMb: kb('VmRSS:') / 1024, peakMb: kb('VmHWM:') / 1024 };
}

interface Route {
  name: string;
  who: Who;
  path: string;
  /** A whole feed or file streamed: timed, reported apart from the interactive routes' goal. */
  bulk?: boolean;
}

interface Timed extends Route {
  samples: number;
  p50: number;
  p99: number;
  bytes: number;
}

/** At least this many requests per route; more, up to the sample count, while the route has taken less than its budget. */
const MIN_SAMPLES = 3;
const ROUTE_BUDGET_MS = 15_000;

async function timeRoute(port: number, route: Route, samples: number): Promise<Timed> {
  const latencies: number[] = [];
  let bytes = 0;
  const began = performance.now();
  for (let i = -1; i < samples && (i < MIN_SAMPLES || performance.now() - began < ROUTE_BUDGET_MS); i++) {
    const begin = performance.now();
    const answer = await get(port, route.path, route.who);
    const ms = performance.now() - begin;
    if (answer.status !== 200) throw new Error(`${route.name}: GET ${route.path} answered ${answer.status}: ${answer.body.toString().slice(0, 300)}`);
    // The first request warms the route (compiled code, statements prepared): not counted.
    if (i >= 0) latencies.push(ms);
    bytes = answer.body.length;
  }
  const sorted = Float64Array.from(latencies).sort();
  return { ...route, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), bytes, samples: latencies.length };
}

interface ListPage {
  items: { agreementId: string }[];
  total: number;
  links?: { next?: string; prev?: string };
}

async function nationalBenchmark(options: BenchOptions): Promise<BenchResult> {
  const agreements = options.agreements ?? (options.large ? 50_000 : 5_000);
  const samples = options.large ? 20 : 30;
  const file = join(options.dataDir, 'events.sqlite');
  const regions = RegionDirectory.load();

  const store = SqliteEventStore.open(file);
  let events: number;
  let checkpointAt: number;
  try {
    const begin = performance.now();
    events = await generate(store, regions, agreements);
    await everyRegionPublishes(store, regions);
    progress(`${agreements.toLocaleString('en-US')} agreements, ${events.toLocaleString('en-US')} events in ${fixed((performance.now() - begin) / 1000, 1)} s`);
    const checkpoints = new LogCheckpoints(store, CheckpointKey.load(checkpointKeySettingsFromEnv({}, options.dataDir)), new SystemClock());
    checkpointAt = (await checkpoints.signAtHead())?.position ?? 0;
    progress(`checkpoint signed at ${checkpointAt.toLocaleString('en-US')}`);
    await addUsers(store);
  } finally {
    await store.close();
  }

  const port = await freePort();
  // The server runs as deployed, built: see `build`.
  build();
  const started = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), SINERGI_DATA_DIR: options.dataDir, SINERGI_CHECKPOINT_SECONDS: '0', SINERGI_LOG_FORMAT: 'json' };
  delete env.REDIS_URL;
  // As `npm start` runs it: V8 grows the heap by 30% over what a collection keeps (not up to 4 times), and its
  // young generation's semi-spaces are 4 MB (not 16).
  const server = spawn(process.execPath, ['--heap-growing-percent=30', '--max-semi-space-size=4', builtServer()], { stdio: ['ignore', 'ignore', 2], env });
  try {
    const liveMs = await answeredAfter(port, '/health/live', started, server);
    const readyMs = await answeredAfter(port, '/health/ready', started, server);
    const atReady = serverMemory(server.pid ?? 0);
    progress(`live after ${fixed(liveMs, 0)} ms, ready after ${fixed(readyMs, 0)} ms; server RSS ${fixed(atReady.rssMb, 0)} MB, peak ${fixed(atReady.peakMb, 0)} MB`);

    const today = dateInRegion(new Date().toISOString(), REGION);
    const mine = await json<ListPage>(port, `/agreements?stage=active&pageSize=1`, 'coordinator');
    const agreementId = mine.items[0]?.agreementId;
    if (!agreementId) throw new Error(`region ${REGION} has no active agreement among so few: run with --agreements 2000 or more`);
    const first = await json<ListPage>(port, '/agreements?pageSize=100', 'auditor');
    const middle = Math.max(1, Math.floor(first.total / 100 / 2));
    // The deep page reached as a reader reaches it: by following the next links from the first page.
    let page = first;
    for (let n = 1; n < middle && page.links?.next; n++) page = await json<ListPage>(port, page.links.next, 'auditor');
    const deepLink = page.links?.next;

    const routes: Route[] = [
      { name: 'web app: first page (HTML)', who: 'coordinator', path: '/' },
      { name: 'who am I', who: 'coordinator', path: '/me' },
      { name: 'list, first page (national)', who: 'auditor', path: '/agreements?pageSize=100' },
      ...(deepLink ? [{ name: `list, page ${middle + 1} by its next link (national)`, who: 'auditor' as const, path: deepLink }] : []),
      { name: `list, page ${middle + 1} by page= (national)`, who: 'auditor', path: `/agreements?pageSize=100&page=${middle + 1}` },
      { name: 'list, active, by end date (national)', who: 'auditor', path: '/agreements?stage=active&sort=validUntil' },
      { name: 'list, one field (national)', who: 'auditor', path: '/agreements?field=kesehatan' },
      { name: 'list, title search (national)', who: 'auditor', path: '/agreements?q=pariwisata' },
      { name: 'list, by title (national)', who: 'auditor', path: '/agreements?sort=title' },
      { name: 'list, by next deadline (national)', who: 'auditor', path: '/agreements?sort=nextDeadline' },
      { name: 'list, one region (national auditor)', who: 'auditor', path: `/agreements?region=${REGION}` },
      { name: 'list, own region, first page', who: 'coordinator', path: '/agreements' },
      { name: 'list, own region, by next deadline', who: 'coordinator', path: '/agreements?sort=nextDeadline' },
      { name: 'list, own region, all (pageSize 100)', who: 'coordinator', path: '/agreements?pageSize=100&sort=title' },
      { name: 'portfolio', who: 'coordinator', path: `/regions/${REGION}/portfolio` },
      { name: 'worklist', who: 'coordinator', path: `/regions/${REGION}/worklist` },
      { name: 'deadlines', who: 'coordinator', path: `/regions/${REGION}/deadlines?to=${addDays(today, 30)}&limit=50` },
      { name: 'activity', who: 'coordinator', path: `/regions/${REGION}/activity` },
      { name: 'agreement', who: 'coordinator', path: `/agreements/${agreementId}` },
      { name: 'agreement events', who: 'coordinator', path: `/agreements/${agreementId}/events` },
      { name: 'history', who: 'auditor', path: `/audit/agreements/${agreementId}/history` },
      { name: 'as-of a date', who: 'auditor', path: `/audit/agreements/${agreementId}/as-of?date=2025-06-30` },
      { name: 'changes between dates', who: 'auditor', path: `/audit/agreements/${agreementId}/diff?from=2024-01-01&to=2025-12-31` },
      { name: 'agreement export (JSON)', who: 'auditor', path: `/audit/agreements/${agreementId}/export` },
      { name: 'region settings', who: 'coordinator', path: `/regions/${REGION}/settings` },
      { name: 'reminders sent', who: 'coordinator', path: `/regions/${REGION}/reminders/sent` },
      { name: 'open data: metadata', who: 'coordinator', path: '/open-data/metadata.json' },
      { name: 'open data: one region (JSON)', who: 'coordinator', path: `/open-data/regions/${REGION}/agreements.json` },
      { name: 'region export (JSON)', who: 'auditor', path: `/audit/regions/${REGION}/export`, bulk: true },
      { name: 'semester report (PDF)', who: 'coordinator', path: `/regions/${REGION}/reports/semester?year=2025&semester=1`, bulk: true },
      { name: 'open data: national (CSV)', who: 'coordinator', path: '/open-data/agreements.csv', bulk: true },
    ];
    const timed: Timed[] = [];
    for (const route of routes) {
      const result = await timeRoute(port, route, samples);
      progress(`${route.name}: p50 ${fixed(result.p50, 1)} ms, p99 ${fixed(result.p99, 1)} ms; server peak RSS ${fixed(serverMemory(server.pid ?? 0).peakMb, 0)} MB`);
      timed.push(result);
    }

    // The tamper check once little has changed: a step recorded, then the log verified again.
    const verifyTimes: number[] = [];
    for (let round = 0; round < 5; round++) {
      const monev = { party: REGION, date: today, rating: 4, recommendation: 'continue', note: `Monitoring dan evaluasi ${round + 1}` };
      const recorded = await post(port, `/agreements/${agreementId}/monev`, 'coordinator', monev);
      if (recorded.status >= 300) throw new Error(`recording a monev answered ${recorded.status}: ${recorded.body.toString()}`);
      const begin = performance.now();
      const verified = await json<{ intact: boolean }>(port, '/audit/verify?documents=false', 'auditor');
      verifyTimes.push(performance.now() - begin);
      if (!verified.intact) throw new Error('the generated log does not verify');
    }
    const verifyMs = percentile(Float64Array.from(verifyTimes).sort(), 0.5);
    const begin = performance.now();
    await json(port, '/audit/verify?documents=false&full=true', 'auditor');
    const verifyFullMs = performance.now() - begin;
    const memory = serverMemory(server.pid ?? 0);

    const interactive = timed.filter((route) => !route.bulk);
    const worst = interactive.reduce((a, b) => (b.p99 > a.p99 ? b : a));
    const met = (ok: boolean): string => (ok ? 'met' : 'MISSED');
    const rows: Cell[][] = [
      ['route', 'as', 'requests', 'p50 ms', 'p99 ms', 'bytes'],
      ...timed.map((route) => [`${route.name}${route.bulk ? ' (bulk)' : ''}`, route.who, route.samples, fixed(route.p50, 1), fixed(route.p99, 1), route.bytes.toLocaleString('en-US')]),
      ['audit verify, a step after the checkpoint (median)', 'auditor', 5, fixed(verifyMs, 0), '', ''],
      ['audit verify, whole log (full=true)', 'auditor', 1, fixed(verifyFullMs, 0), '', ''],
    ];
    const figures: Record<string, number> = {
      'national.agreements': agreements,
      'national.events': events,
      'national.read_p99_ms': worst.p99,
      'national.rss_mb': memory.peakMb,
      'national.rss_after_mb': memory.rssMb,
      'national.verify_incremental_ms': verifyMs,
      'national.verify_full_ms': verifyFullMs,
      'national.startup_ms': liveMs,
      'national.ready_ms': readyMs,
    };
    const notes = [
      `${agreements.toLocaleString('en-US')} agreements between random official regions, ${events.toLocaleString('en-US')} events told by the real decider; ` +
        `the server in a process of its own (built, started as npm start starts it), SQLite event store and read models; up to ${samples} requests per route after one warm-up, one at a time, fewer (at least ${MIN_SAMPLES}) once a route has taken ${ROUTE_BUDGET_MS / 1000} s.`,
      `worst interactive route: ${worst.name}, p99 ${fixed(worst.p99, 1)} ms (goal < ${GOAL_P99_MS} ms: ${met(worst.p99 < GOAL_P99_MS)})`,
      `server memory: ${fixed(memory.peakMb, 0)} MB at its peak (start-up and every route), ${fixed(memory.rssMb, 0)} MB after the run (goal < ${GOAL_RSS_MB} MB: ${met(memory.peakMb < GOAL_RSS_MB)})`,
      `audit verify after a step: ${fixed(verifyMs, 0)} ms, checkpoint signed at ${checkpointAt.toLocaleString('en-US')} (goal < ${GOAL_VERIFY_MS} ms: ${met(verifyMs < GOAL_VERIFY_MS)}); the whole log: ${fixed(verifyFullMs, 0)} ms`,
      `start-up: /health/live after ${fixed(liveMs, 0)} ms, /health/ready (read models caught up) after ${fixed(readyMs, 0)} ms`,
    ];
    return { title: `national: every read route over HTTP, ${agreements.toLocaleString('en-US')} agreements`, rows, figures, notes };
  } finally {
    agent.destroy();
    server.kill('SIGTERM');
  }
}

runBenchmark(nationalBenchmark);
