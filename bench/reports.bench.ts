// A province's semester report (PDF and XLSX) beside reading the same read-model rows, and the national open-data
// feed streamed over HTTP with the process's peak RSS sampled while it streams.
//   npm run bench -- --only reports                 500 agreements / 20,000 events; open data over 10,000 agreements
//   npm run bench -- --only reports --large         open data over 50,000 agreements
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { get } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import { agreementStatusProjection } from '../projections/agreement-status/agreement-status.projection';
import { addDays } from '../src/agreements/domain/dates';
import { AppModule } from '../src/app.module';
import { EventStore } from '../src/core/event-store.port';
import { OPEN_DATA_PAGE } from '../src/open-data/application/open-data.feed';
import { configureApp } from '../src/http/configure-app';
import { ProjectionsStatus } from '../src/read-models/projector/projections-status';
import { ReadModelReader } from '../src/read-models/queries/read-model.reader';
import { RegionDirectory } from '../src/regions/region-directory';
import { SemesterReports } from '../src/reports/application/semester-reports';
import { reportPdf } from '../src/reports/render/report-pdf';
import { reportXlsx } from '../src/reports/render/report-xlsx';
import { AgreementHistory, appendInterleaved, Random } from '../test/projections/support/generated-histories';
import { type BenchOptions, type BenchResult, type Cell, everyRegionPublishes, fixed, median, progress, runBenchmark, settledMemory } from './support';

const PROVINCE = '32';
const PROVINCE_AGREEMENTS = 500;
const PROVINCE_EVENTS = 20_000;
const ROUNDS = 3;

/** Wall time and this process's CPU time: on a machine shared with other work the CPU time is the steadier figure. */
const elapsed = async <T>(work: () => Promise<T>): Promise<{ wallMs: number; cpuMs: number }> => {
  const cpu = process.cpuUsage();
  const begin = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - begin, cpuMs: (used.user + used.system) / 1000 };
};

/** West Java and its partners: 500 agreements whose lives add up to about 20,000 events. */
async function generateProvince(store: EventStore, regions: RegionDirectory): Promise<{ events: number; agreements: number }> {
  const random = new Random(16);
  const partners = regions.all().filter((r) => r.code !== PROVINCE);
  let started = 0;
  return appendInterleaved(
    store,
    () => {
      if (started >= PROVINCE_AGREEMENTS) return undefined;
      const partner = random.pick(partners).code;
      return new AgreementHistory(random, {
        proposer: started % 3 === 0 ? partner : PROVINCE,
        counterparts: [started % 3 === 0 ? PROVINCE : partner],
        start: addDays('2021-01-04', Math.floor(started++ * 2.5)),
        activeSteps: 30,
        termMonths: 60,
      });
    },
    { inFlight: 100, maxEvents: PROVINCE_EVENTS },
  );
}

/** Agreements between any two regions, short lives: what the national feed lists. */
async function generateNation(store: EventStore, regions: RegionDirectory, agreements: number): Promise<number> {
  const random = new Random(2026);
  const all = regions.all();
  let started = 0;
  let reported = 0;
  const { events } = await appendInterleaved(
    store,
    () => {
      if (started >= agreements) return undefined;
      const proposer = random.pick(all).code;
      let counterpart = random.pick(all).code;
      while (counterpart === proposer) counterpart = random.pick(all).code;
      return new AgreementHistory(random, { proposer, counterparts: [counterpart], start: addDays('2019-01-07', Math.floor(started++ / 20)), activeSteps: 1 });
    },
    {
      inFlight: 1_000,
      onRound: ({ agreements: n }) => {
        if (n - reported < 10_000) return;
        reported = n;
        progress(`open data: ${n.toLocaleString('en-US')} agreements started`);
      },
    },
  );
  return events;
}

/** Streams a URL to nowhere while sampling the process's RSS every 20 ms; the peak and the bytes streamed. */
function streamedPeak(url: string): Promise<{ peakRssMb: number; megabytes: number; ms: number }> {
  return new Promise((resolve, reject) => {
    let peak = process.memoryUsage().rss;
    let bytes = 0;
    const begin = performance.now();
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    get(url, (response) => {
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => {
        clearInterval(sampler);
        resolve({ peakRssMb: peak / 2 ** 20, megabytes: bytes / 2 ** 20, ms: performance.now() - begin });
      });
    }).on('error', reject);
  });
}

async function reportsBenchmark(options: BenchOptions): Promise<BenchResult> {
  const nationAgreements = options.agreements ?? (options.large ? 50_000 : 10_000);
  process.env.SINERGI_DATA_DIR = options.dataDir;
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: ['error'], bodyParser: false });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  try {
    const store = app.get(EventStore);
    const regions = app.get(RegionDirectory);
    const generated = await generateProvince(store, regions);
    progress(`province ${PROVINCE}: ${generated.agreements} agreements, ${generated.events.toLocaleString('en-US')} events`);
    await app.get(ProjectionsStatus).caughtUp(await store.headPosition(), 300_000);

    const reports = app.get(SemesterReports);
    const reader = app.get(ReadModelReader);
    // The raw ceiling: the same read-model rows (the region's agreement documents), read and parsed.
    const readRows = () =>
      reader.read(async (snapshot) => {
        const { main, lists } = snapshot.tables(agreementStatusProjection);
        const rows = await snapshot.all<{ document: string }>(`SELECT s.document FROM ${lists.parties} p JOIN ${main} s ON s.key = p.key WHERE p.region = ?`, PROVINCE);
        return rows.map((row) => JSON.parse(row.document) as unknown);
      });
    const semester = { year: 2025, semester: 2 as const };
    const raw: { wallMs: number; cpuMs: number }[] = [];
    const pdf: { wallMs: number; cpuMs: number }[] = [];
    const xlsx: { wallMs: number; cpuMs: number }[] = [];
    let pages = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      raw.push(await elapsed(readRows));
      pdf.push(await elapsed(async () => (pages = (await reportPdf(await reports.report(PROVINCE, semester))).length)));
      xlsx.push(await elapsed(async () => reportXlsx(await reports.report(PROVINCE, semester))));
      const [r, p, x] = [raw, pdf, xlsx].map((runs) => runs[round - 1]);
      progress(`round ${round}: rows ${fixed(r.wallMs, 0)} ms, PDF ${fixed(p.wallMs, 0)} ms (CPU ${fixed(p.cpuMs, 0)}), XLSX ${fixed(x.wallMs, 0)} ms (CPU ${fixed(x.cpuMs, 0)})`);
    }
    const wall = (runs: { wallMs: number }[]) => median(runs.map((run) => run.wallMs));
    const cpu = (runs: { cpuMs: number }[]) => median(runs.map((run) => run.cpuMs));
    const rawMs = wall(raw);
    const pdfMs = wall(pdf);
    const xlsxMs = wall(xlsx);
    const slower = Math.max(pdfMs, xlsxMs);

    progress(`open data: generating ${nationAgreements.toLocaleString('en-US')} agreements`);
    const nationEvents = await generateNation(store, regions, nationAgreements);
    await everyRegionPublishes(store, regions);
    await app.get(ProjectionsStatus).caughtUp(await store.headPosition(), 600_000);
    const before = await settledMemory();
    const { port } = app.getHttpServer().address() as AddressInfo;
    const feed = await streamedPeak(`http://127.0.0.1:${port}/open-data/agreements.csv`);
    const listed = nationAgreements + generated.agreements;

    const figures: Record<string, number> = {
      'reports.semester_agreements': generated.agreements,
      'reports.semester_events': generated.events,
      'reports.semester_rows_ms': rawMs,
      'reports.semester_pdf_ms': pdfMs,
      'reports.semester_xlsx_ms': xlsxMs,
      'reports.semester_ms': slower,
      'reports.semester_ratio': slower / rawMs,
      'reports.semester_rows_cpu_ms': cpu(raw),
      'reports.semester_pdf_cpu_ms': cpu(pdf),
      'reports.semester_xlsx_cpu_ms': cpu(xlsx),
      'open_data.agreements': listed,
      'open_data.feed_mb': feed.megabytes,
      'open_data.feed_ms': feed.ms,
      'open_data.rss_before_mb': before.rssMb,
      'open_data.peak_rss_mb': feed.peakRssMb,
    };
    const rows: Cell[][] = [
      ['measure', 'median ms', 'CPU ms', 'ratio to rows', 'goal'],
      [`read the province's ${generated.agreements} read-model rows + JSON.parse (ceiling)`, fixed(rawMs, 1), fixed(cpu(raw), 0), '1.00×', ''],
      [`semester report as PDF (${pages.toLocaleString('en-US')} bytes)`, fixed(pdfMs, 0), fixed(cpu(pdf), 0), `${fixed(pdfMs / rawMs, 1)}×`, `< 2,000 ms ${pdfMs < 2000 ? 'met' : 'MISSED'}`],
      ['semester report as XLSX', fixed(xlsxMs, 0), fixed(cpu(xlsx), 0), `${fixed(xlsxMs / rawMs, 1)}×`, `< 2,000 ms ${xlsxMs < 2000 ? 'met' : 'MISSED'}`],
      [
        `national open data CSV, ${listed.toLocaleString('en-US')} agreements (${fixed(feed.megabytes, 1)} MB)`,
        fixed(feed.ms, 0),
        '',
        '',
        `peak RSS ${fixed(feed.peakRssMb, 0)} MB (before: ${fixed(before.rssMb, 0)} MB)`,
      ],
    ];
    const notes = [
      `Province ${PROVINCE}: ${generated.agreements} agreements, ${generated.events.toLocaleString('en-US')} events told by the real decider; ` +
        `the report folds each agreement's stream up to the end of the semester, with its kabupaten/kota recap, and seals the log (${ROUNDS} rounds, median).`,
      `Open data: ${nationEvents.toLocaleString('en-US')} more events; every region opted in; the feed streams page by page (${OPEN_DATA_PAGE} agreements a read), ` +
        'so its peak RSS stays near the idle process however many agreements it lists.',
    ];
    return { title: 'reports: semester report and open data', rows, figures, notes };
  } finally {
    await app.close();
  }
}

runBenchmark(reportsBenchmark);
