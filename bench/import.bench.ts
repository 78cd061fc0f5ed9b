// The import of existing agreements, as `sinergi import` runs it (the application, its command path, the SQLite store),
// on a generated XLSX register of West Java: KSB with every other province and kabupaten/kota, and PKS under them.
// Beside it, the raw ceiling: the very events it wrote, appended again to a fresh store in the same run, one append
// per row, as many at once. 2,000 rows by default; 10,000 with --large; --rows N. Both are measured warm, as the other
// benchmarks measure: a register of the same size (10,000 rows at most) is imported first, and its events appended
// raw, so that neither path pays for the compiler's work on its code in the figures (the first import's own rate is
// printed beside them). The peak memory is that of `sinergi import` itself, run once on the measured register in a
// process of its own.
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import ExcelJS from 'exceljs';
import type { NewEvent, RecordedEvent } from '../src/core/event';
import { IMPORT_COLUMNS, type RowCells } from '../src/imports/import-columns';
import { growHeapAsTheServerDoes } from '../src/heap-growth';
import { RegionDirectory } from '../src/regions/domain/region-directory';
import { type BenchOptions, type BenchResult, build, builtFile, fixed, progress, runBenchmark } from './support';

/** The import as deployed: the built application (see `build`), loaded once it is built. */
const built = () => ({
  ...(require(builtFile('src/app.module.js')) as typeof import('../src/app.module')),
  ...(require(builtFile('src/core/event-store.port.js')) as typeof import('../src/core/event-store.port')),
  ...(require(builtFile('src/imports/agreement-importer.js')) as typeof import('../src/imports/agreement-importer')),
  ...(require(builtFile('src/infrastructure/sqlite/sqlite.event-store.js')) as typeof import('../src/infrastructure/sqlite/sqlite.event-store')),
});

const IMPORTING = '32';
const IN_FLIGHT = 64;
/**
 * The warm-up's rows, at most: after 2,000 rows the compiler was still at work in the measured import (94 optimising
 * compiles, 410 ms of its threads' time; after 10,000 rows, 30–40 compiles).
 */
const WARM_UP_MAX_ROWS = 10_000;

/**
 * Every third row a PKS under the KSB of the row before it; the KSB run through every other region in turn. Rows
 * are numbered from `first`, so that two registers never name the same agreement.
 */
async function writeRegister(file: string, rows: number, first: number): Promise<void> {
  const others = RegionDirectory.load().all().filter((r) => r.code !== IMPORTING);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Kerja Sama');
  sheet.addRow(IMPORT_COLUMNS.map((c) => c.header)).commit();
  let ksb: RowCells = {};
  for (let n = 0; n < rows; n++) {
    const i = first + n;
    const day = String(1 + (i % 28)).padStart(2, '0');
    const month = String(1 + (i % 12)).padStart(2, '0');
    if (n % 3 !== 2) {
      const partner = others[i % others.length];
      ksb = {
        kind: 'KSB', party1: IMPORTING, ksbNumber1: `120/${i}/Pem/2024`, party2: partner.code, ksbNumber2: `100/${i}/KSB/2024`,
        title: `Kesepakatan Bersama nomor ${i}`, fields: '2.16; Pelayanan Publik', scope: 'Pelayanan publik dan data', signedOn: `${day}/${month}/2024`,
        place: 'Gedung Sate, Bandung', signatory1: 'Gubernur Jawa Barat', position1: 'Gubernur', signatory2: `Kepala Daerah ${partner.name}`,
        position2: 'Kepala Daerah', validUntil: `2029-${month}-${day}`, status: 'aktif',
      };
      sheet.addRow(IMPORT_COLUMNS.map((c) => ksb[c.key] ?? '')).commit();
    } else {
      const pks: RowCells = {
        ...ksb, kind: 'PKS', title: `PKS di bawah ${ksb.title}`, fields: '2.16', signedOn: `${day}/${month}/2025`, validUntil: `2027-${month}-${day}`,
        pksNumber1: `555/${i}/PKS/2025`, pksNumber2: `556/${i}/PKS/2025`, opd1: 'Diskominfotik', opd2: 'Diskominfo', skk1: `800/${i}/SKK`, skk2: `801/${i}/SKK`,
      };
      sheet.addRow(IMPORT_COLUMNS.map((c) => pks[c.key] ?? '')).commit();
    }
  }
  sheet.commit();
  await workbook.commit();
}

/** The same events appended again, one append per row (its causation), `IN_FLIGHT` at once: the store's own ceiling. */
async function rawAppend(file: string, events: RecordedEvent[]): Promise<{ appends: number; elapsedMs: number }> {
  const { SqliteEventStore } = built();
  const groups = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const key = `${event.streamId} ${event.metadata.causationId}`;
    groups.set(key, [...(groups.get(key) ?? []), event]);
  }
  const store = SqliteEventStore.open(file);
  const begin = performance.now();
  const running = new Set<Promise<unknown>>();
  for (const group of groups.values()) {
    const fresh: NewEvent[] = group.map(({ id, type, schemaVersion, data, metadata }) => ({ id, type, schemaVersion, data, metadata }));
    const expected = group[0].revision === 0 ? 'no-stream' : group[0].revision - 1;
    const append: Promise<unknown> = store.append(group[0].streamId, fresh, expected).then(() => running.delete(append));
    running.add(append);
    if (running.size >= IN_FLIGHT) await Promise.race(running);
  }
  await Promise.all(running);
  const elapsedMs = performance.now() - begin;
  await store.close();
  return { appends: groups.size, elapsedMs };
}

/**
 * Writes a register of `rows` rows numbered from `first`, in a process of its own: the spreadsheet writer's memory
 * stays out of this one's.
 */
function writeRegisterApart(file: string, rows: number, first: number): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    spawn(process.execPath, [...process.execArgv, __filename, WRITE_REGISTER, file, String(rows), String(first)], { stdio: 'inherit' })
      .on('error', reject)
      .on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writing the register exited with ${code}`)))),
  );
}

/**
 * `sinergi import FILE` as an office runs it, in a process of its own with a fresh store: the peak resident memory of
 * that process (told by a preloaded line as it exits, on a pipe of its own).
 */
async function peakMemoryOfTheCli(file: string, dataDir: string): Promise<number> {
  mkdirSync(dataDir, { recursive: true });
  const teller = join(dataDir, 'peak-memory.js');
  writeFileSync(teller, "process.on('exit', () => require('node:fs').writeSync(3, String(process.resourceUsage().maxRSS / 1024)));\n");
  const cli = spawn(process.execPath, ['--require', teller, builtFile('src/cli.js'), 'import', file, '--region', IMPORTING], {
    env: { ...process.env, SINERGI_DATA_DIR: join(dataDir, 'data'), SINERGI_PROJECTOR: 'external', REDIS_URL: '' },
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  // Its progress lines are not the benchmark's; what it said is shown only when it failed.
  let said = '';
  let told = '';
  cli.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
  (cli.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => (told += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => cli.on('error', reject).on('close', resolve));
  if (code !== 0 || told === '') throw new Error(`sinergi import exited with ${code}: ${said.slice(-2000)}`);
  return Number(told);
}

async function run(options: BenchOptions): Promise<BenchResult> {
  // As the CLI and the server (for POST /imports) run it.
  growHeapAsTheServerDoes();
  const flag = options.argv.indexOf('--rows');
  const rows = flag >= 0 ? Number(options.argv[flag + 1]) : options.large ? 10_000 : 2_000;
  const warmUpRows = Math.min(rows, WARM_UP_MAX_ROWS);
  const register = join(options.dataDir, 'register.xlsx');
  const warmUpRegister = join(options.dataDir, 'warm-up.xlsx');
  progress(`writing a register of ${rows} rows, and one of ${warmUpRows} to warm up`);
  await Promise.all([writeRegisterApart(register, rows, 0), writeRegisterApart(warmUpRegister, warmUpRows, rows)]);
  build();
  progress(`sinergi import of the ${rows} rows, for the peak memory of its process`);
  const peakRssMb = await peakMemoryOfTheCli(register, join(options.dataDir, 'cli'));

  const { AppModule, AgreementImporter, EventStore } = built();

  process.env.SINERGI_DATA_DIR = join(options.dataDir, 'app');
  process.env.SINERGI_PROJECTOR = 'external';
  delete process.env.REDIS_URL;
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
  const store = app.get(EventStore);
  /**
   * One register imported and its new events appended raw to the raw store (the warm-up's and the measured
   * register's name different agreements, so they share it): both timed.
   */
  const round = async (file: string, expected: number) => {
    const from = await store.headPosition();
    const content = readFileSync(file);
    const begin = performance.now();
    const report = await app.get(AgreementImporter).run({
      content,
      fileName: 'register.xlsx',
      dryRun: false,
      actor: { userId: 'bench', role: 'admin', region: IMPORTING },
      region: IMPORTING,
    });
    const elapsedMs = performance.now() - begin;
    const written = report.imported.ksb + report.imported.pks;
    if (report.problems.length > 0 || written !== expected) throw new Error(`the register did not import cleanly: ${JSON.stringify(report.problems.slice(0, 3))}`);
    const events = await store.readAll(from, Number.MAX_SAFE_INTEGER);
    const raw = await rawAppend(join(options.dataDir, 'raw.sqlite'), events);
    const rowsPerSecond = written / (elapsedMs / 1000);
    const rawPerSecond = raw.appends / (raw.elapsedMs / 1000);
    return { report, written, events, elapsedMs, raw, rowsPerSecond, rawPerSecond, ratio: rowsPerSecond / rawPerSecond };
  };
  try {
    progress(`warming up: importing ${warmUpRows} rows, and their raw append`);
    const first = await round(warmUpRegister, warmUpRows);
    progress(`importing ${rows} rows, then the raw append of their events`);
    const { report, written, events, elapsedMs, raw, rowsPerSecond, rawPerSecond, ratio } = await round(register, rows);
    return {
      title: `Import of a ${rows}-row XLSX register (${report.imported.ksb} KSB, ${report.imported.pks} PKS) beside a raw append of its events`,
      rows: [
        ['path', 'rows (appends)', 'events', 'seconds', 'rows/s'],
        ['sinergi import (read, check, decide, append)', written, events.length, fixed(elapsedMs / 1000, 2), fixed(rowsPerSecond, 0)],
        ['raw append, same events, same batching', raw.appends, events.length, fixed(raw.elapsedMs / 1000, 2), fixed(rawPerSecond, 0)],
      ],
      figures: { 'import.rows_per_s': rowsPerSecond, 'import.ratio': ratio, 'import.peak_rss_mb': peakRssMb },
      notes: [
        `ratio ${fixed(ratio, 2)} (goal ≥ 0.5); peak resident memory of a process importing the ${rows} rows once: ${fixed(peakRssMb, 0)} MB`,
        `the first import of the process (${warmUpRows} rows, the compiler's first pass over both paths included): ` +
          `${fixed(first.rowsPerSecond, 0)} rows/s, ratio ${fixed(first.ratio, 2)}`,
      ],
    };
  } finally {
    await app.close();
  }
}

const WRITE_REGISTER = '--write-register';

if (process.argv[2] === WRITE_REGISTER) {
  writeRegister(process.argv[3], Number(process.argv[4]), Number(process.argv[5])).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  runBenchmark(run);
}
